// What a chart shows, independent of Chart.js: the same spec feeds the canvas, the "table" view and
// the CSV download, so the three always show the same data.
import type { PublishedCount } from '$lib/survivor-figures.js';
import { decimal, wholeDollars } from '$lib/format.js';

export type ValueFormat = 'dollars' | 'count' | 'percent' | 'days';

export interface SeriesSpec {
  label: string;
  /** One value per label; "withheld" for a withheld survivor figure (plotted as a gap); null for none. */
  values: Array<PublishedCount | null>;
  /** Drawn as a line over bars (e.g. a goal). */
  line?: boolean;
  /**
   * Drawn as a level mark across each label's group (a budget or a goal: a dashed line at its value
   * over the bars it is measured against) instead of a bar; the table and the CSV keep it as a column.
   * Labels whose value is 0 or none get no mark.
   */
  level?: 'budget' | 'goal';
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
  /** Dated notes drawn as numbered vertical markers (time charts only; see annotation-marks.ts). */
  dateMarks?: DateMark[];
}

/** A chart annotation placed on a time chart: its number, where it falls, and what it says. */
export interface DateMark {
  n: number;
  /** Position on the label axis: label index, fractional within the label's month (i − 0.5 … i + 0.5). */
  at: number;
  day: string;
  note: string;
  scope: string;
}

// Days and months are written as everywhere else (format.ts); charts import them from here too.
export { dayLabel, monthLabel } from '$lib/format.js';

export function formatValue(v: number | string | null, format: ValueFormat): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  switch (format) {
    case 'dollars':
      return wholeDollars(v);
    case 'percent':
      return `${decimal(v)}%`;
    case 'days':
      return `${decimal(v)} d`;
    default:
      return decimal(v);
  }
}

/** Integer cents → dollars (what money charts plot and CSVs carry). */
export const dollars = (cents: number) => Math.round(cents) / 100;
