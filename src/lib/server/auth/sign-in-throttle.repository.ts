// Sign-in throttle state in the database, so every instance shares it: leaky buckets (a level that
// drains by itself) and the browsers that signed in before. Keys are SHA-256 digests: the table
// holds no email or address in clear.
import { sql } from 'kysely';
import type { Db } from '../db/index.js';

export interface BucketState {
  level: number;
  /** Seconds since the level was stored (by the database's clock, the same for every instance). */
  ageSeconds: number;
}

export async function bucketStates(db: Db, keys: string[]): Promise<Map<string, BucketState>> {
  if (!keys.length) return new Map();
  const rows = await db
    .selectFrom('sign_in_throttle')
    .select(['key', 'level', sql<number>`extract(epoch from (now() - updated_at))::float8`.as('ageSeconds')])
    .where('key', 'in', keys)
    .execute();
  return new Map(rows.map((r) => [r.key, { level: Number(r.level), ageSeconds: Math.max(0, Number(r.ageSeconds)) }]));
}

/** Drains the bucket by the time since it was last touched, then adds one (atomic per key). */
export async function addToBucket(db: Db, key: string, leakPerSecond: number): Promise<void> {
  await db
    .insertInto('sign_in_throttle')
    .values({ key, level: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        level: sql<number>`greatest(0, sign_in_throttle.level - extract(epoch from (now() - sign_in_throttle.updated_at))::float8 * ${leakPerSecond}) + 1`,
        updated_at: sql<Date>`now()`
      })
    )
    .execute();
}

export async function clearBuckets(db: Db, keys: string[]): Promise<void> {
  if (keys.length) await db.deleteFrom('sign_in_throttle').where('key', 'in', keys).execute();
}

/** Buckets untouched for a day have drained long ago (every leak rate here is ≥ 1 an hour × capacity). */
export async function pruneBuckets(db: Db): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('updated_at', '<', sql<Date>`now() - interval '1 day'`).execute();
}

/** The user a known-browser token belongs to, if it is that email's (case-insensitive). */
export async function findKnownDevice(db: Db, tokenHash: string, email: string): Promise<{ userId: string } | undefined> {
  return db
    .selectFrom('known_device as d')
    .innerJoin('app_user as u', 'u.id', 'd.user_id')
    .select('d.user_id as userId')
    .where('d.token_hash', '=', tokenHash)
    .where(sql<string>`lower(u.email)`, '=', email)
    .where('d.last_used_at', '>', sql<Date>`now() - interval '400 days'`)
    .executeTakeFirst();
}

export async function rememberKnownDevice(db: Db, tokenHash: string, userId: string): Promise<void> {
  await db
    .insertInto('known_device')
    .values({ token_hash: tokenHash, user_id: userId })
    .onConflict((oc) => oc.column('token_hash').doUpdateSet({ last_used_at: sql<Date>`now()` }))
    .execute();
}
