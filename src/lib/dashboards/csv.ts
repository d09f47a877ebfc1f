// CSV of a chart's data: a few lines saying what it is (chart, period, filters, as-of time), a blank
// line, then one row per label with one column per series — the same values the chart plots.
// Dates are human-readable; money is in dollars; withheld survivor figures say "withheld". RFC 4180 quoting.
import type { ChartSpec } from './chart-spec.js';
import { formatValue } from './chart-spec.js';

export interface CsvContext {
  title: string;
  period: string;
  /** Filter name → human-readable value; empty means "none". */
  filters: Array<[string, string]>;
  /** ISO time the data reflects. */
  asOf: string;
  timeZone?: string;
}

function cell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  // Neutralise spreadsheet formulas in text cells (CSV injection) and quote when needed.
  const safe = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
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
  const lines: string[] = [];
  lines.push([cell('Chart'), cell(ctx.title)].join(','));
  lines.push([cell('Period'), cell(ctx.period)].join(','));
  lines.push([cell('Filters'), cell(ctx.filters.length ? ctx.filters.map(([k, v]) => `${k}: ${v}`).join('; ') : 'none')].join(','));
  lines.push([cell('As of'), cell(humanTime(ctx.asOf, ctx.timeZone))].join(','));
  lines.push('');
  lines.push([spec.labelHeader, ...spec.series.map((s) => `${s.label}${unit(spec, s.format)}`)].map(cell).join(','));
  spec.labels.forEach((label, i) => {
    lines.push([cell(label), ...spec.series.map((s) => cell(s.values[i] ?? null))].join(','));
  });
  return lines.join('\r\n') + '\r\n';
}

/** Parses the data rows of a CSV built above (for tests and checks): header + rows after the blank line. */
export function parseCsvTable(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (ch !== '\r') field += ch;
  }
  if (field || row.length) row.push(field), rows.push(row);
  const blank = rows.findIndex((r) => r.length === 1 && r[0] === '');
  return rows.slice(blank + 1);
}

/** Table cells as the table view shows them (formatted). */
export function tableRows(spec: ChartSpec): string[][] {
  return spec.labels.map((label, i) => [label, ...spec.series.map((s) => formatValue(s.values[i] ?? null, s.format ?? spec.format))]);
}
