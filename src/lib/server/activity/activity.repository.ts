import { sql } from 'kysely';
import type { Db } from '../db/index.js';

/**
 * The audit trail of rows in these states (null = every state; rows with no state, such as
 * sign-ins, never), newest first: who, what, when, before → after — with the need's title and
 * center when the row is about a need (the request's title for a funding request), so the feed can
 * say what changed in words.
 */
export async function listActivity(db: Db, filter: { states: string[] | null; needId?: number }, limit: number, beforeId?: number) {
  let q = db.selectFrom('audit_log as a').leftJoin('app_user as u', 'u.id', 'a.actor_id')
    // The need a row is about (a comment names it in `after`); the CASE keeps the cast away from
    // other entities' ids (not every id is a number).
    .leftJoin('aftercare_need as n', (j) => j.on(sql<boolean>`n.id = case when a.entity = 'aftercare_need' then a.entity_id::bigint
      when a.entity = 'need_comment' then (a.after->>'id')::bigint end`))
    .leftJoin('partner as c', 'c.id', 'n.center_id')
    .leftJoin('funding_request as fr', (j) => j.on(sql<boolean>`fr.id = case when a.entity = 'funding_request' then a.entity_id::bigint end`))
    .select(['a.id', 'a.at', 'a.action', 'a.entity', 'a.entity_id as entityId', 'a.before', 'a.after', 'a.state',
      'a.actor_id as actorId', 'u.display_name as actorName', 'n.title as needTitle', 'c.name as centerName', 'fr.title as requestTitle']);
  q = filter.states ? q.where('a.state', 'in', filter.states) : q.where('a.state', 'is not', null);
  if (filter.needId) q = q.where('a.entity', '=', 'aftercare_need').where('a.entity_id', '=', String(filter.needId));
  if (beforeId) q = q.where('a.id', '<', beforeId);
  return q.orderBy('a.id', 'desc').limit(limit).execute();
}
