// CSV of a chart's data: a few lines saying what it is (chart, period, filters, as-of time), a blank
// line, then one row per label with one column per series — the same values the chart plots.
// Dates are human-readable; money is in dollars; withheld survivor figures say "withheld". Cells go
// through $lib/csv (RFC 4180 quoting, formulas neutralised).
import type { ChartSpec } from './chart-spec.js';
import { formatValue } from './chart-spec.js';
import { csvRows, parseCsv } from '$lib/csv.js';
import { provisionalLine } from '$lib/provisional.js';

export interface CsvContext {
  title: string;
  period: string;
  /** Filter name → human-readable value; empty means "none". */
  filters: Array<[string, string]>;
  /** ISO time the data reflects. */
  asOf: string;
  timeZone?: string;
  /** The period's months not yet signed off (absent: not known, no line). */
  provisional?: readonly string[];
}

/** "November 29, 2026, 05:30:12 UTC" */
export function humanTime(iso: string, timeZone = 'UTC'): string {
  const d = new Date(iso);
  const date = d.toLocaleDateString('en-US', { timeZone, year: 'numeric', month: 'long', day: 'numeric' });
  const time = d.toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `${date}, ${time} ${timeZone}`;
}

const unit = (spec: ChartSpec, format = spec.format) => (format === 'dollars' ? ' (USD)' : format === 'percent' ? ' (%)' : format === 'days' ? ' (days)' : '');

export function buildCsv(spec: ChartSpec, ctx: CsvContext): string {
  return csvRows([
    ['Chart', ctx.title],
    ['Period', ctx.period],
    ['Filters', ctx.filters.length ? ctx.filters.map(([k, v]) => `${k}: ${v}`).join('; ') : 'none'],
    ['As of', humanTime(ctx.asOf, ctx.timeZone)],
    ...(ctx.provisional ? [['Provisional', provisionalLine(ctx.provisional)]] : []),
    [],
    [spec.labelHeader, ...spec.series.map((s) => `${s.label}${unit(spec, s.format)}`)],
    ...spec.labels.map((label, i) => [label, ...spec.series.map((s) => s.values[i] ?? null)])
  ]);
}

/** Parses the data rows of a CSV built above (for tests and checks): header + rows after the blank line. */
export function parseCsvTable(csv: string): string[][] {
  const rows = parseCsv(csv);
  const blank = rows.findIndex((r) => r.length === 1 && r[0] === '');
  return rows.slice(blank + 1);
}

/** Table cells as the table view shows them (formatted). */
export function tableRows(spec: ChartSpec): string[][] {
  return spec.labels.map((label, i) => [label, ...spec.series.map((s) => formatValue(s.values[i] ?? null, s.format ?? spec.format))]);
}
