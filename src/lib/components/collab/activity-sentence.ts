// An audit row as a sentence a colleague reads ("Ana raised Beds and mattresses (Dovwood) from High
// to Critical"), never field keys, ids or cents. Client-safe.
import { label, money, num } from '$lib/format.js';
import { fieldKey, fieldLabel, formatValue } from '../needs/need-words.js';

export interface ActivityEntry {
  action: string;
  entity?: string | null;
  before?: unknown;
  after?: unknown;
  actorName: string | null;
  needTitle?: string | null;
  centerName?: string | null;
  requestTitle?: string | null;
}

const RANK: Record<string, number> = { critical: 0, high: 1, normal: 2, low: 3 };
const IGNORED = new Set(['version', 'mentions', 'state', 'updatedAt']);

// Keys arrive camelCased (audit rows name columns in snake_case): read `vettedUntil`, never `vetted_until`.
const fields = (v: unknown) =>
  Object.fromEntries(Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [fieldKey(k), x]).filter(([k]) => !IGNORED.has(k as string)));

/** One changed field as a clause: "raised X from High to Critical", "changed the quantity of X from 3 to 4". */
function clause(field: string, from: unknown, to: unknown, subject: string): string {
  const a = formatValue(field, from);
  const b = formatValue(field, to);
  if (field === 'priority' && typeof from === 'string' && typeof to === 'string' && from in RANK && to in RANK)
    return `${RANK[to] < RANK[from] ? 'raised' : 'lowered'} ${subject} from ${a} to ${b}`;
  if (field === 'title') return `renamed “${a}” to “${b}”`;
  if (field === 'status') return `moved ${subject} from ${a} to ${b}`;
  return `changed the ${fieldLabel(field).toLowerCase()} of ${subject} from ${a} to ${b}`;
}

/** What the actor did, as the rest of the sentence after their name. */
export function activityPredicate(e: ActivityEntry): string {
  const subject = e.needTitle ? `${e.needTitle}${e.centerName ? ` (${e.centerName})` : ''}` : 'a need';
  const request = e.requestTitle ? `“${e.requestTitle}”` : 'a funding request';
  const before = fields(e.before);
  const after = fields(e.after);
  const changed = Object.keys(after).filter((k) => k in before && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const list = (prefix: string) => {
    if (!changed.length) return `${prefix} ${subject}`;
    if (changed.length === 1) return prefix === 'undid a change to' ? `undid a change: ${clause(changed[0], before[changed[0]], after[changed[0]], subject)}` : clause(changed[0], before[changed[0]], after[changed[0]], subject);
    return `${prefix} ${subject}: ${changed.map((k) => `${fieldLabel(k).toLowerCase()} from ${formatValue(k, before[k])} to ${formatValue(k, after[k])}`).join(', ')}`;
  };
  switch (e.action) {
    case 'needs.create': return `added ${subject}`;
    case 'needs.update': return list('changed');
    case 'needs.move': return list('moved');
    case 'needs.undo': return list('undid a change to');
    case 'needs.pledge': {
      const who = after.pledgedBy ? ` from ${String(after.pledgedBy)}` : '';
      return `recorded a pledge of ${formatValue('pledgedCents', after.pledgedCents)}${who} for ${subject}`;
    }
    case 'needs.fulfil': {
      const got = Number(after.fulfilledQuantity ?? 0) - Number(before.fulfilledQuantity ?? 0);
      return `recorded ${got > 0 ? num(got) : 'some'} received for ${subject}`;
    }
    case 'comments.add': return e.entity === 'need_comment' ? `commented on ${subject}` : 'commented on a funding request';
    case 'funding.create':
      return `added the funding request ${request}${after.requestedCents !== undefined ? ` (${money(Number(after.requestedCents))} asked)` : ''}`;
    case 'funding.update': return `changed the funding request ${request}`;
    case 'funding.advance': {
      if (!before.stage || !after.stage) return `moved the funding request ${request}`;
      const amount = after.amountCents !== undefined ? ` (${after.stage === 'disbursed' ? 'paid' : 'approved'} ${money(Number(after.amountCents))})` : '';
      return `moved ${request} from ${label(String(before.stage))} to ${label(String(after.stage))}${amount}${after.reason ? `: “${String(after.reason)}”` : ''}`;
    }
    case 'funding.pay':
      return `recorded a payment of ${money(Number(after.paymentCents ?? 0))} on ${request}${after.paidOn ? ` (paid ${String(after.paidOn)})` : ''}`;
    case 'funding.correct': {
      // The audit names the corrected amount by what it was: { approval: cents } or { payment: cents }.
      const what = 'approval' in after ? 'approval' : 'payment';
      const [from, to] = [before[what], after[what]];
      return `corrected the ${what}${after.day ? ` of ${String(after.day)}` : ''} on ${request}${typeof from === 'number' && typeof to === 'number' ? ` from ${money(from)} to ${money(to)}` : ''}${after.reason ? `: “${String(after.reason)}”` : ''}`;
    }
    case 'funding.deliver': return `confirmed delivered: ${after.line ? String(after.line) : 'in-kind goods'} of ${request}`;
    case 'partners.vet': {
      const partner = after.name ? String(after.name) : 'a partner';
      const vetted = (after.status ?? after.vettingStatus) === 'vetted';
      return vetted ? `vetted ${partner}${after.vettedUntil ? ` until ${String(after.vettedUntil)}` : ''}` : `suspended ${partner}`;
    }
    case 'partners.renewVetting':
      return `renewed the vetting of ${after.name ? String(after.name) : 'a partner'}${after.vettedUntil ? ` until ${String(after.vettedUntil)}` : ''}`;
    case 'partners.create': return after.name ? `added the partner ${String(after.name)}` : 'added a partner';
    case 'partners.update': return after.name ? `updated the partner ${String(after.name)}` : "updated a partner's details";
    case 'survivorCounts.set':
      return `${before && Object.keys(before).length ? 'corrected' : 'entered'} survivor counts${after.center ? ` of ${String(after.center)}` : ''}${after.month ? ` for ${String(after.month)}` : ''}`;
    case 'outreach.create': return 'logged an outreach event';
    case 'outreach.update': return 'changed an outreach event';
    case 'outreach.undo': return 'undid a change to an outreach event';
    case 'outreach.delete': return 'deleted an outreach event';
    default: return 'made a change';
  }
}
