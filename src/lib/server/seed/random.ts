// A small seeded PRNG (sfc32, seeded through splitmix32) with the helpers the seed generators need.
// Math.random is never used: the same seed must give the same data on every machine.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  float(min: number, max: number): number;
  /** Log-uniform in [min, max): small values as likely per decade as large ones. */
  logUniform(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Pick by relative weight from [value, weight] pairs. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T;
  /** Approximately normal (mean, standard deviation). */
  normal(mean: number, sd: number): number;
  /** Log-normal with the given median; sigma is the spread of the underlying normal. */
  logNormal(median: number, sigma: number): number;
  /** An independent stream for a named part of the data: adding draws to one part never shifts another. */
  fork(label: string): Random;
}

function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function sfc32(seedWord: number): () => number {
  const init = splitmix32(seedWord);
  let a = init();
  let b = init();
  let c = init();
  let d = init() | 1;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

export function createRandom(seed: number, path = 'root'): Random {
  const next = sfc32(hashString(path, seed >>> 0));
  let spareNormal: number | undefined;

  const standardNormal = (): number => {
    if (spareNormal !== undefined) {
      const v = spareNormal;
      spareNormal = undefined;
      return v;
    }
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };

  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    logUniform: (min, max) => Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min))),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)];
    },
    weighted: (entries) => weightedTable(entries).pick(random),
    normal: (mean, sd) => mean + sd * standardNormal(),
    logNormal: (median, sigma) => median * Math.exp(sigma * standardNormal()),
    fork: (label) => createRandom(seed, `${path}/${label}`)
  };
  return random;
}

export interface WeightedTable<T> {
  pick(random: Random): T;
  readonly size: number;
}

/** A reusable weighted table (binary search over cumulative weights) for hot loops. */
export function weightedTable<T>(entries: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
  const values: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [value, weight] of entries) {
    if (!(weight > 0)) continue;
    total += weight;
    values.push(value);
    cumulative.push(total);
  }
  if (values.length === 0) throw new RangeError('a weighted pick needs at least one positive weight');
  return {
    size: values.length,
    pick(random) {
      const target = random.next() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid] > target) hi = mid;
        else lo = mid + 1;
      }
      return values[lo];
    }
  };
}

/** A binomial draw: successes in n trials of probability p (normal approximation for large n·p). */
export function binomial(random: Random, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(random, n, 1 - p);
  const mean = n * p;
  if (mean > 30) {
    return Math.min(n, Math.max(0, Math.round(random.normal(mean, Math.sqrt(mean * (1 - p))))));
  }
  // Inversion: walk the cumulative distribution from 0.
  const u = random.next();
  const q = 1 - p;
  let prob = Math.pow(q, n);
  let cumulative = prob;
  let k = 0;
  while (cumulative < u && k < n) {
    prob *= ((n - k) / (k + 1)) * (p / q);
    cumulative += prob;
    k++;
  }
  return k;
}
