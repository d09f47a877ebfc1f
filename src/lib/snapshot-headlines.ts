// Client-safe: a snapshot report's executive summary and its area sentences, read from what the
// snapshot holds — the overview dataset and the comparison figures frozen with it at creation
// (docs/figures.md, "Snapshot report"). Survivor figures are as published (rounded sums, or
// "withheld"); a change is never worked out from a withheld figure.
import { money, num } from './format.js';
import { WITHHELD } from './survivor-figures.js';
import { divisionName, regions } from './regions.js';

export type Area = 'funding' | 'aftercare' | 'outreach' | 'impact';

export interface HeadlineDef {
  /** Path in the overview dataset; also the key of the frozen comparison figure. */
  key: string;
  /** As docs/figures.md shows it. */
  label: string;
  money: boolean;
  area: Area;
  /** For sentences: "disbursed", "people reached". */
  noun: string;
}

/** The eight headline figures, all "dated in the period" so each has a previous period to compare with. */
export const HEADLINES: readonly HeadlineDef[] = [
  { key: 'funding.disbursedCents', label: 'Disbursed', money: true, area: 'funding', noun: 'disbursed' },
  { key: 'funding.approvedCents', label: 'Approved (committed)', money: true, area: 'funding', noun: 'approved' },
  { key: 'funding.requestedCents', label: 'Requested', money: true, area: 'funding', noun: 'requested' },
  { key: 'sincePeriodStart.needsFulfilled', label: 'Needs fulfilled', money: false, area: 'aftercare', noun: 'needs fulfilled' },
  { key: 'survivors.served', label: 'Survivors served (monthly counts summed)', money: false, area: 'aftercare', noun: 'survivors served' },
  { key: 'outreach.peopleReached', label: 'People reached', money: false, area: 'outreach', noun: 'people reached' },
  { key: 'impact.k9sFunded', label: 'K9s funded', money: false, area: 'impact', noun: 'K9s funded' },
  { key: 'impact.officersTrained', label: 'Officers trained', money: false, area: 'impact', noun: 'officers trained' }
];

export type FigureValue = number | typeof WITHHELD | null;

/** The comparison figures a snapshot freezes for one other period. */
export interface FrozenComparison {
  label: string;
  from: string;
  /** Day after the last day. */
  to: string;
  figures: Record<string, FigureValue>;
}

export interface FrozenComparisons {
  previous: FrozenComparison;
  yearEarlier: FrozenComparison;
}

function at(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

const asFigure = (v: unknown): FigureValue => (typeof v === 'number' || v === WITHHELD ? v : null);

/** The headline figures of an overview dataset, keyed as HEADLINES (what a snapshot freezes per comparison period). */
export function headlineValues(overview: unknown): Record<string, FigureValue> {
  return Object.fromEntries(HEADLINES.map((h) => [h.key, asFigure(at(overview, h.key))]));
}

export interface Change {
  label: string;
  value: FigureValue;
  /** this − that; null when either is missing or withheld. */
  delta: number | null;
  /** Percent change, one decimal; null when that is 0, missing or withheld. */
  percent: number | null;
}

export interface Headline extends HeadlineDef {
  value: FigureValue;
  previous: Change | null;
  yearEarlier: Change | null;
}

export function changeOf(value: FigureValue, other: FigureValue, label: string): Change {
  const both = typeof value === 'number' && typeof other === 'number';
  return {
    label,
    value: other,
    delta: both ? value - other : null,
    percent: both && other !== 0 ? Math.round(((value - other) / Math.abs(other)) * 1000) / 10 : null
  };
}

export function headlinesOf(datasets: Record<string, unknown>, comparisons: FrozenComparisons | null): Headline[] {
  const values = headlineValues(datasets.overview);
  return HEADLINES.map((h) => ({
    ...h,
    value: values[h.key],
    previous: comparisons ? changeOf(values[h.key], comparisons.previous.figures[h.key] ?? null, comparisons.previous.label) : null,
    yearEarlier: comparisons ? changeOf(values[h.key], comparisons.yearEarlier.figures[h.key] ?? null, comparisons.yearEarlier.label) : null
  }));
}

const compactUsd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });

/** "$9.4M" for large amounts (a headline), "$12,300" under ten thousand. */
export function shortMoney(cents: number): string {
  return Math.abs(cents) >= 1_000_000 ? compactUsd.format(cents / 100).replace(/([0-9])([KMB])$/, '$1 $2') : money(cents);
}

export function figureText(h: Pick<HeadlineDef, 'money'>, v: FigureValue): string {
  if (v === null) return '—';
  if (v === WITHHELD) return WITHHELD;
  return h.money ? shortMoney(v) : num(v);
}

/** "12 % more than FY2025", "3 % fewer than …", "the same as …", or why no change is given. */
export function changeText(h: Pick<HeadlineDef, 'money'>, c: Change | null): string {
  if (!c) return 'no comparison stored (made before comparisons were frozen)';
  if (c.value === WITHHELD || (c.delta === null && c.value !== null)) return `not compared with ${c.label} (withheld)`;
  if (c.value === null) return `nothing to compare in ${c.label}`;
  if (c.delta === 0) return `the same as ${c.label}`;
  const more = h.money ? 'more' : 'more';
  const less = h.money ? 'less' : 'fewer';
  if (c.percent === null) return `${figureText(h, Math.abs(c.delta ?? 0))} ${c.delta! > 0 ? more : less} than ${c.label} (none then)`;
  const pct = Math.abs(c.percent);
  return `${pct < 10 ? pct.toFixed(1) : Math.round(pct)} % ${c.delta! > 0 ? more : less} than ${c.label}`;
}

// Names, never codes.
export function stateName(code: string): string {
  return regions.find((r) => r.code === code)?.name ?? code;
}
export { divisionName };
