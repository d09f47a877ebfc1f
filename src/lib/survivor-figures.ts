// Client-safe vocabulary of published survivor figures (docs/figures.md, "Survivor counts:
// disclosure control"). Outside the operational view every survivor figure is a multiple of 5 (the
// sum of state-month counts each rounded once), or WITHHELD when fewer than 3 centers reported.

/** Shown instead of a survivor figure pooled from fewer than MIN_REPORTING_CENTERS centers. */
export const WITHHELD = 'withheld';
export const MIN_REPORTING_CENTERS = 3;
export const ROUNDING_BASE = 5;
export type PublishedCount = number | typeof WITHHELD;

/** Marks a dataset whose survivor figures were published under this rule (snapshots made before it lack it). */
export const SURVIVOR_RULE = 'state-month counts randomly rounded to base 5 (keyed); totals are sums of rounded counts; withheld under 3 reporting centers';

/** The one-line explanation pages and CSV headers show beside survivor figures. */
export const SURVIVOR_RULE_NOTE =
  'Survivor counts are rounded to a multiple of 5 (each state’s monthly count is rounded once; totals add up the rounded counts) and withheld where fewer than 3 centers reported.';

/** A published count for a tile or a table: "1,235", or "Withheld" (fewer than 3 centers reported). */
export function formatPublishedCount(n: PublishedCount, format: (n: number) => string = String): string {
  return typeof n === 'number' ? format(n) : 'Withheld';
}
