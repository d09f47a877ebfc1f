// The input rules every procedure and form shares (client-safe: zod only). Whatever a caller sends is
// judged here before it reaches a service or the database, so bad input is a 400 naming its field —
// never a Postgres error. Messages are plain words that can follow a field's label.
import { z } from 'zod';

/** Largest value of a Postgres `integer` column (versions, quantities, counts). */
export const INT4_MAX = 2_147_483_647;
/** Money is integer cents; the app caps amounts at ten billion dollars (well inside `bigint` and 2^53). */
export const CENTS_MAX = 1_000_000_000_000;
export const YEAR_MIN = 2000;
export const YEAR_MAX = 2100;

export const CONTROL_CHARACTERS_MESSAGE = 'Remove the invisible control characters.';

// NUL and the other C0 controls but tab, line feed and carriage return, DEL, and UTF-16 surrogates
// that are not part of a pair (Postgres refuses NUL in text; a lone surrogate cannot be stored as UTF-8).
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` holds no character the rules refuse. */
export function isCleanText(s: string): boolean {
  return !UNSAFE.test(s);
}

/** Matches text with no refused character (a regex check keeps a schema a ZodString: .trim(), .email()… still chain). */
export const CLEAN_TEXT = new RegExp(`^(?![^]*(?:${UNSAFE.source}))`);

/** Any text: refuses NUL, other invisible control characters and unpaired surrogates. */
export const cleanText = () =>
  z.string({ invalid_type_error: 'Enter text.', required_error: 'Enter text.' }).regex(CLEAN_TEXT, CONTROL_CHARACTERS_MESSAGE);

/** Trimmed text of `min`..`max` characters, with the caller's wording for each limit. */
export function text(opts: { min?: number; max: number; tooShort?: string; tooLong?: string }) {
  let s = cleanText().trim();
  if (opts.min) s = s.min(opts.min, opts.tooShort ?? `Use at least ${opts.min} characters.`);
  return s.max(opts.max, opts.tooLong ?? `Use at most ${opts.max.toLocaleString('en-US')} characters.`);
}

const wholeNumber = (what = 'a whole number') =>
  z.number({ invalid_type_error: `Enter ${what}.`, required_error: `Enter ${what}.` }).int(`Enter ${what}.`);

/** A row id: a positive integer a JavaScript number holds exactly (ids are `bigint` columns). */
export const id = () => wholeNumber('a valid id').positive('Enter a valid id.').max(Number.MAX_SAFE_INTEGER, 'Enter a valid id.');

/** The version an edit is based on (an `integer` column). */
export const version = () =>
  wholeNumber('the version your edit is based on').positive('Send the version your edit is based on.').max(INT4_MAX, 'Send the version your edit is based on.');

/** A whole count from `min` to `max` (default 0 to the `integer` column's limit). */
export const count = (opts: { min?: number; max?: number; tooSmall?: string; tooLarge?: string } = {}) => {
  const min = opts.min ?? 0;
  const max = Math.min(opts.max ?? INT4_MAX, INT4_MAX);
  return wholeNumber()
    .min(min, opts.tooSmall ?? (min === 0 ? 'Cannot be negative.' : `Use at least ${min}.`))
    .max(max, opts.tooLarge ?? `Use at most ${max.toLocaleString('en-US')}.`);
};

/** An amount of money in integer cents, never negative, at most ten billion dollars. */
export const cents = (tooSmall = 'The amount cannot be negative.') =>
  wholeNumber('an amount in whole cents').min(0, tooSmall).max(CENTS_MAX, 'Use at most $10,000,000,000.');

/** A year in the range Beacon keeps figures for. */
export const year = (what = 'a year') =>
  z.number({ invalid_type_error: `Enter ${what}.`, required_error: `Enter ${what}.` })
    .int(`Enter ${what}.`).min(YEAR_MIN, `Use a year from ${YEAR_MIN} to ${YEAR_MAX}.`).max(YEAR_MAX, `Use a year from ${YEAR_MIN} to ${YEAR_MAX}.`);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Why `s` is not a date the rules accept (YYYY-MM-DD, a real day, years 2000–2100), or null. */
export function dateProblem(s: string): string | null {
  const m = DATE.exec(s);
  if (!m) return 'Use a date like 2026-12-31 (year-month-day).';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < YEAR_MIN || y > YEAR_MAX) return `Use a date in the years ${YEAR_MIN} to ${YEAR_MAX}.`;
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (mo < 1 || mo > 12 || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return 'That day does not exist.';
  return null;
}

/** A calendar day, YYYY-MM-DD: the one date type of every procedure and form. */
export const isoDate = () =>
  z.string({ invalid_type_error: 'Enter a date.', required_error: 'Enter a date.' }).superRefine((s, ctx) => {
    const problem = dateProblem(s);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

const MONTH = /^(\d{4})-(\d{2})$/;

/** Why `s` is not a month the rules accept (YYYY-MM, what <input type="month"> sends; years 2000–2100), or null. */
export function monthProblem(s: string): string | null {
  const m = MONTH.exec(s);
  const [y, mo] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!m || mo < 1 || mo > 12) return 'Choose a month, like 2026-11.';
  if (y < YEAR_MIN || y > YEAR_MAX) return `Choose a month in the years ${YEAR_MIN} to ${YEAR_MAX}.`;
  return null;
}

/** A calendar month, YYYY-MM: the one month type of every procedure and form. */
export const isoMonth = () =>
  z.string({ invalid_type_error: 'Choose a month.', required_error: 'Choose a month.' }).superRefine((s, ctx) => {
    const problem = monthProblem(s);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

// An ISO 8601 instant as forms and JSON send it: a day, optionally a time, optionally a zone.
const INSTANT = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** A moment in time (a Date, or an ISO 8601 string), in the years 2000–2100; parsed to a Date. */
export const instant = (what = 'a date and time') =>
  z.union([z.date(), z.string()], { errorMap: () => ({ message: `Enter ${what}, like 2026-12-31T09:00Z.` }) }).transform((v, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    };
    if (typeof v === 'string') {
      const m = INSTANT.exec(v);
      if (!m) return fail(`Enter ${what}, like 2026-12-31T09:00Z.`);
      const problem = dateProblem(m[1]);
      if (problem) return fail(problem.startsWith('Use a date in') ? `Choose ${what} in the years ${YEAR_MIN} to ${YEAR_MAX}.` : problem);
      if (m[2] !== undefined && (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59)) return fail('That time does not exist.');
      v = new Date(m[2] === undefined ? `${m[1]}T00:00:00Z` : m[5] ? v : `${v}Z`);
    }
    if (Number.isNaN(v.getTime())) return fail(`Enter ${what}, like 2026-12-31T09:00Z.`);
    const y = v.getUTCFullYear();
    if (y < YEAR_MIN || y > YEAR_MAX) return fail(`Choose ${what} in the years ${YEAR_MIN} to ${YEAR_MAX}.`);
    return v;
  });

const plural = (n: number | bigint, one: string, many = `${one}s`) => `${Number(n).toLocaleString('en-US')} ${Number(n) === 1 ? one : many}`;

/**
 * Zod's own wording ("Expected number, received string", "Invalid enum value…") replaced by plain
 * words for every rule that names no message of its own. Installed globally by this module, which
 * every schema imports.
 */
export const plainErrorMap: z.ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type: {
      if (issue.received === 'undefined') return { message: 'Fill this in.' };
      const expected: Record<string, string> = {
        string: 'Enter text.', number: 'Enter a number.', integer: 'Enter a whole number.', boolean: 'Choose yes or no.',
        array: 'Choose from the list.', object: 'Fill in the form.', date: 'Enter a date.'
      };
      return { message: expected[issue.expected] ?? 'This value has the wrong type.' };
    }
    case z.ZodIssueCode.invalid_literal:
    case z.ZodIssueCode.invalid_enum_value:
    case z.ZodIssueCode.invalid_union:
    case z.ZodIssueCode.invalid_union_discriminator:
      return { message: 'Choose one of the options.' };
    case z.ZodIssueCode.unrecognized_keys:
      return { message: `Leave out what this form does not ask for (${plural(issue.keys.length, 'unknown field')}).` };
    case z.ZodIssueCode.too_small:
      if (issue.type === 'string') return { message: `Use at least ${plural(issue.minimum, 'character')}.` };
      if (issue.type === 'array' || issue.type === 'set') return { message: `Choose at least ${plural(issue.minimum, 'item')}.` };
      if (issue.type === 'date') return { message: 'That date is too early.' };
      return { message: `Use ${issue.inclusive ? 'at least' : 'more than'} ${Number(issue.minimum).toLocaleString('en-US')}.` };
    case z.ZodIssueCode.too_big:
      if (issue.type === 'string') return { message: `Use at most ${plural(issue.maximum, 'character')}.` };
      if (issue.type === 'array' || issue.type === 'set') return { message: `Choose at most ${plural(issue.maximum, 'item')}.` };
      if (issue.type === 'date') return { message: 'That date is too late.' };
      return { message: `Use ${issue.inclusive ? 'at most' : 'less than'} ${Number(issue.maximum).toLocaleString('en-US')}.` };
    case z.ZodIssueCode.invalid_string:
      return { message: issue.validation === 'email' ? 'Enter a valid email address.' : 'Use the expected format.' };
    case z.ZodIssueCode.invalid_date:
      return { message: 'Enter a real date.' };
    case z.ZodIssueCode.not_finite:
    case z.ZodIssueCode.not_multiple_of:
      return { message: 'Enter a whole number.' };
    default:
      return { message: ctx.defaultError === 'Invalid input' ? 'Check this value.' : ctx.defaultError };
  }
};

z.setErrorMap(plainErrorMap);
