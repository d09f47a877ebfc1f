// Moments on every page are shown in the organisation's zone (BEACON_TIME_ZONE) and say which zone,
// whatever the reader's browser is set to: written here from the clock (UTC − 5 in winter, − 4 in
// summer for New York; − 3:30 / − 2:30 for St. John's), not from Intl's options.
import { afterEach, describe, expect, it } from 'vitest';
import { dateTime, dateTimeShort, orgDay, setOrgTimeZone } from '../../src/lib/format.js';

describe('moments in the organisation’s zone', () => {
  afterEach(() => setOrgTimeZone('UTC'));

  it('a late-evening moment in New York is that evening there, not the next UTC day', () => {
    setOrgTimeZone('America/New_York');
    // 2026-12-05 02:30:15 UTC = 2026-12-04 21:30:15 EST (UTC−5).
    expect(dateTime('2026-12-05T02:30:15Z')).toBe('Dec 4, 2026, 9:30:15 PM EST');
    expect(dateTimeShort(new Date('2026-12-05T02:30:15Z'))).toBe('Dec 4, 2026, 9:30 PM EST');
    // Summer time: 2026-07-01 03:05 UTC = 2026-06-30 23:05 EDT (UTC−4).
    expect(dateTimeShort('2026-07-01T03:05:00Z')).toBe('Jun 30, 2026, 11:05 PM EDT');
  });

  it('follows the configured zone, half hours included', () => {
    setOrgTimeZone('America/St_Johns');
    // 2026-12-05 02:30 UTC = 2026-12-04 23:00 NST (UTC−3:30).
    expect(dateTimeShort('2026-12-05T02:30:00Z')).toMatch(/^Dec 4, 2026, 11:00 PM (NST|GMT-3:30)$/);
    setOrgTimeZone('UTC');
    expect(dateTime('2026-12-05T02:30:15Z')).toBe('Dec 5, 2026, 2:30:15 AM UTC');
  });

  it("a form's today is the organisation's day, not the UTC date", () => {
    setOrgTimeZone('America/Los_Angeles');
    // 2026-12-05 06:00 UTC = 2026-12-04 22:00 PST (UTC−8).
    expect(orgDay(Date.parse('2026-12-05T06:00:00Z'))).toBe('2026-12-04');
    expect(orgDay(Date.parse('2026-12-05T08:00:00Z'))).toBe('2026-12-05');
  });
});
