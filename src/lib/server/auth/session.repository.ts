// user_session rows. The id column holds the SHA-256 (hex) of the cookie token, never the token.
// All times are computed by the caller (one clock: the app's), so expiry checks never mix clocks.
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { Role } from './access.js';

export interface SessionRow {
  id: string;
  userId: string;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  lastActiveAt: Date;
  /** What signed in (the User-Agent header) and from where (the client address), for the session list. */
  userAgent: string | null;
  address: string | null;
}

export interface SessionOwnerRow {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  divisions: string[];
  /** Assigned single states only (division states are added by the caller). */
  states: string[];
  /** Has a confirmed second factor (TOTP). */
  hasTotp: boolean;
}

/** The session and, when it is still active, its user with assigned regions, in one query. */
export async function findSessionWithUser(db: Db, sessionId: string) {
  const row = await db
    .selectFrom('user_session as s')
    .leftJoin('app_user as u', (join) => join.onRef('u.id', '=', 's.user_id').on('u.active', '=', true))
    .select([
      's.id', 's.user_id', 's.expires_at', 's.absolute_expires_at', 's.last_active_at', 's.user_agent', 's.address',
      'u.id as owner_id', 'u.email', 'u.display_name', 'u.role',
      sql<string[]>`coalesce((select array_agg(r.division_code::text order by r.division_code) from user_region r
        where r.user_id = u.id and r.division_code is not null), '{}')`.as('divisions'),
      sql<string[]>`coalesce((select array_agg(r.state::text order by r.state) from user_region r
        where r.user_id = u.id and r.state is not null), '{}')`.as('states'),
      sql<boolean>`exists (select 1 from user_totp t where t.user_id = u.id and t.confirmed_at is not null)`.as('has_totp')
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return null;
  const session: SessionRow = {
    id: row.id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
    lastActiveAt: row.last_active_at,
    userAgent: row.user_agent,
    address: row.address
  };
  const owner: SessionOwnerRow | null =
    row.owner_id === null
      ? null
      : { id: row.owner_id, email: row.email!, displayName: row.display_name!, role: row.role!, divisions: row.divisions, states: row.states, hasTotp: row.has_totp };
  return { session, owner };
}

export async function listUserSessions(db: Db, userId: string): Promise<SessionRow[]> {
  const rows = await db
    .selectFrom('user_session')
    .select(['id', 'user_id', 'expires_at', 'absolute_expires_at', 'last_active_at', 'user_agent', 'address'])
    .where('user_id', '=', userId)
    .orderBy('last_active_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id, userId: r.user_id, expiresAt: r.expires_at, absoluteExpiresAt: r.absolute_expires_at, lastActiveAt: r.last_active_at,
    userAgent: r.user_agent, address: r.address
  }));
}

export async function insertSession(db: Db, session: SessionRow): Promise<void> {
  await db
    .insertInto('user_session')
    .values({
      id: session.id,
      user_id: session.userId,
      // The sliding expiry never reaches past the absolute lifetime (a check constraint agrees).
      expires_at: session.expiresAt < session.absoluteExpiresAt ? session.expiresAt : session.absoluteExpiresAt,
      absolute_expires_at: session.absoluteExpiresAt,
      created_at: session.lastActiveAt,
      last_active_at: session.lastActiveAt,
      user_agent: session.userAgent,
      address: session.address
    })
    .execute();
}

/** Slides the expiry to `until` (capped at the absolute lifetime); a no-op once it is capped. */
export async function extendSession(db: Db, sessionId: string, until: Date): Promise<void> {
  await db
    .updateTable('user_session')
    .set({ expires_at: sql`least(${until}::timestamptz, absolute_expires_at)` })
    .where('id', '=', sessionId)
    .where('expires_at', '<', sql<Date>`least(${until}::timestamptz, absolute_expires_at)`)
    .execute();
}

/** Records activity: the idle window restarts from `now`; returns the new expiry. */
export async function touchSession(db: Db, sessionId: string, now: Date, idleUntil: Date): Promise<Date | null> {
  const row = await db
    .updateTable('user_session')
    .set({ last_active_at: now, expires_at: sql`least(${idleUntil}::timestamptz, absolute_expires_at)` })
    .where('id', '=', sessionId)
    .returning('expires_at')
    .executeTakeFirst();
  return row?.expires_at ?? null;
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('user_session').where('id', '=', sessionId).execute();
}

/** Deletes every session of a user but `keep`; returns the deleted ids (to announce the revocation). */
export async function deleteUserSessions(db: Db, userId: string, keep?: string): Promise<string[]> {
  let query = db.deleteFrom('user_session').where('user_id', '=', userId);
  if (keep) query = query.where('id', '<>', keep);
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id);
}

/** Deletes one session of this user (never another user's); true when it existed. */
export async function deleteOwnSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const rows = await db.deleteFrom('user_session').where('user_id', '=', userId).where('id', '=', sessionId).returning('id').execute();
  return rows.length > 0;
}

export async function deleteSessionsExpiredBy(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('user_session').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
