// The one date type and the one month type of every procedure and form (src/lib/validation.ts isoDate,
// isoMonth): a real calendar day, a real month.
import { describe, expect, it } from 'vitest';
import { isoDate, isoMonth, monthProblem } from '../../src/lib/validation.js';

const accepts = (s: string) => isoDate().safeParse(s).success;

describe('isoDate', () => {
  it('accepts real days, leap days in leap years included', () => {
    for (const day of ['2026-01-31', '2026-02-28', '2024-02-29', '2000-02-29', '2026-12-31', '2100-01-01']) expect(accepts(day), day).toBe(true);
  });
  it('refuses days that do not exist', () => {
    for (const day of ['2026-02-31', '2026-02-29', '2100-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-32']) {
      expect(accepts(day), day).toBe(false);
    }
  });
  it('refuses other shapes and years outside 2000–2100', () => {
    for (const s of ['2026-2-3', '20260203', '2026-02-03T00:00', ' 2026-02-03', '1999-12-31', '2101-01-01']) expect(accepts(s), s).toBe(false);
  });
});

describe('isoMonth', () => {
  const acceptsMonth = (s: string) => isoMonth().safeParse(s).success;
  it('accepts the months of 2000–2100', () => {
    for (const m of ['2000-01', '2026-02', '2026-12', '2100-12']) expect(acceptsMonth(m), m).toBe(true);
  });
  it('refuses months that do not exist, other shapes and other years, in plain words', () => {
    for (const m of ['2026-13', '2026-00', '2026-1', '2026-02-01', '202602', '1999-12', '2101-01', '']) expect(acceptsMonth(m), m).toBe(false);
    expect(monthProblem('2026-13')).toBe('Choose a month, like 2026-11.');
    expect(monthProblem('1999-12')).toBe('Choose a month in the years 2000 to 2100.');
  });
});
