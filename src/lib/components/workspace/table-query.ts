// What a workspace table shows (/needs, /pipeline, /outreach): one query shape — search, a status
// chip, filters, sort and page — answered either on the server (needs.page) or here, in the browser,
// over a list already loaded (viewRows). Pure functions, client-safe.

export interface SortOrder { key: string; dir: 1 | -1 }
export interface TableQuery {
  text: string;
  /** The chip pressed ('all' = none). */
  status: string;
  /** Filter selects by key ('' = any). */
  filters: Record<string, string>;
  sort: SortOrder;
  /** From 0. */
  page: number;
}

/** What saving one cell came to: saved, refused (the plain message for that field), or a conflict (the caller's dialog). */
export type CellSave = { ok: true } | { ok: false; message: string } | { ok: false; conflict: true };

export const tableQuery = (status: string, sort: SortOrder, filters: Record<string, string> = {}): TableQuery =>
  ({ text: '', status, filters, sort, page: 0 });

/** A table's answer to a query: the page's rows, how many match, and a count per chip. */
export interface TablePage<T> { rows: T[]; total: number; counts: Record<string, number> }

export interface RowRules<T> {
  /** Does a row match the search text (already trimmed and lower-cased)? */
  matches: (row: T, q: string) => boolean;
  /** Is the row under this chip? */
  inStatus: (row: T, status: string) => boolean;
  /** The chips counted. */
  chips: readonly string[];
  /** A row's value for a filter key (compared with the select's value). */
  filterValue?: (row: T, key: string) => unknown;
  /** Order by a column; ties break by `tieBreak`. */
  compare: (a: T, b: T, key: string) => number;
  tieBreak: (a: T, b: T) => number;
}

/** Blanks last whichever way; numbers as numbers; text as people sort it. */
export function compareValues(va: unknown, vb: unknown): number {
  va ??= null;
  vb ??= null;
  if (va === vb) return 0;
  if (va === null || va === '') return 1;
  if (vb === null || vb === '') return -1;
  return typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), 'en');
}

/** The query answered over rows held in the browser. */
export function viewRows<T>(all: readonly T[], q: TableQuery, rules: RowRules<T>, pageSize: number): TablePage<T> {
  const text = q.text.trim().toLowerCase();
  const filtered = all.filter((r) => (!text || rules.matches(r, text))
    && Object.entries(q.filters).every(([k, v]) => !v || String(rules.filterValue?.(r, k)) === v));
  const counts: Record<string, number> = {};
  for (const chip of rules.chips) counts[chip] = filtered.filter((r) => rules.inStatus(r, chip)).length;
  const rows = filtered.filter((r) => rules.inStatus(r, q.status))
    .sort((a, b) => rules.compare(a, b, q.sort.key) * q.sort.dir || rules.tieBreak(a, b));
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const page = Math.min(q.page, pages - 1);
  return { rows: rows.slice(page * pageSize, page * pageSize + pageSize), total: rows.length, counts };
}
