// Invariants the database enforces (constraints, triggers) turned into clear, per-field messages.
// Both drivers (pg, PGlite) report SQLSTATE as `code` and the constraint name as `constraint`.
import { DomainError, fieldError } from '../errors.js';

interface PgLikeError {
  code?: string;
  constraint?: string;
  message?: string;
}

const CONSTRAINTS: Record<string, [field: string, message: string]> = {
  aftercare_need_title_length: ['title', 'Give the need a title of 3 to 200 characters.'],
  aftercare_need_quantity_positive: ['quantity', 'Quantity must be at least 1.'],
  aftercare_need_cost_not_negative: ['estimatedCostCents', 'The estimated cost cannot be negative.'],
  aftercare_need_basic_type_iff_basic_needs: ['basicNeedType', 'Basic needs take a type (housing, food…); other kinds take none.'],
  aftercare_need_fulfilled_within_quantity: ['quantity', 'More would be fulfilled than the quantity needed.'],
  aftercare_need_pledged_by_length: ['pledgedBy', 'Name who pledged (2 to 200 characters).'],
  funding_request_disbursed_within_approved: ['amountCents', 'The amount disbursed cannot exceed the amount approved.'],
  outreach_event_title_length: ['title', 'A title has 3 to 200 characters.'],
  outreach_event_attendees_not_negative: ['attendees', 'Attendees cannot be negative.']
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

/** Runs a write, turning the database's refusals into DomainErrors. */
export async function refusing<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    throw databaseRefusal(err) ?? err;
  }
}

const capitalise = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);
