// Needs in words: field labels, values as people read them (dollars, dates, names), refusals in
// plain language beside their field, and the audit trail as sentences. Client-safe.
import { dayShort, label, moneyExact, num } from '$lib/format.js';
import { CENTS_MAX } from '$lib/validation.js';
import type { Refused } from '$lib/trpc.js';
import { fieldName } from '$lib/field-words.js';

/** Audit rows name columns (snake_case), procedures name fields (camelCase): one key for both. */
export const fieldKey = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export const FIELD_LABELS: Record<string, string> = {
  title: 'Title', centerId: 'Center', kind: 'Kind', basicNeedType: 'Type of basic need', quantity: 'Quantity',
  priority: 'Priority', neededBy: 'Needed by', estimatedCostCents: 'Estimated cost', status: 'Status',
  fulfilledQuantity: 'Quantity received', pledgedBy: 'Pledged by', pledgedCents: 'Pledged amount',
  pledgeExpectedOn: 'Pledge expected on', amountCents: 'Amount', expectedOn: 'Expected on', body: 'Comment'
};
const MONEY = new Set(['estimatedCostCents', 'pledgedCents', 'amountCents']);
const DATES = new Set(['neededBy', 'pledgeExpectedOn', 'expectedOn']);
const ENUMS = new Set(['kind', 'basicNeedType', 'priority', 'status']);

export const fieldLabel = (k: string) => FIELD_LABELS[fieldKey(k)] ?? fieldName(k);

/** Cents as dollars, with cents only when there are any: $1,234 or $1,234.50. */
export const dollars = moneyExact;
export const day = dayShort;

/** A field's value as a person reads it; `centers` names a center id. */
export function formatValue(field: string, v: unknown, centers: ReadonlyArray<{ id: number; name: string }> = []): string {
  const k = fieldKey(field);
  if (v === null || v === undefined || v === '') return '—';
  if (MONEY.has(k)) return dollars(Number(v));
  if (DATES.has(k)) return day(String(v));
  if (ENUMS.has(k)) return label(String(v));
  if (k === 'centerId') return centers.find((c) => c.id === Number(v))?.name ?? 'another center';
  if (typeof v === 'number') return num(v);
  return typeof v === 'object' ? '—' : String(v);
}

/** Typed dollars → cents, or the plain reason it is not an amount. */
export function parseDollars(typed: string, what = 'amount'): { cents: number } | { problem: string } {
  const s = typed.replace(/[$,\s]/g, '');
  if (s === '') return { cents: 0 };
  if (/^-/.test(s)) return { problem: `The ${what} cannot be negative.` };
  if (!/^\d+(\.\d{1,2})?$/.test(s) && !/^\.\d{1,2}$/.test(s)) return { problem: 'Enter an amount in dollars, like 1250 or 1,250.50.' };
  const cents = Math.round(Number(s) * 100);
  if (cents > CENTS_MAX) return { problem: `Use at most ${dollars(CENTS_MAX)}.` };
  return { cents };
}

// Wording that belongs to a validator or a programmer, not to a person.
const DEVELOPER_WORDS = /expected|received|invalid|required|must be (greater|less)|must contain|\bnan\b|\bnull\b|undefined|\bid\b|cents|version/i;
const CODE_NAMES = /\b[a-z]+[A-Z]\w*|\w_\w/;
const isDeveloperWording = (m: string) => DEVELOPER_WORDS.test(m) || CODE_NAMES.test(m);

/** A refusal's message for one field in plain words (never a key, cents or validator wording). */
export function plainMessage(field: string, message: string | undefined): string {
  const k = fieldKey(field);
  const m = (message ?? '').replace(/^[A-Za-z_.]+:\s*/, '');
  if (MONEY.has(k) && /cents|number|amount/i.test(m)) {
    const limit = /at most/i.test(m) ? `Use at most ${dollars(CENTS_MAX)}.` : null;
    return limit ?? (/negative/i.test(m) ? m : 'Enter an amount in dollars, like 1250 or 1,250.50.');
  }
  if (k === 'centerId') return /not an aftercare center/.test(m) ? m : 'Choose a center from the list.';
  if (m && !isDeveloperWording(m)) return m;
  if (DATES.has(k)) return 'Use a date like 2026-12-31 (year-month-day).';
  if (k === 'quantity' || k === 'fulfilledQuantity') return 'Enter a whole number, like 3.';
  if (ENUMS.has(k)) return 'Choose one of the options.';
  return 'Check this value.';
}

/**
 * Per-field messages of a refusal, keyed by the form's own field names. `rename` maps a procedure's
 * key to the form's (e.g. amountCents → dollars); a message about a nested object (`changes`) goes
 * to `fallbackField`.
 */
export function fieldMessages(r: Refused, rename: Record<string, string> = {}, fallbackField?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, list] of Object.entries(r.fieldErrors)) {
    if (!list?.length) continue;
    const target = rename[k] ?? (k === 'changes' || k === 'base' ? fallbackField : k) ?? k;
    out[target] ??= plainMessage(k === 'changes' || k === 'base' ? (fallbackField ?? k) : k, list[0]);
  }
  return out;
}

/** A refusal as one sentence, for a message that belongs to no field. */
export function plainRefusal(r: Refused): string {
  const fields = Object.entries(r.fieldErrors).filter(([, m]) => m?.length);
  if (fields.length) return fields.map(([k, m]) => `${fieldLabel(k)}: ${plainMessage(k, m![0])}`).join(' ');
  if (r.code === 'FORBIDDEN') return 'You cannot change needs in this region.';
  if (r.code === 'NOT_FOUND') return /undo/i.test(r.message) ? r.message : 'That need no longer exists.';
  if (r.code === 'ERROR' || r.code === 'INTERNAL_SERVER_ERROR') return 'Something went wrong; your change was not saved. Try again.';
  return isDeveloperWording(r.message) ? 'Your change was not saved. Try again.' : r.message;
}

/** What cancelling a need does, in words (the confirmation before it). */
export function cancelConsequence(n: { title: string; centerName: string; pledgedBy?: string | null }) {
  return {
    title: `Cancel “${n.title}” for ${n.centerName}?`,
    consequence: `It leaves the open needs: the dashboards stop counting it among open needs and it drops out of the working list.${n.pledgedBy ? ` The pledge from ${n.pledgedBy} stays on record.` : ''} Its comments and history stay, and it can be reopened later.`,
    confirmLabel: 'Cancel the need'
  };
}
