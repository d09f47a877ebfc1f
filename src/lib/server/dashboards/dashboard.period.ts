// The period a dashboard's filters select: the fiscal years its funding figures cover (requests
// belong to a fiscal year) and the months its monthly figures cover (rollups are monthly).
import { fiscalYearOf, fiscalYearRange, isoMonthStart } from '../fiscal-year.js';
import type { DashboardFilterInput } from './dashboard.filters.js';

export interface DashboardPeriod {
  kind: 'fiscalYear' | 'range';
  /** First fiscal year included (the one named when filtering by fiscal year). */
  fiscalYear: number;
  /** Last fiscal year included. */
  fiscalYearTo: number;
  /** First day of the first month included, YYYY-MM-DD. */
  start: string;
  /** First day after the last month included (exclusive), YYYY-MM-DD. */
  end: string;
  /** Human-readable, e.g. "FY2026" or "2026-01-15 to 2026-03-31". */
  label: string;
}

export function resolvePeriod(filters: DashboardFilterInput, options: { fiscalYearStartMonth: number; now?: Date }): DashboardPeriod {
  const startMonth = options.fiscalYearStartMonth;
  if (filters.from && filters.to) {
    const [fy, fm] = filters.from.split('-').map(Number);
    const [ty, tm] = filters.to.split('-').map(Number);
    return {
      kind: 'range',
      fiscalYear: fiscalYearOf(filters.from, startMonth),
      fiscalYearTo: fiscalYearOf(filters.to, startMonth),
      start: isoMonthStart(fy, fm),
      end: isoMonthStart(ty, tm + 1),
      label: `${filters.from} to ${filters.to}`
    };
  }
  const fiscalYear = filters.fiscalYear ?? fiscalYearOf(options.now ?? new Date(), startMonth);
  const range = fiscalYearRange(fiscalYear, startMonth);
  return { kind: 'fiscalYear', fiscalYear, fiscalYearTo: fiscalYear, start: range.start, end: range.end, label: `FY${fiscalYear}` };
}

/** The first day of every month in [start, end). */
export function monthsOf(period: Pick<DashboardPeriod, 'start' | 'end'>): string[] {
  const out: string[] = [];
  let [y, m] = period.start.split('-').map(Number);
  for (let month = isoMonthStart(y, m); month < period.end; month = isoMonthStart(y, ++m)) {
    out.push(month);
    if (out.length > 240) break;
  }
  return out;
}
