import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../db/index.js';
import type { Database } from '../db/schema.js';

const VIEW = [
  'id', 'occurred_on as occurredOn', 'state', 'format', 'audience', 'title', 'attendees', 'partner_professionals as partnerProfessionals',
  'follow_up_requests as followUpRequests', 'version', 'updated_at as updatedAt'
] as const;

export async function listEvents(db: Db, states: string[], limit: number) {
  return db.selectFrom('outreach_event').select(VIEW).where('state', 'in', states)
    .orderBy('occurred_on', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function lockEvent(db: Db, id: number) {
  return db.selectFrom('outreach_event').select(VIEW).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findEvent(db: Db, id: number) {
  return db.selectFrom('outreach_event').select(VIEW).where('id', '=', id).executeTakeFirst();
}

export async function insertEvent(db: Db, values: Insertable<Database['outreach_event']>) {
  return db.insertInto('outreach_event').values(values).returning(VIEW).executeTakeFirstOrThrow();
}

export async function updateEvent(db: Db, id: number, values: Updateable<Database['outreach_event']>) {
  return db.updateTable('outreach_event').set(values).where('id', '=', id).returning(VIEW).executeTakeFirstOrThrow();
}

export async function deleteEvent(db: Db, id: number) {
  await db.deleteFrom('outreach_event').where('id', '=', id).execute();
}
