// Where chart annotations fall on a monthly time chart: each note on its day's month, placed within
// that month's band by its day (the 1st near the band's left edge, the last day near its right), and
// numbered as in the page's list of notes. Notes outside the chart's months are left off.
import type { ChartSpec, DateMark } from './chart-spec.js';
import { dayShort } from '$lib/format.js';
import { scopeLabel, type ChartAnnotation } from '$lib/annotations.js';

/** `months`: the first day (YYYY-MM-DD) of the month each label of the chart stands for. */
export function dateMarks(months: readonly string[], notes: ReadonlyArray<ChartAnnotation & { n: number }>): DateMark[] {
  const index = new Map(months.map((m, i) => [m.slice(0, 7), i]));
  const out: DateMark[] = [];
  for (const a of notes) {
    const i = index.get(a.day.slice(0, 7));
    if (i === undefined) continue;
    const [y, m, d] = a.day.split('-').map(Number);
    const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
    out.push({ n: a.n, at: i - 0.5 + (d - 0.5) / daysInMonth, day: a.day, note: a.note, scope: scopeLabel(a) });
  }
  return out;
}

/** The spec with its notes' markers (the same spec when there are none, so nothing redraws). */
export function withDateMarks(spec: ChartSpec, months: readonly string[], notes: ReadonlyArray<ChartAnnotation & { n: number }> | undefined): ChartSpec {
  if (!notes?.length) return spec;
  const marks = dateMarks(months, notes);
  return marks.length ? { ...spec, dateMarks: marks } : spec;
}

/** "3 · Mar 12, 2026 · Campaign launched (Mountain division)": a marker's full text. */
export function markText(m: DateMark): string {
  return `${m.n} · ${dayShort(m.day)} · ${m.note} (${m.scope})`;
}
