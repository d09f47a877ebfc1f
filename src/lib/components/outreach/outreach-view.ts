// Which outreach events the table shows, in which order (the browser holds the latest events).
import { label, orgDay } from '$lib/format.js';
import { compareValues, type RowRules } from '../workspace/table-query.js';
import type { OutreachEvent } from './outreach-state.svelte.js';

export const FORMATS = ['school_assembly', 'parent_workshop', 'professional_training', 'law_enforcement_training', 'community_event', 'webinar', 'conference', 'media'];
export const AUDIENCES = ['students', 'parents', 'educators', 'professionals', 'law_enforcement', 'faith_community', 'general_public'];
export const options = (values: readonly string[]) => values.map((value) => ({ value, label: label(value) }));
export const OUTREACH_PAGE = 50;

/** The day 90 days before today (UTC date), the line between "recent" and "earlier". */
const recentSince = () => orgDay(Date.now() - 90 * 86_400_000);

export const OUTREACH_CHIPS = [
  { key: 'all', label: 'All' }, { key: 'recent', label: 'Last 90 days' }, { key: 'earlier', label: 'Earlier' }
] as const;

export function outreachRows(since = recentSince()): RowRules<OutreachEvent> {
  return {
    matches: (e, q) => (e.title ?? '').toLowerCase().includes(q) || label(e.format).toLowerCase().includes(q)
      || label(e.audience).toLowerCase().includes(q) || e.state.toLowerCase() === q,
    inStatus: (e, s) => s === 'all' || (s === 'recent' ? e.occurredOn >= since : e.occurredOn < since),
    chips: OUTREACH_CHIPS.map((c) => c.key),
    filterValue: (e, k) => (k === 'format' ? e.format : k === 'audience' ? e.audience : undefined),
    compare: (a, b, key) => compareValues(a[key as keyof OutreachEvent], b[key as keyof OutreachEvent]),
    tieBreak: (a, b) => compareValues(b.occurredOn, a.occurredOn) || b.id - a.id
  };
}
