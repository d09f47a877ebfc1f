import { describe, expect, it } from 'vitest';
import { fiscalQuarterRanges, fiscalYearOf, fiscalYearRange, isoMonthStart } from '../../src/lib/server/fiscal-year.js';

describe('fiscalYearOf', () => {
  it('is the calendar year when the fiscal year starts in January', () => {
    expect(fiscalYearOf('2026-01-01', 1)).toBe(2026);
    expect(fiscalYearOf('2026-12-31', 1)).toBe(2026);
    expect(fiscalYearOf('2026-06-15')).toBe(2026);
  });

  it('is named after the calendar year the fiscal year ends in', () => {
    // July start: FY2027 runs 2026-07-01 .. 2027-06-30.
    expect(fiscalYearOf('2026-06-30', 7)).toBe(2026);
    expect(fiscalYearOf('2026-07-01', 7)).toBe(2027);
    expect(fiscalYearOf('2027-06-30', 7)).toBe(2027);
    // October start (US federal): FY2027 starts 2026-10-01.
    expect(fiscalYearOf('2026-09-30', 10)).toBe(2026);
    expect(fiscalYearOf('2026-10-01', 10)).toBe(2027);
    // December start: only December moves to the next fiscal year.
    expect(fiscalYearOf('2026-11-30', 12)).toBe(2026);
    expect(fiscalYearOf('2026-12-01', 12)).toBe(2027);
  });

  it('reads a Date in UTC', () => {
    expect(fiscalYearOf(new Date('2026-06-30T23:30:00Z'), 7)).toBe(2026);
    expect(fiscalYearOf(new Date('2026-07-01T00:00:00Z'), 7)).toBe(2027);
    expect(fiscalYearOf(new Date('2026-12-31T23:59:59Z'), 1)).toBe(2026);
  });

  it('accepts a timestamp string by its date part', () => {
    expect(fiscalYearOf('2026-07-01T10:00:00Z', 7)).toBe(2027);
  });

  it('rejects a bad start month or date', () => {
    expect(() => fiscalYearOf('2026-01-01', 0)).toThrow(RangeError);
    expect(() => fiscalYearOf('2026-01-01', 13)).toThrow(RangeError);
    expect(() => fiscalYearOf('2026-01-01', 1.5)).toThrow(RangeError);
    expect(() => fiscalYearOf('01/02/2026', 1)).toThrow(RangeError);
    expect(() => fiscalYearOf(new Date('nope'), 1)).toThrow(RangeError);
  });
});

describe('fiscalYearRange', () => {
  it('is the calendar year for a January start', () => {
    expect(fiscalYearRange(2026, 1)).toEqual({ start: '2026-01-01', end: '2027-01-01' });
    expect(fiscalYearRange(2026)).toEqual({ start: '2026-01-01', end: '2027-01-01' });
  });

  it('starts in the previous calendar year otherwise', () => {
    expect(fiscalYearRange(2027, 7)).toEqual({ start: '2026-07-01', end: '2027-07-01' });
    expect(fiscalYearRange(2027, 10)).toEqual({ start: '2026-10-01', end: '2027-10-01' });
    expect(fiscalYearRange(2027, 2)).toEqual({ start: '2026-02-01', end: '2027-02-01' });
    expect(fiscalYearRange(2027, 12)).toEqual({ start: '2026-12-01', end: '2027-12-01' });
  });

  it('agrees with fiscalYearOf on every boundary day', () => {
    for (let s = 1; s <= 12; s++) {
      const { start, end } = fiscalYearRange(2026, s);
      expect(fiscalYearOf(start, s)).toBe(2026);
      expect(fiscalYearOf(end, s)).toBe(2027);
      const lastDay = new Date(`${end}T00:00:00Z`);
      lastDay.setUTCDate(lastDay.getUTCDate() - 1);
      expect(fiscalYearOf(lastDay, s)).toBe(2026);
    }
  });

  it('rejects a non-integer fiscal year', () => {
    expect(() => fiscalYearRange(2026.5, 1)).toThrow(RangeError);
  });
});

describe('fiscalQuarterRanges', () => {
  it('splits the fiscal year into four whole-month quarters', () => {
    expect(fiscalQuarterRanges(2027, 10)).toEqual([
      { start: '2026-10-01', end: '2027-01-01' },
      { start: '2027-01-01', end: '2027-04-01' },
      { start: '2027-04-01', end: '2027-07-01' },
      { start: '2027-07-01', end: '2027-10-01' }
    ]);
    const q = fiscalQuarterRanges(2026, 1);
    expect(q[0].start).toBe(fiscalYearRange(2026, 1).start);
    expect(q[3].end).toBe(fiscalYearRange(2026, 1).end);
  });
});

describe('isoMonthStart', () => {
  it('wraps months past December into the next year', () => {
    expect(isoMonthStart(2026, 13)).toBe('2027-01-01');
    expect(isoMonthStart(2026, 24)).toBe('2027-12-01');
    expect(isoMonthStart(2026, 0)).toBe('2025-12-01');
  });
});
