// Sign-in throttles, kept in memory per app instance (documented trade-off: with N instances an
// attacker gets N times the budget; the account delays still grow quickly). Clocks are injectable.

export type Clock = () => number;

/** Bounded maps: spraying random keys cannot grow memory without limit (oldest entries go first). */
function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}

/**
 * Per-address token bucket: `capacity` attempts at once, refilled at `refillPerSecond`. Only failed
 * sign-ins keep their token (successes refund it), so an office behind one address is not locked out.
 */
export class TokenBucket {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: Clock = Date.now,
    private readonly maxKeys = 10_000
  ) {}

  private current(key: string): { tokens: number; at: number } {
    const t = this.now();
    const b = this.buckets.get(key);
    if (!b) return { tokens: this.capacity, at: t };
    return { tokens: Math.min(this.capacity, b.tokens + ((t - b.at) / 1000) * this.refillPerSecond), at: t };
  }

  /** Takes a token; when none is left, returns the seconds until one is. */
  consume(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const b = this.current(key);
    if (b.tokens < 1) {
      remember(this.buckets, key, b, this.maxKeys);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.refillPerSecond)) };
    }
    remember(this.buckets, key, { tokens: b.tokens - 1, at: b.at }, this.maxKeys);
    return { ok: true };
  }

  refund(key: string): void {
    const b = this.current(key);
    remember(this.buckets, key, { tokens: Math.min(this.capacity, b.tokens + 1), at: b.at }, this.maxKeys);
  }
}

interface AccountState {
  failures: number[];
  lockLevel: number;
  lockedUntil: number;
  lastFailure: number;
}

/**
 * Per-account escalating delays: after `maxFailures` wrong passwords within `windowMs` the account
 * is locked for `baseDelayMs`; each further failure after a lock doubles it (up to `maxDelayMs`).
 * While locked, no password is checked at all, so a correct one waits too. Quiet for `forgetAfterMs`
 * and the account starts over. Unknown emails are throttled exactly like real ones.
 */
export class LoginThrottle {
  private readonly accounts = new Map<string, AccountState>();

  constructor(
    private readonly options = { maxFailures: 5, windowMs: 60_000, baseDelayMs: 30_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 },
    private readonly now: Clock = Date.now,
    private readonly maxKeys = 10_000
  ) {}

  private state(key: string): AccountState | undefined {
    const s = this.accounts.get(key);
    if (s && this.now() - s.lastFailure > this.options.forgetAfterMs && s.lockedUntil <= this.now()) {
      this.accounts.delete(key);
      return undefined;
    }
    return s;
  }

  check(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const s = this.state(key);
    const wait = s ? s.lockedUntil - this.now() : 0;
    return wait > 0 ? { ok: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { ok: true };
  }

  fail(key: string): void {
    const t = this.now();
    const { maxFailures, windowMs, baseDelayMs, maxDelayMs } = this.options;
    const s = this.state(key) ?? { failures: [], lockLevel: 0, lockedUntil: 0, lastFailure: t };
    s.failures = [...s.failures.filter((at) => t - at < windowMs), t];
    s.lastFailure = t;
    if (s.lockLevel > 0 || s.failures.length >= maxFailures) {
      s.lockedUntil = t + Math.min(maxDelayMs, baseDelayMs * 2 ** s.lockLevel);
      s.lockLevel += 1;
      s.failures = [];
    }
    remember(this.accounts, key, s, this.maxKeys);
  }

  succeed(key: string): void {
    this.accounts.delete(key);
  }
}
