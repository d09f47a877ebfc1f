// Fiscal years. A fiscal year is named after the calendar year it ends in; its first month is
// configurable (1 = January, so FY N is calendar year N). With start month s > 1, FY N runs from
// (N-1)-s-01 up to (exclusive) N-s-01. Dates are calendar dates: a Date is read in UTC.

export interface DateRange {
  /** First day, 'YYYY-MM-DD'. */
  start: string;
  /** Day after the last day (exclusive), 'YYYY-MM-DD'. */
  end: string;
}

function checkStartMonth(startMonth: number): void {
  if (!Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12) {
    throw new RangeError(`fiscal-year start month must be an integer from 1 to 12, got ${startMonth}`);
  }
}

function yearAndMonth(date: Date | string): { year: number; month: number } {
  if (typeof date === 'string') {
    const m = /^(\d{4})-(\d{2})-\d{2}/.exec(date);
    if (!m) throw new RangeError(`expected a 'YYYY-MM-DD' date, got "${date}"`);
    return { year: Number(m[1]), month: Number(m[2]) };
  }
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid Date');
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1 };
}

export function isoMonthStart(year: number, month: number): string {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
}

/** The fiscal year a calendar date falls in. */
export function fiscalYearOf(date: Date | string, startMonth = 1): number {
  checkStartMonth(startMonth);
  const { year, month } = yearAndMonth(date);
  return startMonth === 1 || month < startMonth ? year : year + 1;
}

/** First day and exclusive end of fiscal year `fy`. */
export function fiscalYearRange(fy: number, startMonth = 1): DateRange {
  checkStartMonth(startMonth);
  if (!Number.isInteger(fy)) throw new RangeError(`fiscal year must be an integer, got ${fy}`);
  const firstYear = startMonth === 1 ? fy : fy - 1;
  return { start: isoMonthStart(firstYear, startMonth), end: isoMonthStart(firstYear + 1, startMonth) };
}

/** The four quarters of fiscal year `fy` (Q1 first), each a whole-month range. */
export function fiscalQuarterRanges(fy: number, startMonth = 1): DateRange[] {
  checkStartMonth(startMonth);
  const firstYear = startMonth === 1 ? fy : fy - 1;
  return [0, 1, 2, 3].map((q) => ({
    start: isoMonthStart(firstYear, startMonth + 3 * q),
    end: isoMonthStart(firstYear, startMonth + 3 * q + 3)
  }));
}
