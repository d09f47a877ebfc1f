// Invariants the database enforces (constraints, triggers) turned into clear, per-field messages.
// Both drivers (pg, PGlite) report SQLSTATE as `code` and the constraint name as `constraint`.
import { DomainError, fieldError } from '../errors.js';
import { CONTROL_CHARACTERS_MESSAGE, INT4_MAX, isCleanText } from '../../validation.js';

interface PgLikeError {
  code?: string;
  constraint?: string;
  message?: string;
  detail?: string;
}

/** True for an error raised by Postgres (pg or PGlite): it carries a five-character SQLSTATE. */
export function isDatabaseError(err: unknown): err is PgLikeError & Error {
  return err instanceof Error && typeof (err as PgLikeError).code === 'string' && /^[0-9A-Z]{5}$/.test((err as PgLikeError).code!);
}

type Leaf = { key: string; value: unknown };

/** Every scalar in an input, with the name of the field holding it (the last object key on its path). */
function leaves(value: unknown, key = '', out: Leaf[] = [], depth = 0): Leaf[] {
  if (depth > 8 || out.length > 500) return out;
  if (Array.isArray(value)) for (const v of value) leaves(v, key, out, depth + 1);
  else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) leaves(v, k, out, depth + 1);
  } else out.push({ key, value });
  return out;
}

const looksLikeDate = (v: unknown) => v instanceof Date || (typeof v === 'string' && /^[+-]?\d{4,6}-\d{2}-\d{2}/.test(v));
const outOfInt4 = (v: unknown) => typeof v === 'number' && (!Number.isSafeInteger(v) || Math.abs(v) > INT4_MAX);

// Postgres data exceptions (SQLSTATE class 22): a value the schema let through but the column refuses.
// Each: the message to show, and how to spot the input that caused it (to name its field).
const DATA_EXCEPTIONS: Record<string, [message: string, culprit: (v: unknown) => boolean]> = {
  '22021': [CONTROL_CHARACTERS_MESSAGE, (v) => typeof v === 'string' && !isCleanText(v)],
  '22P05': [CONTROL_CHARACTERS_MESSAGE, (v) => typeof v === 'string' && !isCleanText(v)],
  '22003': ['That number is out of range.', outOfInt4],
  '22008': ['That date is out of range.', looksLikeDate],
  '22007': ['Use a real date, like 2026-12-31.', looksLikeDate],
  '22001': ['That text is too long.', (v) => typeof v === 'string' && v.length > 200]
};

/**
 * A 400 for a Postgres data exception (class 22: bad text, NUL, numbers or dates out of range…),
 * naming the field when the input shows which value caused it; null for any other error.
 */
export function dataExceptionRefusal(err: unknown, input?: unknown): DomainError | null {
  if (!isDatabaseError(err) || !err.code!.startsWith('22')) return null;
  const [message, culprit] = DATA_EXCEPTIONS[err.code!] ?? ['That value cannot be used.', () => false];
  const field = leaves(input).find((l) => l.key && culprit(l.value))?.key;
  // `sqlstate` stays on the server (the error formatter sends only field errors and conflicts): tests
  // use it to tell a value the input rules missed from one they refused.
  const details = { sqlstate: err.code, ...(field ? { fieldErrors: { [field]: [message] } } : {}) };
  return new DomainError('BAD_REQUEST', message, details);
}

const CONSTRAINTS: Record<string, [field: string, message: string]> = {
  aftercare_need_title_length: ['title', 'Give the need a title of 3 to 200 characters.'],
  aftercare_need_quantity_positive: ['quantity', 'Quantity must be at least 1.'],
  aftercare_need_cost_not_negative: ['estimatedCostCents', 'The estimated cost cannot be negative.'],
  aftercare_need_basic_type_iff_basic_needs: ['basicNeedType', 'Basic needs take a type (housing, food…); other kinds take none.'],
  aftercare_need_fulfilled_within_quantity: ['quantity', 'More would be fulfilled than the quantity needed.'],
  aftercare_need_fulfilled_units: ['status', 'A need is fulfilled when all its units are: record the units fulfilled first.'],
  aftercare_need_pledged_by_length: ['pledgedBy', 'Name who pledged (2 to 200 characters).'],
  funding_request_disbursed_within_approved: ['amountCents', 'The amount disbursed cannot exceed the amount approved.'],
  funding_request_title_length: ['title', 'A title has 3 to 200 characters.'],
  funding_request_purpose_length: ['purpose', 'Describe the purpose in 3 to 4,000 characters.'],
  funding_in_kind_line_units_positive: ['units', 'Enter at least 1 unit.'],
  funding_in_kind_line_unit_cost_not_negative: ['unitCostCents', 'The unit cost cannot be negative.'],
  funding_in_kind_line_delivery_note_length: ['note', 'Write the delivery note in 3 to 2,000 characters.'],
  funding_in_kind_line_note_needs_date: ['deliveredOn', 'Enter the day it was delivered.'],
  funding_stage_event_decision_reason: ['reason', 'Write why the request is declined or withdrawn (at least 3 characters).'],
  funding_stage_event_reason_length: ['reason', 'Write the reason in 3 to 2,000 characters.'],
  funding_stage_event_reference_length: ['reference', 'A payment reference has 1 to 200 characters.'],
  funding_stage_event_correction_reason: ['reason', 'A correction needs a reason: write why the amount changes.'],
  funding_stage_event_correction_amount: ['amountCents', 'Enter the corrected amount (above zero). To undo an approval, decline or withdraw the request.'],
  funding_stage_event_correction_changes: ['amountCents', 'That is already the recorded amount: nothing to correct.'],
  funding_stage_event_correction_target: ['eventId', 'Only an approval or a payment of this request can be corrected.'],
  funding_stage_event_payment_after_first: ['amountCents', 'A further payment is recorded once the request is disbursed.'],
  funding_stage_event_payment_positive: ['amountCents', 'Enter the amount paid (above zero).'],
  funding_request_need_one_request: ['needIds', 'That need is already answered by another request.'],
  outreach_event_title_length: ['title', 'A title has 3 to 200 characters.'],
  outreach_event_attendees_not_negative: ['attendees', 'Attendees cannot be negative.'],
  partner_name_length: ['name', 'A name has 2 to 200 characters.'],
  partner_city_length: ['city', 'A city has 2 to 100 characters.'],
  partner_aftercare_city_only: ['city', "An aftercare center's location is confidential: enter the city only, never a street address."],
  partner_vetting_note_length: ['note', 'Write what the vetting rests on (3 to 2,000 characters).'],
  budget_amount_not_negative: ['amountCents', 'A budget cannot be negative.'],
  budget_donor_restriction_length: ['restriction', 'Describe the restriction in 2 to 200 characters.'],
  outreach_goal_people_positive: ['peopleGoal', 'The goal for people reached must be at least 1.'],
  outreach_goal_events_not_negative: ['eventsGoal', 'The goal for events cannot be negative.'],
  survivor_count_served_not_negative: ['served', 'Survivors served cannot be negative.'],
  survivor_count_new_intakes_not_negative: ['newIntakes', 'New intakes cannot be negative.'],
  survivor_count_bed_nights_not_negative: ['bedNights', 'Bed nights cannot be negative.'],
  survivor_count_exits_not_negative: ['exitsToSafeHousing', 'Exits to safe housing cannot be negative.'],
  survivor_count_intakes_within_served: ['newIntakes', 'New intakes cannot be more than survivors served.'],
  survivor_count_exits_within_served: ['exitsToSafeHousing', 'Exits to safe housing cannot be more than survivors served.'],
  period_approval_month_ended: ['month', 'Only a month that has ended can be signed off.'],
  period_approval_reopen_reason_length: ['reason', 'Write why the month is reopened (3 to 2,000 characters).'],
  survivor_count_month_not_future: ['month', 'That month has not begun yet: counts are reported for past or current months.']
};

/** A DomainError for a refusal the user can act on, or null for anything unexpected. */
export function databaseRefusal(err: unknown): DomainError | null {
  const e = err as PgLikeError;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string') return null;
  const message = e.message ?? '';
  switch (e.code) {
    case 'BC001':
      return new DomainError('CONFLICT', 'Someone else moved it first: it is no longer in that stage.');
    case 'BC002':
      return fieldError(message.includes('need') ? 'status' : 'to', capitalise(message.replace(/: stages go.*/, '.')));
    case 'BC003':
      return fieldError('partnerId', `${capitalise(message)}. Vet the partner first.`);
    case 'BC004':
      // An approval for a partner whose vetting has lapsed (or has no end date).
      return fieldError('partnerId', `${capitalise(message)}. Renew the vetting on the Partners page before approving.`);
    case 'BC005':
      // A write dated in a month that is signed off and locked (the database's own sentence, in plain
      // words). The tRPC layer puts it beside the input's date field (lockedPeriodRefusal).
      return new DomainError('BAD_REQUEST', message, { sqlstate: 'BC005', lockedPeriod: e.detail ?? '' });
    case '23514': {
      const known = e.constraint ? CONSTRAINTS[e.constraint] : undefined;
      if (known) return fieldError(known[0], known[1]);
      if (/disburs/.test(message)) return fieldError('amountCents', capitalise(message));
      if (/aftercare center|partner/.test(message)) return fieldError('centerId', capitalise(message));
      return new DomainError('BAD_REQUEST', capitalise(message));
    }
    case '23503':
      return new DomainError('BAD_REQUEST', capitalise(message));
    default:
      return null;
  }
}

/** True for a refusal of a write dated in a signed-off, locked month (BC005). */
export function isLockedPeriodRefusal(err: unknown): boolean {
  return (err instanceof DomainError && typeof err.details?.lockedPeriod === 'string') || (isDatabaseError(err) && err.code === 'BC005');
}

/**
 * A locked-month refusal placed beside the field that dates the write: the input's date or month
 * field (paidOn, occurredOn, month…), else its status or amount; without any, the form's message.
 */
export function lockedPeriodRefusal(err: DomainError, input?: unknown): DomainError {
  if (err.details?.fieldErrors) return err;
  const all = leaves(input);
  const field = all.find((l) => l.key && (/(On|^month|^date|At)$/.test(l.key) || l.key === 'month') && (looksLikeDate(l.value) || /^\d{4}-\d{2}$/.test(String(l.value))))?.key
    ?? all.find((l) => l.key === 'status' || l.key === 'to')?.key
    ?? all.find((l) => l.key === 'amountCents')?.key;
  return field ? new DomainError(err.code, err.message, { ...err.details, fieldErrors: { [field]: [err.message] } }) : err;
}

/** Runs a write, turning the database's refusals into DomainErrors. */
export async function refusing<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    throw databaseRefusal(err) ?? err;
  }
}

const capitalise = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);
