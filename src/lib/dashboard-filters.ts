// Dashboard filters in the URL (shared by every chart of a page, so a link reproduces the view).
// Client-safe: the server passes the same object to the procedures, whose schema judges it.
import { divisions, regions } from '$lib/regions.js';
import { label } from '$lib/format.js';

export const FILTER_KEYS = ['fiscalYear', 'from', 'to', 'division', 'state', 'category'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type UrlFilters = Partial<Record<FilterKey, string | number>>;

export const CATEGORIES = ['forensic_hardware', 'extraction_software', 'detection_k9', 'training_scholarship', 'lab_equipment',
  'lab_facility', 'aftercare_equipment', 'aftercare_facility', 'survivor_basic_needs', 'outreach_program'] as const;

/** URL → filter input; values are passed as typed so the procedure's schema judges them. */
export function filtersFromUrl(url: URL): UrlFilters {
  const input: UrlFilters = {};
  for (const key of FILTER_KEYS) {
    const raw = url.searchParams.get(key);
    if (raw === null || raw === '') continue;
    input[key] = key === 'fiscalYear' && /^\d+$/.test(raw) ? Number(raw) : raw;
  }
  return input;
}

/** Query string for filters (plus extra parameters such as kiosk), keys in a fixed order. */
export function filterQuery(filters: Record<string, unknown>, extra: Record<string, string | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = filters[key];
    if (v !== undefined && v !== null && v !== '') q.set(key, String(v));
  }
  for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Human-readable filter values (for CSV files and panel captions). */
export function describeFilters(filters: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (filters.fiscalYear) out.push(['Fiscal year', `FY${filters.fiscalYear}`]);
  if (filters.from && filters.to) out.push(['Dates', `${filters.from} to ${filters.to}`]);
  if (filters.division) out.push(['Division', divisions.find((d) => d.code === filters.division)?.name ?? String(filters.division)]);
  if (filters.state) out.push(['State/province', regions.find((r) => r.code === filters.state)?.name ?? String(filters.state)]);
  if (filters.category) out.push(['Category', label(String(filters.category))]);
  return out;
}
