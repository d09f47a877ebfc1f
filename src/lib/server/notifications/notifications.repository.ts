// Notifications: all their SQL. A row is one thing one person should know about, in plain words;
// the table is generic (kind, subject, link, text) so every feature that tells people things (mentions,
// assignments, comments, later alerts) delivers through it. Inserting rows is enough to reach the
// person live: the database announces them (trigger notification_announce → NOTIFY beacon_inbox).
import { sql, type Insertable } from 'kysely';
import type { Db } from '../db/index.js';
import type { Database } from '../db/schema.js';

export type NotificationInsert = Insertable<Database['notification']>;
export type MailMode = 'instant' | 'digest' | 'off';
export const MAIL_MODES: readonly MailMode[] = ['instant', 'digest', 'off'];

export async function insertNotifications(db: Db, rows: NotificationInsert[]): Promise<number[]> {
  if (!rows.length) return [];
  const inserted = await db.insertInto('notification').values(rows).returning('id').execute();
  return inserted.map((r) => Number(r.id));
}

const COLUMNS = [
  'n.id', 'n.kind', 'n.subject_type as subjectType', 'n.subject_id as subjectId', 'n.link', 'n.text',
  'n.created_at as createdAt', 'n.read_at as readAt', 'a.display_name as actorName'
] as const;

/** A person's newest notifications (unread only when asked), newest first, older than `before`. */
export async function listFor(db: Db, userId: string, opts: { limit: number; unreadOnly: boolean; before?: number }) {
  let q = db.selectFrom('notification as n').leftJoin('app_user as a', 'a.id', 'n.actor_id').select(COLUMNS).where('n.user_id', '=', userId);
  if (opts.unreadOnly) q = q.where('n.read_at', 'is', null);
  if (opts.before !== undefined) q = q.where('n.id', '<', opts.before);
  const rows = await q.orderBy('n.id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('notification').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks the person's own notifications read (the given ones, or all); returns how many changed. */
export async function markRead(db: Db, userId: string, ids: number[] | 'all'): Promise<number> {
  let q = db.updateTable('notification').set({ read_at: sql`now()` }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids !== 'all') q = q.where('id', 'in', ids.length ? ids : [-1]);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function mailModeOf(db: Db, userId: string): Promise<MailMode> {
  const row = await db.selectFrom('notification_setting').select('mail').where('user_id', '=', userId).executeTakeFirst();
  return (row?.mail as MailMode | undefined) ?? 'instant';
}

export async function setMailMode(db: Db, userId: string, mail: MailMode): Promise<MailMode | null> {
  const before = await db.selectFrom('notification_setting').select('mail').where('user_id', '=', userId).executeTakeFirst();
  await db.insertInto('notification_setting').values({ user_id: userId, mail })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ mail, updated_at: sql`now()` })).execute();
  return (before?.mail as MailMode | undefined) ?? null;
}

/**
 * Claims the given notifications for instant mail: only rows not mailed yet whose person wants
 * instant mail (a compare-and-set: of several senders exactly one gets each row). Returns what to send.
 */
export async function claimInstant(db: Db, ids: number[]) {
  if (!ids.length) return [];
  const { rows } = await sql<{ id: string; text: string; link: string; email: string; displayName: string }>`
    update notification n set mailed_at = now()
    from app_user u
    where n.id = any(${ids}::bigint[]) and n.mailed_at is null and n.read_at is null
      and u.id = n.user_id and u.active
      and coalesce((select s.mail from notification_setting s where s.user_id = n.user_id), 'instant') = 'instant'
    returning n.id, n.text, n.link, u.email, u.display_name as "displayName"`.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** A claimed mail that could not be sent is unclaimed, so a later pass may try again. */
export async function unclaimMailed(db: Db, ids: number[]) {
  if (ids.length) await db.updateTable('notification').set({ mailed_at: null }).where('id', 'in', ids).execute();
}

/** People who chose the digest and have unread notifications that no mail carried yet. */
export async function digestCandidates(db: Db) {
  return db.selectFrom('notification_setting as s').innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.email', 'u.display_name as displayName'])
    .where('s.mail', '=', 'digest').where('u.active', '=', true)
    .where(({ exists, selectFrom }) => exists(selectFrom('notification as n').select('n.id')
      .whereRef('n.user_id', '=', 'u.id').where('n.read_at', 'is', null).where('n.mailed_at', 'is', null)))
    .orderBy('u.id').execute();
}

/** Claims one person's digest for one day; false when it was claimed already (here or elsewhere). */
export async function claimDigest(db: Db, userId: string, day: string): Promise<boolean> {
  const row = await db.insertInto('notification_digest').values({ user_id: userId, day })
    .onConflict((oc) => oc.columns(['user_id', 'day']).doNothing()).returning('user_id').executeTakeFirst();
  return row !== undefined;
}

export async function releaseDigest(db: Db, userId: string, day: string) {
  await db.deleteFrom('notification_digest').where('user_id', '=', userId).where('day', '=', day).where('sent_at', 'is', null).execute();
}

/** The unread, not yet mailed notifications a digest lists (and marks mailed), oldest first. */
export async function takeForDigest(db: Db, userId: string, limit: number) {
  const { rows } = await sql<{ id: string; text: string; link: string; created_at: Date }>`
    update notification set mailed_at = now()
    where id in (select id from notification where user_id = ${userId} and read_at is null and mailed_at is null
                 order by id limit ${limit} for update skip locked)
    returning id, text, link, created_at`.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id) })).sort((a, b) => a.id - b.id);
}

export async function countUnmailedUnread(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('notification').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId).where('read_at', 'is', null).where('mailed_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function markDigestSent(db: Db, userId: string, day: string, count: number) {
  await db.updateTable('notification_digest').set({ sent_at: sql`now()`, notification_count: count })
    .where('user_id', '=', userId).where('day', '=', day).execute();
}

/** Active operational people among `ids` (who may receive operational notifications). */
export async function activeOperational(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db.selectFrom('app_user').select(['id', 'display_name as displayName'])
    .where('id', 'in', ids).where('active', '=', true).where('role', 'in', ['admin', 'leadership', 'coordinator']).execute();
}

/** Who follows a need: its creator, its assignee and everyone who commented on it. */
export async function needFollowers(db: Db, needId: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select created_by as id from aftercare_need where id = ${needId} and created_by is not null
    union select assigned_to from aftercare_need where id = ${needId} and assigned_to is not null
    union select author_id from need_comment where need_id = ${needId}`.execute(db);
  return rows.map((r) => r.id);
}

/** Who follows a funding request: everyone who commented on it. */
export async function fundingFollowers(db: Db, requestId: number): Promise<string[]> {
  const rows = await db.selectFrom('funding_comment').select('author_id').distinct().where('request_id', '=', requestId).execute();
  return rows.map((r) => r.author_id);
}

/** What a comment is on, in words: the need's title and center, or the request's title and partner. */
export async function subjectWords(db: Db, entity: 'need' | 'funding', id: number) {
  if (entity === 'need') {
    const r = await db.selectFrom('aftercare_need as n').innerJoin('partner as p', 'p.id', 'n.center_id')
      .select(['n.title', 'p.name as place', 'n.state']).where('n.id', '=', id).executeTakeFirst();
    return r ?? null;
  }
  const r = await db.selectFrom('funding_request as f').innerJoin('partner as p', 'p.id', 'f.partner_id')
    .select(['f.title', 'p.name as place', 'f.state']).where('f.id', '=', id).executeTakeFirst();
  return r ?? null;
}
