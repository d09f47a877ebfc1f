// Throttles for guesses other than the sign-in password — a second-factor code, the current password
// when changing it — on the same shared leaky buckets as sign-in (rate-limit.ts, stored by
// sign-in-throttle.repository.ts): a wrong guess fills them, they drain by themselves.
import type { Db } from '../db/index.js';
import { secondsUntilRoom, type LeakyBucket } from './rate-limit.js';
import { hashToken } from './tokens.js';
import * as throttle from './sign-in-throttle.repository.js';

export interface GuessBucket extends LeakyBucket {
  key: string;
}

/** A bucket key: a kind and a digest of its parts (no address or id in clear). */
export function guessBucket(kind: string, bucket: LeakyBucket, ...parts: string[]): GuessBucket {
  return { key: `${kind}:${hashToken(parts.join('\u0000'))}`, ...bucket };
}

/** Seconds until one more guess is allowed in every bucket (0: now). */
export async function secondsUntilGuess(db: Db, buckets: GuessBucket[]): Promise<number> {
  const states = await throttle.bucketStates(db, buckets.map((b) => b.key));
  return Math.max(0, ...buckets.map((b) => secondsUntilRoom(b, states.get(b.key))));
}

/** One more (wrong guess, or request) in each bucket. */
export async function fillBuckets(db: Db, buckets: GuessBucket[]): Promise<void> {
  for (const b of buckets) await throttle.addToBucket(db, b.key, b.leakPerSecond);
  await throttle.pruneBuckets(db);
}

export async function forgiveGuesses(db: Db, buckets: GuessBucket[]): Promise<void> {
  await throttle.clearBuckets(db, buckets.map((b) => b.key));
}
