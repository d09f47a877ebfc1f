import type { Db } from '../db/index.js';

export const OUTREACH_COLUMNS = {
  occurredOn: 'occurred_on', state: 'state', format: 'format', audience: 'audience', title: 'title', attendees: 'attendees',
  partnerProfessionals: 'partner_professionals', followUpRequests: 'follow_up_requests'
} as const;

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

export async function insertEvent(db: Db, values: Record<string, unknown>) {
  return db.insertInto('outreach_event').values(values as never).returning(VIEW).executeTakeFirstOrThrow();
}

export async function updateEvent(db: Db, id: number, values: Record<string, unknown>) {
  return db.updateTable('outreach_event').set(values as never).where('id', '=', id).returning(VIEW).executeTakeFirstOrThrow();
}

export async function deleteEvent(db: Db, id: number) {
  await db.deleteFrom('outreach_event').where('id', '=', id).execute();
}
