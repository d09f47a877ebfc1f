import { describe, expect, it } from 'vitest';
import { buildCsv, parseCsvTable, tableRows, humanTime } from '../../src/lib/charts/chart-csv.js';
import { monthLabel, type ChartSpec } from '../../src/lib/charts/chart-spec.js';

const spec: ChartSpec = {
  type: 'bar', labelHeader: 'Month', format: 'count',
  labels: ['2026-01-01', '2026-02-01', '2026-03-01'].map(monthLabel),
  series: [
    { label: 'Survivors served', values: [120, 'withheld', 0] },
    { label: 'Cost, "estimated"', values: [1234.5, null, 99], format: 'dollars' }
  ]
};

describe('chart CSV', () => {
  const csv = buildCsv(spec, { title: 'Survivors, per month', period: 'FY2026', filters: [['Division', 'Mountain'], ['State/province', 'Colorado']], asOf: '2026-11-29T05:30:12.000Z' });

  it('starts with what the chart is, for which filters, as of when (human-readable)', () => {
    const lines = csv.split('\r\n');
    expect(lines.slice(0, 5)).toEqual([
      'Chart,"Survivors, per month"',
      'Period,FY2026',
      'Filters,Division: Mountain; State/province: Colorado',
      'As of,"November 29, 2026, 05:30:12 UTC"',
      ''
    ]);
  });

  it('holds exactly the chart data: one row per label, one column per series, months spelled out', () => {
    expect(parseCsvTable(csv)).toEqual([
      ['Month', 'Survivors served', 'Cost, "estimated" (USD)'],
      ['January 2026', '120', '1234.5'],
      ['February 2026', 'withheld', ''],
      ['March 2026', '0', '99']
    ]);
  });

  it('neutralises spreadsheet formulas in labels', () => {
    const evil = buildCsv({ ...spec, labels: ['=HYPERLINK("x")', '-5', 'ok'] }, { title: 't', period: 'p', filters: [], asOf: '2026-01-01T00:00:00Z' });
    const rows = parseCsvTable(evil);
    expect(rows[1][0]).toBe(`'=HYPERLINK("x")`);
    expect(rows[2][0]).toBe('-5');
    expect(evil).toMatch(/Filters,none/);
  });

  it('the table view shows the same rows, formatted', () => {
    expect(tableRows(spec)).toEqual([
      ['January 2026', '120', '$1,235'],
      ['February 2026', 'withheld', '—'],
      ['March 2026', '0', '$99']
    ]);
    expect(humanTime('2026-07-04T18:00:00Z', 'America/Denver')).toBe('July 4, 2026, 12:00:00 America/Denver');
  });
});
