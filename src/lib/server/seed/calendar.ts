// The seed's sense of time: everything is generated relative to the anchor date, never the clock.
import { fiscalYearOf, fiscalYearRange } from '../fiscal-year.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export function dateMs(isoDay: string): number {
  return Date.parse(`${isoDay}T00:00:00Z`);
}

export function dayStart(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

export function monthStartMs(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate());
}

export interface SeedCalendar {
  fiscalYearStartMonth: number;
  /** The anchor's calendar day (UTC), 'YYYY-MM-DD'. */
  anchorDay: string;
  /**
   * Start of the anchor day: every generated timestamp and date lies strictly before it, so the
   * data depends only on the anchor's date (not its time of day) and is never in the future.
   */
  horizonMs: number;
  /** Oldest first: the two fiscal years before the anchor's, then the anchor's. */
  fiscalYears: number[];
  /** First day of the oldest seeded fiscal year. */
  windowStartMs: number;
  fiscalYearOf(ms: number): number;
  fiscalYearStartMs(fy: number): number;
  fiscalYearEndMs(fy: number): number;
}

export function seedCalendar(anchor: Date, fiscalYearStartMonth: number): SeedCalendar {
  if (Number.isNaN(anchor.getTime())) throw new RangeError('the seed anchor is not a valid date');
  const anchorDay = isoDate(anchor.getTime());
  const current = fiscalYearOf(anchorDay, fiscalYearStartMonth);
  const fiscalYears = [current - 2, current - 1, current];
  const startMs = (fy: number) => dateMs(fiscalYearRange(fy, fiscalYearStartMonth).start);
  // Hot path (one call per generated row): compare with the seeded years' boundaries in ms.
  const bounds = [...fiscalYears, current + 1].map((fy) => [fy, startMs(fy)] as const);
  const fiscalYearOfMs = (ms: number): number => {
    for (let i = bounds.length - 1; i >= 0; i--) if (ms >= bounds[i][1]) return bounds[i][0];
    return fiscalYearOf(isoDate(ms), fiscalYearStartMonth);
  };
  return {
    fiscalYearStartMonth,
    anchorDay,
    horizonMs: dateMs(anchorDay),
    fiscalYears,
    windowStartMs: dateMs(fiscalYearRange(fiscalYears[0], fiscalYearStartMonth).start),
    fiscalYearOf: fiscalYearOfMs,
    fiscalYearStartMs: startMs,
    fiscalYearEndMs: (fy) => dateMs(fiscalYearRange(fy, fiscalYearStartMonth).end)
  };
}

/** A time of day in North American business hours, as an offset from midnight UTC (13:30–23:30). */
export function businessHoursOffset(unit: number): number {
  return Math.floor((13.5 + unit * 10) * HOUR);
}
