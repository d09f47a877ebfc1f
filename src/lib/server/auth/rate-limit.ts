// Sign-in throttling that stops attackers, not owners. Failed sign-ins fill leaky buckets (each
// drains at a steady rate, so a lock fades by itself instead of doubling), kept in the database so
// every instance shares them (sign-in-throttle.repository.ts):
// - account × address: what one address may try against one account — an attacker's budget;
// - address: what one address may try across accounts (spraying);
// - account: what all unknown browsers together may try against one account (a distributed attack);
// - known browser: a browser that signed in to this account before has its own budget and skips the
//   three above, so its owner gets in while someone else hammers the account.
import { hashToken } from './tokens.js';

export interface LeakyBucket {
  /** Failures the bucket holds: the attempt that would overflow it is refused. */
  capacity: number;
  /** How fast it drains (failures forgiven per second). */
  leakPerSecond: number;
}

export interface SignInLimits {
  accountAddress: LeakyBucket;
  address: LeakyBucket;
  account: LeakyBucket;
  knownBrowser: LeakyBucket;
}

export const signInLimits: SignInLimits = {
  // 5 tries, then one a minute from that address for that account.
  accountAddress: { capacity: 5, leakPerSecond: 1 / 60 },
  // 20 tries, then one every 3 s across accounts (an office behind one address signs in fine).
  address: { capacity: 20, leakPerSecond: 1 / 3 },
  // 50 failures from everywhere, then one every 30 s: no single address comes near (it gets one a
  // minute), while a botnet is held to two a minute; known browsers are not counted here.
  account: { capacity: 50, leakPerSecond: 1 / 30 },
  // A known browser: 10 tries, then one a minute.
  knownBrowser: { capacity: 10, leakPerSecond: 1 / 60 }
};

export interface BucketKey extends LeakyBucket {
  key: string;
}

const digest = (kind: string, ...parts: string[]) => `${kind}:${hashToken(parts.join('\u0000'))}`;

/** The buckets one attempt is counted in. */
export function bucketsFor(limits: SignInLimits, email: string, address: string, knownBrowserHash: string | null): BucketKey[] {
  if (knownBrowserHash) return [{ key: digest('browser', knownBrowserHash), ...limits.knownBrowser }];
  return [
    { key: digest('account-address', email, address), ...limits.accountAddress },
    { key: digest('address', address), ...limits.address },
    { key: digest('account', email), ...limits.account }
  ];
}

/** Seconds until one more failure fits in the bucket (0: it fits now). */
export function secondsUntilRoom(bucket: LeakyBucket, state: { level: number; ageSeconds: number } | undefined): number {
  if (!state) return 0;
  const level = Math.max(0, state.level - state.ageSeconds * bucket.leakPerSecond);
  const over = level + 1 - bucket.capacity;
  return over <= 1e-9 ? 0 : Math.ceil(over / bucket.leakPerSecond);
}
