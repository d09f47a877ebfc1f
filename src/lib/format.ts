// Client-safe display helpers: the one place money, numbers, days, months and times are written
// for people (pages, charts, tables, CSV headers). US English, as the organisation reports.
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const usdCents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-US');
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** Integer cents → whole dollars: $1,235. */
export function money(cents: number): string {
  return usd.format(Math.round(cents / 100));
}

/** Integer cents → dollars, with cents only when there are any: $1,234 or $1,234.50. */
export function moneyExact(cents: number): string {
  const c = Number(cents);
  return (c % 100 === 0 ? usd : usdCents).format(c / 100);
}

/** An amount already in dollars (what charts plot) → $1,235. */
export function wholeDollars(dollars: number): string {
  return usd.format(dollars);
}

export function num(n: number): string {
  return count.format(n);
}

const compactUsd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });
const compactCount = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Dollars, short enough to read across a room: $15M (wall screens' chart ticks). */
export function compactDollars(dollars: number): string {
  return compactUsd.format(dollars);
}

/** A count, short: 1.2K. */
export function compactNum(n: number): string {
  return compactCount.format(n);
}

/** A measure with at most one decimal: 12.5, 1,204. */
export function decimal(n: number): string {
  return oneDecimal.format(n);
}

/** 'survivor_basic_needs' → 'Survivor basic needs' */
export function label(value: string): string {
  // 'detection_k9' → 'Detection K9', 'icac_task_force' → 'ICAC task force' (written in capitals).
  const words = value.replaceAll('_', ' ').replace(/\bk9\b/g, 'K9').replace(/\bicac\b/g, 'ICAC');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// Moments are shown in the organisation's time zone (BEACON_TIME_ZONE), named after the time, on
// every page whoever reads it and wherever: the root layout sets it from the server's configuration
// before any page renders (server and browser alike). Until then (scripts, tests): UTC.
let orgTimeZone = 'UTC';
const formats = new Map<string, Intl.DateTimeFormat>();

/** The organisation's IANA time zone for the moments shown (root layout). */
export function setOrgTimeZone(timeZone: string): void {
  orgTimeZone = timeZone;
}

const KINDS = {
  seconds: { dateStyle: 'medium', timeStyle: 'long' },
  minutes: { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
  time: { hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short' },
  dayShort: { month: 'short', day: 'numeric' },
  day: { month: 'short', day: 'numeric', year: 'numeric' },
  dayLong: { dateStyle: 'long' }
} satisfies Record<string, Intl.DateTimeFormatOptions>;

function formatIn(kind: keyof typeof KINDS, d: Date | string | number): string {
  const key = `${kind}|${orgTimeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...KINDS[kind], timeZone: orgTimeZone });
    formats.set(key, f);
  }
  return f.format(new Date(d));
}

/** The organisation's day of a moment: 'Dec 4' (short), 'Dec 4, 2026', or 'December 4, 2026' (long). */
export function dayOf(d: Date | string, style: 'short' | 'medium' | 'long' = 'medium'): string {
  return formatIn(style === 'short' ? 'dayShort' : style === 'long' ? 'dayLong' : 'day', d);
}

/** The organisation's day at a moment (default now), 'YYYY-MM-DD': a form's "today", never the UTC date. */
export function orgDay(at: Date | number = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: orgTimeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
}

/** The time of a moment in the organisation's zone: '9:30:15 PM EST' (live badges). */
export function timeOf(d: Date | string | number): string {
  return formatIn('time', d);
}

/** A moment with seconds in the organisation's zone: 'Dec 4, 2026, 6:30:12 PM EST' (audit, comments, links). */
export function dateTime(d: Date | string): string {
  return formatIn('seconds', d);
}

/** A moment to the minute in the organisation's zone: 'Dec 4, 2026, 6:30 PM EST' (sessions, invitations, schedules). */
export function dateTimeShort(d: Date | string): string {
  return formatIn('minutes', d);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** '2026-03-01' or '2026-03' → 'March 2026' (a human-readable month; the data is monthly). */
export function monthLabel(isoMonth: string): string {
  const [y, m] = isoMonth.split('-').map(Number);
  return `${MONTHS[m - 1]} ${y}`;
}

/** '2026-03-05T…' or '2026-03-05' → 'March 5, 2026'. */
export function dayLabel(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${MONTHS[m - 1]} ${d}, ${y}`;
}

/** '2026-03-05' → 'Mar 5, 2026' (tables); anything that is not a day, as it is. */
export function dayShort(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' });
}
