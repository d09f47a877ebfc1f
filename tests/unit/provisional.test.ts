// "Provisional" in CSVs (docs/figures.md, "Provisional"): a chart's CSV says whether its period's
// figures are provisional and which months are not signed off; a snapshot's CSV says what they were
// when it was made (older snapshots: not recorded).
import { describe, expect, it } from 'vitest';
import { buildCsv, parseCsvTable } from '../../src/lib/charts/chart-csv.js';
import { datasetsCsv, provisionalOf } from '../../src/lib/snapshot-report.js';
import { parseCsv } from '../../src/lib/csv.js';
import type { ChartSpec } from '../../src/lib/charts/chart-spec.js';

const spec: ChartSpec = { type: 'bar', labelHeader: 'Month', format: 'count', labels: ['October 2026'], series: [{ label: 'Events', values: [4] }] };
const ctx = { title: 'Events', period: '2026-10-01 to 2026-10-31', filters: [] as Array<[string, string]>, asOf: '2026-11-29T05:30:12.000Z' };
const line = (csv: string, name: string) => parseCsv(csv).find((r) => r[0] === name)?.[1];

describe('provisional in CSV', () => {
  it('a chart CSV names the months not signed off, or says every month is', () => {
    expect(line(buildCsv(spec, { ...ctx, provisional: ['2026-09', '2026-10'] }), 'Provisional')).toBe('yes — not yet signed off: September 2026, October 2026');
    expect(line(buildCsv(spec, { ...ctx, provisional: [] }), 'Provisional')).toBe('no — every month of the period is signed off');
    expect(line(buildCsv(spec, ctx), 'Provisional')).toBeUndefined();
    // The data rows are unchanged by the extra line.
    expect(parseCsvTable(buildCsv(spec, { ...ctx, provisional: ['2026-10'] }))).toEqual([['Month', 'Events'], ['October 2026', '4']]);
  });

  it('a snapshot CSV says what was provisional when it was made; the list is not shown as a figure', () => {
    const header = { title: 'Board', period: 'FY2026', asOf: 'x', filters: 'none', seq: 1, integrity: 'verified' };
    const months = ['2026-01', '2026-02', '2026-03', '2026-04'];
    const datasets = { outreach: { provisionalMonths: months, totals: { events: 3 } }, overview: { provisionalMonths: months } };
    expect(provisionalOf(datasets)).toEqual(months);
    const csv = datasetsCsv(header, datasets);
    expect(line(csv, 'Provisional when made')).toBe('yes — not yet signed off: January 2026 – April 2026 (4 months)');
    expect(csv).not.toMatch(/Provisional months/i);
    expect(line(datasetsCsv(header, { outreach: { totals: { events: 3 } } }), 'Provisional when made')).toBe('not recorded (made before monthly sign-off)');
  });
});

describe('provisional months on a wall screen', () => {
  it('says which months in few words, never a range over a month that is signed off', async () => {
    const { monthsShort } = await import('../../src/lib/provisional.js');
    expect(monthsShort([])).toBe('');
    expect(monthsShort(['2026-11'])).toBe('Nov 2026');
    expect(monthsShort(['2026-10', '2026-11', '2026-12'])).toBe('Oct – Dec 2026');
    expect(monthsShort(['2026-11', '2026-12', '2027-01'])).toBe('Nov 2026 – Jan 2027');
    // October signed off: not "Sep – Nov".
    expect(monthsShort(['2026-09', '2026-11'])).toBe('Sep, Nov 2026');
    expect(monthsShort(['2026-01', '2026-03', '2026-05', '2026-07'])).toBe('4 months');
    expect(monthsShort(['2025-12', '2026-02'])).toBe('2 months');
  });
});
