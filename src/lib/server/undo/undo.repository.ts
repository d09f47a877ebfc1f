import { sql } from 'kysely';
import type { Db } from '../db/index.js';

/**
 * The actor's newest audit row of the last minute among `actions` (the edits an undo can revert, and
 * the undos themselves): a sign-in, a comment or a password change is never "your last change".
 */
export async function lastChangeWithinMinute(db: Db, actorId: string, actions: readonly string[]) {
  return db.selectFrom('audit_log').select(['id', 'action', 'entity', 'entity_id as entityId', 'before', 'after'])
    .where('actor_id', '=', actorId).where('action', 'in', actions).where('at', '>', sql<Date>`now() - interval '1 minute'`)
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
}
