// The period a dashboard's filters select, exactly: a fiscal year or a range of days (both included),
// as calendar days in the organisation's time zone. Monthly rollups answer the whole months inside
// it; the days before the first whole month and after the last are read day by day, so no figure
// covers more (or less) than its label names.
import { fiscalYearOf, fiscalYearRange, isoMonthStart } from '../fiscal-year.js';
import type { DashboardFilterInput } from './dashboard.filters.js';

export interface DayRange {
  /** First day, YYYY-MM-DD. */
  start: string;
  /** Day after the last (exclusive), YYYY-MM-DD. */
  end: string;
}

export interface DashboardPeriod extends DayRange {
  kind: 'fiscalYear' | 'range';
  /** First fiscal year the period overlaps (the one named when filtering by fiscal year). */
  fiscalYear: number;
  /** Last fiscal year the period overlaps (budgets are set per fiscal year). */
  fiscalYearTo: number;
  /** Human-readable, e.g. "FY2026" or "2026-01-15 to 2026-03-31". */
  label: string;
  /** The whole calendar months inside the period (null when none). */
  wholeMonths: DayRange | null;
  /** The days of the period outside those months: at most one run before and one after. */
  edgeDays: DayRange[];
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// One formatter per time zone: making one costs more than a dashboard's other work in JS (~0.5 ms).
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** Today's date in a time zone, YYYY-MM-DD. */
export function localToday(now: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    if (dayFormats.size >= 64) dayFormats.clear();
    dayFormats.set(timeZone, format);
  }
  return format.format(now);
}

/** Splits [start, end) into the whole months inside it and the days around them. */
export function splitPeriod(range: DayRange): Pick<DashboardPeriod, 'wholeMonths' | 'edgeDays'> {
  const firstWhole = range.start.endsWith('-01') ? range.start : isoMonthStart(Number(range.start.slice(0, 4)), Number(range.start.slice(5, 7)) + 1);
  const afterWhole = `${range.end.slice(0, 7)}-01`;
  if (firstWhole >= afterWhole) return { wholeMonths: null, edgeDays: [range] };
  const edgeDays: DayRange[] = [];
  if (range.start < firstWhole) edgeDays.push({ start: range.start, end: firstWhole });
  if (afterWhole < range.end) edgeDays.push({ start: afterWhole, end: range.end });
  return { wholeMonths: { start: firstWhole, end: afterWhole }, edgeDays };
}

export interface PeriodOptions {
  fiscalYearStartMonth: number;
  /** The organisation's time zone ("now" gives today's fiscal year there). */
  timeZone?: string;
  now?: Date;
}

export function resolvePeriod(filters: DashboardFilterInput, options: PeriodOptions): DashboardPeriod {
  const startMonth = options.fiscalYearStartMonth;
  if (filters.from && filters.to) {
    const range = { start: filters.from, end: addDays(filters.to, 1) };
    return {
      kind: 'range',
      fiscalYear: fiscalYearOf(filters.from, startMonth),
      fiscalYearTo: fiscalYearOf(filters.to, startMonth),
      ...range,
      ...splitPeriod(range),
      label: filters.from === filters.to ? filters.from : `${filters.from} to ${filters.to}`
    };
  }
  const today = localToday(options.now ?? new Date(), options.timeZone ?? 'UTC');
  const fiscalYear = filters.fiscalYear ?? fiscalYearOf(today, startMonth);
  const range = fiscalYearRange(fiscalYear, startMonth);
  return { kind: 'fiscalYear', fiscalYear, fiscalYearTo: fiscalYear, ...range, ...splitPeriod(range), label: `FY${fiscalYear}` };
}

/** The first day of every month the period touches (a monthly series' points; edge months hold only the period's days). */
export function monthsOf(period: DayRange): string[] {
  const out: string[] = [];
  const [y, firstMonth] = period.start.split('-').map(Number);
  let m = firstMonth;
  for (let month = isoMonthStart(y, m); month < period.end; month = isoMonthStart(y, ++m)) {
    out.push(month);
    if (out.length > 240) break;
  }
  return out;
}

/** Days in [start, end). */
export const daysIn = (r: DayRange) => Math.round((Date.parse(`${r.end}T00:00:00Z`) - Date.parse(`${r.start}T00:00:00Z`)) / 86_400_000);
