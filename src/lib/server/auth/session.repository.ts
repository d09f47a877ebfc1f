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
}

export interface SessionOwnerRow {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  divisions: string[];
  /** Assigned single states only (division states are added by the caller). */
  states: string[];
}

/** The session and, when it is still active, its user with assigned regions, in one query. */
export async function findSessionWithUser(db: Db, sessionId: string) {
  const row = await db
    .selectFrom('user_session as s')
    .leftJoin('app_user as u', (join) => join.onRef('u.id', '=', 's.user_id').on('u.active', '=', true))
    .select([
      's.id', 's.user_id', 's.expires_at', 's.absolute_expires_at', 's.last_active_at',
      'u.id as owner_id', 'u.email', 'u.display_name', 'u.role',
      sql<string[]>`coalesce((select array_agg(r.division_code::text order by r.division_code) from user_region r
        where r.user_id = u.id and r.division_code is not null), '{}')`.as('divisions'),
      sql<string[]>`coalesce((select array_agg(r.state::text order by r.state) from user_region r
        where r.user_id = u.id and r.state is not null), '{}')`.as('states')
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return null;
  const session: SessionRow = {
    id: row.id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
    lastActiveAt: row.last_active_at
  };
  const owner: SessionOwnerRow | null =
    row.owner_id === null
      ? null
      : { id: row.owner_id, email: row.email!, displayName: row.display_name!, role: row.role!, divisions: row.divisions, states: row.states };
  return { session, owner };
}

export async function listUserSessions(db: Db, userId: string): Promise<SessionRow[]> {
  const rows = await db
    .selectFrom('user_session')
    .select(['id', 'user_id', 'expires_at', 'absolute_expires_at', 'last_active_at'])
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => ({
    id: r.id, userId: r.user_id, expiresAt: r.expires_at, absoluteExpiresAt: r.absolute_expires_at, lastActiveAt: r.last_active_at
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
      last_active_at: session.lastActiveAt
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

/** Deletes every session of a user; returns the deleted ids (to announce the revocation). */
export async function deleteUserSessions(db: Db, userId: string): Promise<string[]> {
  const rows = await db.deleteFrom('user_session').where('user_id', '=', userId).returning('id').execute();
  return rows.map((r) => r.id);
}

export async function deleteSessionsExpiredBy(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('user_session').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
