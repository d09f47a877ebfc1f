import type { Db } from '../db/index.js';

/** The audit trail of rows in these states, newest first: who, what, when, before → after. */
export async function listActivity(db: Db, states: string[], limit: number, beforeId?: number) {
  let q = db.selectFrom('audit_log as a').leftJoin('app_user as u', 'u.id', 'a.actor_id')
    .select(['a.id', 'a.at', 'a.action', 'a.entity', 'a.entity_id as entityId', 'a.before', 'a.after', 'a.state',
      'a.actor_id as actorId', 'u.display_name as actorName'])
    .where('a.state', 'in', states);
  if (beforeId) q = q.where('a.id', '<', beforeId);
  return q.orderBy('a.id', 'desc').limit(limit).execute();
}
