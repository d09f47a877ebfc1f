// Which funding requests the pipeline table shows, in which order (the browser holds the list).
import { label } from '$lib/format.js';
import { compareValues, type RowRules } from '../workspace/table-query.js';
import type { Request } from './pipeline-state.svelte.js';

export const STAGES = ['intake', 'vetting', 'approved', 'disbursed', 'reported', 'declined', 'withdrawn'] as const;
/** Still moving: not yet reported, declined or withdrawn. */
export const MOVING = new Set<string>(['intake', 'vetting', 'approved', 'disbursed']);
const STAGE_RANK = Object.fromEntries(STAGES.map((s, i) => [s, i]));
export const EDITABLE_STAGES = new Set<string>(['intake', 'vetting']);
export const PIPELINE_PAGE = 50;

export const PIPELINE_CHIPS = (['active', ...STAGES, 'all'] as const).map((key) => ({ key, label: key === 'active' ? 'Moving' : key === 'all' ? 'All' : label(key) }));

export const PIPELINE_ROWS: RowRules<Request> = {
  matches: (r, q) => r.title.toLowerCase().includes(q) || r.partnerName.toLowerCase().includes(q) || r.state.toLowerCase() === q,
  inStatus: (r, s) => s === 'all' || (s === 'active' ? MOVING.has(r.stage) : r.stage === s),
  chips: PIPELINE_CHIPS.map((c) => c.key),
  filterValue: (r, k) => (k === 'category' ? r.category : undefined),
  compare: (a, b, key) => key === 'stage' ? STAGE_RANK[a.stage] - STAGE_RANK[b.stage]
    : key === 'approvedCents' || key === 'disbursedCents' || key === 'requestedCents'
      ? compareValues(a[key] === null ? null : Number(a[key]), b[key] === null ? null : Number(b[key]))
      : compareValues(a[key as keyof Request], b[key as keyof Request]),
  tieBreak: (a, b) => STAGE_RANK[a.stage] - STAGE_RANK[b.stage] || b.id - a.id
};
