// Which needs the table shows, in which order: pure functions (fast over thousands of rows, tested alone).
import { label } from '$lib/format.js';
import type { Need } from './needs-state.svelte.js';
import type { SortOrder } from '../workspace/table-query.js';

export const STATUSES = ['open', 'in_progress', 'pledged', 'fulfilled', 'cancelled'] as const;
export const ACTIVE = new Set<string>(['open', 'in_progress', 'pledged']);
export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
const STATUS_RANK: Record<string, number> = { open: 0, in_progress: 1, pledged: 2, fulfilled: 3, cancelled: 4 };
const PRIORITY_RANK: Record<string, number> = { critical: 0, high: 1, normal: 2, low: 3 };

export type StatusFilter = 'active' | 'all' | (typeof STATUSES)[number];
export type SortKey = 'title' | 'centerName' | 'status' | 'priority' | 'quantity' | 'neededBy' | 'estimatedCostCents';
export interface ViewOptions { status: StatusFilter; text: string; priority: string; kind: string; sort: { key: SortKey; dir: 1 | -1 } }

const rankOf = (n: Pick<Need, 'status' | 'priority'>) => STATUS_RANK[n.status] * 10 + PRIORITY_RANK[n.priority];

function compare(a: Need, b: Need, key: SortKey): number {
  if (key === 'status') return rankOf(a) - rankOf(b);
  if (key === 'priority') return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
  const va = a[key] ?? null;
  const vb = b[key] ?? null;
  if (va === vb) return 0;
  if (va === null) return 1; // blanks last, whichever way
  if (vb === null) return -1;
  return typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), 'en');
}

export function matchesStatus(n: Pick<Need, 'status'>, status: StatusFilter): boolean {
  return status === 'all' || (status === 'active' ? ACTIVE.has(n.status) : n.status === status);
}

/** The rows, filtered and sorted; ties break by open-first, then priority, then needed-by, then id. */
export function viewNeeds(needs: readonly Need[], o: ViewOptions): Need[] {
  const q = o.text.trim().toLowerCase();
  return needs
    .filter((n) => matchesStatus(n, o.status) && (!o.priority || n.priority === o.priority) && (!o.kind || n.kind === o.kind)
      && (!q || n.title.toLowerCase().includes(q) || n.centerName.toLowerCase().includes(q) || n.state.toLowerCase() === q))
    .sort((a, b) => compare(a, b, o.sort.key) * o.sort.dir || rankOf(a) - rankOf(b) || compare(a, b, 'neededBy') || a.id - b.id);
}

export function statusCounts(needs: readonly Need[]): Record<StatusFilter, number> {
  const c = { active: 0, all: needs.length, open: 0, in_progress: 0, pledged: 0, fulfilled: 0, cancelled: 0 } as Record<StatusFilter, number>;
  for (const n of needs) {
    c[n.status as StatusFilter]++;
    if (ACTIVE.has(n.status)) c.active++;
  }
  return c;
}

/** What the table first shows (needs.page's defaults): open needs, the most urgent first. */
export const NEEDS_FIRST_QUERY: [string, SortOrder] = ['active', { key: 'status', dir: 1 }];

/** Rows per page of the needs table. */
export const NEEDS_PAGE = 50;

export const NEED_CHIPS = (['active', ...STATUSES, 'all'] as const).map((key) => ({ key, label: key === 'active' ? 'Active' : key === 'all' ? 'All' : label(key) }));
