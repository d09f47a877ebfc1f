// Client-safe: a chart for a stored table, drawn with the dashboards' own chart components (ChartSpec
// → ChartPanel). Money columns are charted when a table has any (in dollars), counts otherwise; a
// table keyed by month is a line over time, anything else bars per row.
import { dollars, monthLabel, type ChartSpec } from './chart-spec.js';
import { columnLabel, isMoneyKey, rowName, SUPPRESSED, type Table } from '$lib/snapshot-report.js';

const MAX_ROWS = 60;
const MAX_SERIES = 4;
const isIdColumn = (c: string) => c === 'id' || /Id$/.test(c);

export function chartSpecOf(table: Table): ChartSpec | null {
  if (table.columns[0] === 'metric' || table.rows.length < 2 || table.rows.length > MAX_ROWS) return null;
  const labelAt = table.columns.findIndex((c, i) => !isIdColumn(c) && table.rows.every((r) => typeof r[i] === 'string' && r[i] !== SUPPRESSED));
  if (labelAt < 0) return null;
  const numeric = table.columns
    .map((c, i) => ({ c, i }))
    .filter(({ c, i }) => i !== labelAt && !isIdColumn(c))
    .filter(({ i }) => table.rows.every((r) => typeof r[i] === 'number' || r[i] === SUPPRESSED || r[i] === null) && table.rows.some((r) => typeof r[i] === 'number'));
  const money = numeric.filter(({ c }) => isMoneyKey(c));
  const chosen = (money.length ? money : numeric).slice(0, MAX_SERIES);
  if (!chosen.length) return null;
  const byMonth = /^month$/i.test(table.columns[labelAt]) && table.rows.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(String(r[labelAt])));
  return {
    type: byMonth ? 'line' : 'bar',
    labelHeader: columnLabel(table.columns[labelAt]),
    labels: table.rows.map((r) => (byMonth ? monthLabel(String(r[labelAt])) : rowName(table.columns[labelAt], r[labelAt]))),
    series: chosen.map(({ c, i }) => ({
      label: columnLabel(c),
      values: table.rows.map((r) => {
        const v = r[i];
        if (v === SUPPRESSED) return SUPPRESSED;
        if (typeof v !== 'number') return null;
        return money.length ? dollars(v) : v;
      })
    })),
    format: money.length ? 'dollars' : 'count',
    horizontal: !byMonth && table.rows.length > 8
  };
}
