// Latency histograms shared by the fan-out bench's processes: 0.1 ms buckets up to 1 s, then 1 ms
// buckets up to 120 s (mergeable across processes), and the clock they are read against.
import { performance } from 'node:perf_hooks';

/** Milliseconds since the epoch, sub-millisecond (comparable across the bench's processes). */
export const now = () => performance.timeOrigin + performance.now();

const FINE_MS = 1000;
const FINE = FINE_MS * 10;
const BUCKETS = FINE + 119_000;
export type Histogram = { counts: Uint32Array; max: number; n: number };
export const histogram = (): Histogram => ({ counts: new Uint32Array(BUCKETS + 1), max: 0, n: 0 });
const bucketOf = (ms: number) => (ms < FINE_MS ? Math.floor(ms * 10) : Math.min(BUCKETS, FINE + Math.floor(ms - FINE_MS)));
const bucketMid = (i: number) => (i < FINE ? (i + 0.5) / 10 : FINE_MS + (i - FINE) + 0.5);
export function record(h: Histogram, ms: number) {
  const v = Math.max(0, ms);
  h.counts[bucketOf(v)]++;
  h.max = Math.max(h.max, v);
  h.n++;
}
export function merge(into: Histogram, from: Histogram) {
  for (let i = 0; i <= BUCKETS; i++) into.counts[i] += from.counts[i];
  into.max = Math.max(into.max, from.max);
  into.n += from.n;
}
function percentile(h: Histogram, p: number): number {
  if (!h.n) return NaN;
  const rank = Math.ceil((p / 100) * h.n);
  let seen = 0;
  for (let i = 0; i <= BUCKETS; i++) {
    seen += h.counts[i];
    if (seen >= rank) return Math.min(bucketMid(i), h.max);
  }
  return h.max;
}
export const summary = (h: Histogram) => ({ p50: percentile(h, 50), p99: percentile(h, 99), max: h.max, samples: h.n });
export type LatencySummary = ReturnType<typeof summary>;
