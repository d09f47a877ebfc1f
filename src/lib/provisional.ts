// "Provisional": a figure whose period and place cover a month not yet signed off (every division in
// scope, /sign-off) may still change. Datasets list those months (`provisionalMonths`, 'YYYY-MM');
// these words say so on dashboards, snapshots and in CSVs (docs/figures.md, "Provisional").
import { monthLabel } from './format.js';

/** "October 2026 – December 2026 (3 months)", "October 2026", or a list when the months are not consecutive. */
export function monthsText(months: readonly string[]): string {
  if (months.length === 0) return '';
  if (months.length <= 3) return months.map(monthLabel).join(', ');
  return `${monthLabel(months[0])} – ${monthLabel(months[months.length - 1])} (${months.length} months)`;
}

/** One line for a CSV or a caption: provisional (and which months), final, or not recorded (older snapshots). */
export function provisionalLine(months: readonly string[] | undefined): string {
  if (months === undefined) return 'not recorded (made before monthly sign-off)';
  if (months.length === 0) return 'no — every month of the period is signed off';
  return `yes — not yet signed off: ${monthsText(months)}`;
}
