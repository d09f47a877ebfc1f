// Client-safe rules of chart annotations (issue 21, item 5): a short note on a day, for everyone or
// for one division or one state/province. The server applies the same rules (which annotations a
// dashboard or a snapshot shows); the pages use them to place and describe the markers.
import { divisionName, regions } from './regions.js';

export const NOTE_MAX = 140;
export const NOTE_MIN = 3;
/** Said beside the note field, and enforced by nobody but the writer: it must be said. */
export const NOTE_PRIVACY = 'Never write anything about a survivor: a short line about the work (“forensic kit delivered to the task force”, “campaign launched”).';

/** An annotation as lists, charts and snapshots carry it. */
export interface ChartAnnotation {
  id: number;
  /** The local day it marks (organisation's zone), YYYY-MM-DD. */
  day: string;
  note: string;
  /** null with `state` null: everyone's. */
  division: string | null;
  state: string | null;
}

/** "Everyone", "Mountain division" or "Colorado". */
export function scopeLabel(a: Pick<ChartAnnotation, 'division' | 'state'>): string {
  if (a.state) return regions.find((r) => r.code === a.state)?.name ?? a.state;
  if (a.division) return `${divisionName(a.division)} division`;
  return 'Everyone';
}

/**
 * Does an annotation belong on a view with these place filters? Everyone's always; with no place
 * filter every one; a division filter: the division's own and its states'; a state filter: the
 * state's own and its division's.
 */
export function annotationApplies(a: Pick<ChartAnnotation, 'division' | 'state'>, filters: { division?: string | null; state?: string | null }): boolean {
  if (!a.division && !a.state) return true;
  if (filters.state) {
    if (a.state) return a.state === filters.state;
    return a.division === divisionOfState(filters.state);
  }
  if (filters.division) {
    if (a.division) return a.division === filters.division;
    return divisionOfState(a.state!) === filters.division;
  }
  return true;
}

function divisionOfState(state: string): string | null {
  return regions.find((r) => r.code === state)?.division ?? null;
}

/** Sorted by day then id, numbered from 1: the numbers the chart markers and the list share. */
export function numbered<T extends ChartAnnotation>(list: readonly T[]): Array<T & { n: number }> {
  return [...list].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.id - b.id)).map((a, i) => ({ ...a, n: i + 1 }));
}
