import { sql } from 'kysely';
import type { Db } from '../db/index.js';

/** The actor's newest audit row of the last minute (the change an undo would revert). */
export async function lastChangeWithinMinute(db: Db, actorId: string) {
  return db.selectFrom('audit_log').select(['id', 'action', 'entity', 'entity_id as entityId', 'before', 'after'])
    .where('actor_id', '=', actorId).where('at', '>', sql<Date>`now() - interval '1 minute'`)
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
}
