// What a chart shows, independent of Chart.js: the same spec feeds the canvas, the "table" view and
// the CSV download, so the three always show the same data.
import type { PublishedCount } from '$lib/survivor-figures.js';

export type ValueFormat = 'dollars' | 'count' | 'percent' | 'days';

export interface SeriesSpec {
  label: string;
  /** One value per label; "withheld" for a withheld survivor figure (plotted as a gap); null for none. */
  values: Array<PublishedCount | null>;
  /** Drawn as a line over bars (e.g. a goal). */
  line?: boolean;
  stack?: string;
  format?: ValueFormat;
}

export interface ChartSpec {
  type: 'bar' | 'line';
  /** Heading of the label column in the table and the CSV ("Month", "Stage"…). */
  labelHeader: string;
  labels: string[];
  series: SeriesSpec[];
  format: ValueFormat;
  horizontal?: boolean;
  stacked?: boolean;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** '2026-03-01' → 'March 2026' (a human-readable month; the data is monthly). */
export function monthLabel(isoMonth: string): string {
  const [y, m] = isoMonth.split('-').map(Number);
  return `${MONTHS[m - 1]} ${y}`;
}

/** '2026-03-05T…' or '2026-03-05' → 'March 5, 2026'. */
export function dayLabel(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${MONTHS[m - 1]} ${d}, ${y}`;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatValue(v: number | string | null, format: ValueFormat): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  switch (format) {
    case 'dollars':
      return usd.format(v);
    case 'percent':
      return `${count.format(v)}%`;
    case 'days':
      return `${count.format(v)} d`;
    default:
      return count.format(v);
  }
}

/** Integer cents → dollars (what money charts plot and CSVs carry). */
export const dollars = (cents: number) => Math.round(cents) / 100;
