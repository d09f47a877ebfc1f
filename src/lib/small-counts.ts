// Small-cell suppression for survivor figures: a count from 1 to 10 could point at a few people in
// a small place, so views outside operational detail (and the aftercare dashboard) show it as "<11".
// Zero stays zero (nothing to protect) and larger counts are shown as they are. Client-safe.

export const SMALL_COUNT_LABEL = '<11';
export type SuppressedCount = number | typeof SMALL_COUNT_LABEL;

export function suppressSmallCount(n: number): SuppressedCount {
  if (!Number.isFinite(n)) throw new RangeError(`not a count: ${n}`);
  return n >= 1 && n <= 10 ? SMALL_COUNT_LABEL : n;
}

/** The number a chart can plot for a (possibly suppressed) count: null leaves a gap. */
export function plottable(n: SuppressedCount): number | null {
  return typeof n === 'number' ? n : null;
}
