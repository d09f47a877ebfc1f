import type { Db } from '../db/index.js';
import { OPERATIONAL_ROLES } from '../auth/access.js';

export type CommentEntity = 'need' | 'funding';

export async function parentState(db: Db, entity: CommentEntity, id: number): Promise<string | null> {
  const row = entity === 'need'
    ? await db.selectFrom('aftercare_need').select('state').where('id', '=', id).executeTakeFirst()
    : await db.selectFrom('funding_request').select('state').where('id', '=', id).executeTakeFirst();
  return row?.state ?? null;
}

export async function listComments(db: Db, entity: CommentEntity, id: number) {
  const q = entity === 'need'
    ? db.selectFrom('need_comment as c').where('c.need_id', '=', id)
    : db.selectFrom('funding_comment as c').where('c.request_id', '=', id);
  return q.innerJoin('app_user as u', 'u.id', 'c.author_id')
    .select(['c.id', 'c.body', 'c.mentions', 'c.created_at as createdAt', 'u.id as authorId', 'u.display_name as authorName'])
    .orderBy('c.id').limit(500).execute();
}

export async function insertComment(db: Db, entity: CommentEntity, id: number, authorId: string, body: string, mentions: string[]) {
  const values = { author_id: authorId, body, mentions: JSON.stringify(mentions) };
  const row = entity === 'need'
    ? await db.insertInto('need_comment').values({ ...values, need_id: id }).returning(['id', 'state', 'created_at']).executeTakeFirstOrThrow()
    : await db.insertInto('funding_comment').values({ ...values, request_id: id }).returning(['id', 'state', 'created_at']).executeTakeFirstOrThrow();
  return row;
}

/** Active operational users with their regions (to decide who can be @mentioned about a state). */
export async function operationalUsers(db: Db) {
  return db.selectFrom('app_user as u')
    .leftJoin('user_region as r', 'r.user_id', 'u.id')
    .select(['u.id', 'u.display_name as displayName', 'u.role', 'r.division_code as division', 'r.state'])
    .where('u.active', '=', true).where('u.role', 'in', OPERATIONAL_ROLES)
    .orderBy('u.display_name').execute();
}
