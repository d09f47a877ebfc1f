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

const SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const short = (isoMonth: string) => SHORT[Number(isoMonth.slice(5, 7)) - 1];
const index = (isoMonth: string) => Number(isoMonth.slice(0, 4)) * 12 + Number(isoMonth.slice(5, 7)) - 1;

/**
 * The months in few words, for a wall screen read across a room: "Nov 2026", "Oct – Dec 2026",
 * "Nov 2026 – Jan 2027" (consecutive months), "Sep, Nov 2026" (two or three apart), or "5 months".
 */
export function monthsShort(months: readonly string[]): string {
  if (months.length === 0) return '';
  const first = months[0];
  const last = months[months.length - 1];
  const year = (m: string) => m.slice(0, 4);
  if (months.length === 1) return `${short(first)} ${year(first)}`;
  if (index(last) - index(first) === months.length - 1) {
    return year(first) === year(last) ? `${short(first)} – ${short(last)} ${year(last)}` : `${short(first)} ${year(first)} – ${short(last)} ${year(last)}`;
  }
  if (months.length <= 3 && months.every((m) => year(m) === year(last))) return `${months.map(short).join(', ')} ${year(last)}`;
  return `${months.length} months`;
}

/** One line for a CSV or a caption: provisional (and which months), final, or not recorded (older snapshots). */
export function provisionalLine(months: readonly string[] | undefined): string {
  if (months === undefined) return 'not recorded (made before monthly sign-off)';
  if (months.length === 0) return 'no — every month of the period is signed off';
  return `yes — not yet signed off: ${monthsText(months)}`;
}
