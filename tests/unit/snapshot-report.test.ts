import { describe, expect, it } from 'vitest';
import { compareMetrics, datasetsCsv, protectStoredSurvivorFigures, sectionsOf, SUPPRESSED } from '../../src/lib/snapshot-report.js';
import { SURVIVOR_RULE, WITHHELD } from '../../src/lib/survivor-figures.js';
import { addDays, nextRunAfter, resolvePeriod, scheduledPeriod } from '../../src/lib/server/snapshots/snapshot-period.js';

const earlier = {
  funding: { seq: 1, asOf: 'x', totals: { disbursedCents: 100_00, requests: 4 }, byStage: [{ stage: 'intake', requests: 3 }, { stage: 'approved', requests: 1 }] },
  overview: { survivors: { served: SUPPRESSED, newIntakes: 0 } }
};
const later = {
  funding: { seq: 2, asOf: 'y', totals: { disbursedCents: 150_00, requests: 4 }, byStage: [{ stage: 'intake', requests: 2 }, { stage: 'approved', requests: 2 }] },
  overview: { survivors: { served: 14, newIntakes: 0 } }
};

describe('snapshot report', () => {
  it('orders sections as the dashboards are, and leaves out what describes the read', () => {
    const sections = sectionsOf(earlier);
    expect(sections.map((s) => s.key)).toEqual(['overview', 'funding']);
    expect(JSON.stringify(sections)).not.toContain('asOf');
  });

  it('compares metric by metric, with no change where a side is suppressed', () => {
    const byLabel = Object.fromEntries(compareMetrics(earlier, later).map((m) => [m.label, m]));
    expect(byLabel['Key figures · Totals · Disbursed']).toMatchObject({ a: 10000, b: 15000, change: 5000, percent: 50, money: true });
    expect(byLabel['By stage · Intake · Requests']).toMatchObject({ change: -1, percent: -33.3 });
    expect(byLabel['Key figures · Survivors served (monthly counts summed)']).toMatchObject({ a: SUPPRESSED, b: 14, change: null, percent: null });
  });

  it('writes CSV with a header, money in dollars and quoted cells', () => {
    const csv = datasetsCsv({ title: 'Q3, "final"', period: 'FY2026 Q3', asOf: '2026-10-01T00:00:00.000Z', filters: 'none', seq: 9, integrity: 'verified' }, earlier);
    const lines = csv.split('\r\n');
    expect(lines.slice(0, 3)).toEqual(['Snapshot,"Q3, ""final"""', 'Period,FY2026 Q3', 'As of,2026-10-01T00:00:00.000Z']);
    expect(lines).toContain('Totals · Disbursed (USD),100');
    expect(lines).toContain('Stage,Requests');
    expect(lines).toContain('Survivors served (monthly counts summed),withheld');
  });
});

describe('stored survivor figures', () => {
  it('are shown as stored when published under the rule, and withheld in a snapshot made before it', () => {
    const current = { survivors: { served: 15, newIntakes: 0, reports: 3, rule: SURVIVOR_RULE }, funding: { requests: 3 } };
    const legacy = { survivors: { served: 7, newIntakes: 0, bedNights: 11, reports: 10 }, funding: { requests: 3 } };
    const monthly = { survivorsMonthly: [{ month: '2026-01-01', served: 12, centersReporting: 1 }], openTotals: { needs: 4 } };
    expect(protectStoredSurvivorFigures({ overview: current, legacy, aftercare: monthly })).toEqual({
      overview: current,
      legacy: { survivors: { served: WITHHELD, newIntakes: WITHHELD, bedNights: WITHHELD, reports: WITHHELD }, funding: { requests: 3 } },
      aftercare: { survivorsMonthly: [{ month: '2026-01-01', served: WITHHELD, centersReporting: WITHHELD }], openTotals: { needs: 4 } }
    });
  });
});

describe('snapshot periods', () => {
  it('resolves fiscal quarters, years and dates as [from, to)', () => {
    expect(resolvePeriod({ kind: 'fiscal_quarter', fiscalYear: 2026, quarter: 3 }, 10)).toMatchObject({ label: 'FY2026 Q3', from: '2026-04-01', to: '2026-07-01' });
    expect(resolvePeriod({ kind: 'fiscal_year', fiscalYear: 2026 }, 1)).toMatchObject({ from: '2026-01-01', to: '2027-01-01' });
    expect(resolvePeriod({ kind: 'dates', from: '2026-02-01', to: '2026-02-28' }, 1)).toMatchObject({ to: '2026-03-01', fiscalYear: 2026 });
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('covers the month or quarter before a run, and steps runs by whole months', () => {
    expect(scheduledPeriod('monthly', new Date('2026-12-01T00:00:00Z'), 1)).toMatchObject({ label: 'November 2026', from: '2026-11-01', to: '2026-12-01' });
    expect(scheduledPeriod('quarterly', new Date('2026-10-01T06:00:00Z'), 1)).toMatchObject({ label: 'FY2026 Q3' });
    expect(nextRunAfter('monthly', new Date('2026-01-31T09:00:00Z')).toISOString()).toBe('2026-02-28T09:00:00.000Z');
    expect(nextRunAfter('quarterly', new Date('2026-11-30T09:00:00Z')).toISOString()).toBe('2027-02-28T09:00:00.000Z');
  });
});
