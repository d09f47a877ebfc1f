// Snapshot periods: a fiscal year, a fiscal quarter or a span of dates, stored as [from, to).
import { fiscalQuarterRanges, fiscalYearOf, fiscalYearRange } from '../fiscal-year.js';
import type { PeriodInput } from './snapshots.schemas.js';

export interface ResolvedPeriod {
  kind: 'fiscal_year' | 'fiscal_quarter' | 'dates';
  label: string;
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Day after the last day, YYYY-MM-DD. */
  to: string;
  /** The fiscal year the dashboards are read for: the one the period's last day falls in. */
  fiscalYear: number;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function addDays(isoDay: string, days: number): string {
  const d = new Date(`${isoDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function resolvePeriod(p: PeriodInput, startMonth: number): ResolvedPeriod {
  if (p.kind === 'fiscal_year') {
    const r = fiscalYearRange(p.fiscalYear, startMonth);
    return { kind: p.kind, label: `FY${p.fiscalYear}`, from: r.start, to: r.end, fiscalYear: p.fiscalYear };
  }
  if (p.kind === 'fiscal_quarter') {
    const r = fiscalQuarterRanges(p.fiscalYear, startMonth)[p.quarter - 1];
    return { kind: p.kind, label: `FY${p.fiscalYear} Q${p.quarter}`, from: r.start, to: r.end, fiscalYear: p.fiscalYear };
  }
  const to = addDays(p.to, 1);
  return { kind: 'dates', label: p.from === p.to ? p.from : `${p.from} to ${p.to}`, from: p.from, to, fiscalYear: fiscalYearOf(p.to, startMonth) };
}

/** What a scheduled run at `runAt` covers: the month, or fiscal quarter, holding the day before it. */
export function scheduledPeriod(frequency: 'monthly' | 'quarterly', runAt: Date, startMonth: number): ResolvedPeriod {
  const day = addDays(runAt.toISOString().slice(0, 10), -1);
  const fy = fiscalYearOf(day, startMonth);
  if (frequency === 'quarterly') {
    const quarter = fiscalQuarterRanges(fy, startMonth).findIndex((q) => day >= q.start && day < q.end) + 1;
    return resolvePeriod({ kind: 'fiscal_quarter', fiscalYear: fy, quarter }, startMonth);
  }
  const from = `${day.slice(0, 7)}-01`;
  const to = addDays(addDays(from, 32).slice(0, 7) + '-01', 0);
  return { kind: 'dates', label: `${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`, from, to, fiscalYear: fy };
}

/** `at` moved by whole months, same day (the month's last day if it is shorter), same time. */
export function addMonths(at: Date, months: number): Date {
  const next = new Date(at);
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(at.getUTCDate(), lastDay));
  return next;
}

export const monthsPerRun = (frequency: 'monthly' | 'quarterly') => (frequency === 'monthly' ? 1 : 3);

/** The run after `runAt`: one month or three later, same day (the month's last day if it is shorter). */
export function nextRunAfter(frequency: 'monthly' | 'quarterly', runAt: Date): Date {
  return addMonths(runAt, monthsPerRun(frequency));
}

/**
 * Why a schedule's first run is refused, or null: it may lie at most one period back (a run missed
 * a moment ago is still made) and at most a year ahead. Further back would back-fill a run per
 * period at once; further ahead is a typo more often than a plan.
 */
export function firstRunProblem(frequency: 'monthly' | 'quarterly', firstRun: Date, now: Date): string | null {
  if (Number.isNaN(firstRun.getTime())) return 'Enter the first run time.';
  const period = frequency === 'monthly' ? 'one month' : 'three months';
  if (firstRun < addMonths(now, -monthsPerRun(frequency))) return `The first run can be at most ${period} in the past.`;
  if (firstRun > addMonths(now, 12)) return 'The first run can be at most one year ahead.';
  return null;
}

/** A period a report compares with: first day, day after the last, and its name. */
export interface ComparedPeriod {
  label: string;
  from: string;
  to: string;
}

const dayNumber = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
const shiftMonths = (iso: string, months: number) => addMonths(new Date(`${iso}T00:00:00Z`), months).toISOString().slice(0, 10);
const wholeMonths = (from: string, to: string) =>
  from.endsWith('-01') && to.endsWith('-01') ? (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) : 0;

function nameOf(from: string, to: string, kind: ResolvedPeriod['kind'], startMonth: number): string {
  const months = wholeMonths(from, to);
  const fy = fiscalYearOf(addDays(to, -1), startMonth);
  if (kind === 'fiscal_year' && months === 12 && from === fiscalYearRange(fy, startMonth).start) return `FY${fy}`;
  if (months === 3) {
    const q = fiscalQuarterRanges(fy, startMonth).findIndex((r) => r.start === from);
    if (q >= 0 && kind === 'fiscal_quarter') return `FY${fy} Q${q + 1}`;
  }
  if (months === 1) return `${MONTHS[Number(from.slice(5, 7)) - 1]} ${from.slice(0, 4)}`;
  const last = addDays(to, -1);
  return from === last ? from : `${from} to ${last}`;
}

/**
 * What a report compares a period with (docs/figures.md, "Snapshot report"): the previous period of
 * the same length — the previous fiscal year, fiscal quarter or calendar month(s) for those, else the
 * same number of days just before — and the same period a year earlier. A period still running on
 * `asOfDay` (the organisation's day the snapshot is made) is compared over the same number of days
 * from each period's start, so a part-year is never set against a whole one.
 */
export function comparisonPeriods(period: ResolvedPeriod, asOfDay: string, startMonth: number): { previous: ComparedPeriod; yearEarlier: ComparedPeriod } {
  const months = wholeMonths(period.from, period.to);
  const prevFrom = months > 0 ? shiftMonths(period.from, -months) : addDays(period.from, -(dayNumber(period.to) - dayNumber(period.from)));
  const prevTo = months > 0 ? period.from : period.from;
  const yearFrom = shiftMonths(period.from, -12);
  const yearTo = shiftMonths(period.to, -12);
  const end = addDays(asOfDay, 1);
  const running = end > period.from && end < period.to;
  const elapsed = dayNumber(end) - dayNumber(period.from);
  const cut = (from: string, to: string): ComparedPeriod =>
    running
      ? { from, to: addDays(from, elapsed), label: `${from} to ${addDays(from, elapsed - 1)}` }
      : { from, to, label: nameOf(from, to, period.kind, startMonth) };
  return { previous: cut(prevFrom, prevTo), yearEarlier: cut(yearFrom, yearTo) };
}
