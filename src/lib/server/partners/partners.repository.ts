import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../db/index.js';
import type { Database } from '../db/schema.js';

const VIEW = [
  'id', 'name', 'kind', 'state', 'city', 'vetting_status as vettingStatus', 'vetted_at as vettedAt', 'vetted_until as vettedUntil',
  'vetting_note as vettingNote', 'updated_at as updatedAt'
] as const;

export async function listPartners(db: Db, states: string[]) {
  return db.selectFrom('partner').select(VIEW)
    .select(sql<boolean>`vetting_status = 'vetted' and vetted_until is not null and vetted_until >= local_day(now())`.as('vettingCurrent'))
    .where('state', 'in', states).orderBy('name').orderBy('id').execute();
}

export async function findPartner(db: Db, id: number) {
  return db.selectFrom('partner').select([...VIEW, 'vetting_status']).where('id', '=', id).executeTakeFirst();
}

export async function lockPartner(db: Db, id: number) {
  return db.selectFrom('partner').select([...VIEW, 'vetting_status']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertPartner(db: Db, values: Insertable<Database['partner']>) {
  return db.insertInto('partner').values(values).returning(VIEW).executeTakeFirstOrThrow();
}

export async function updatePartner(db: Db, id: number, values: Updateable<Database['partner']>) {
  return db.updateTable('partner').set(values).where('id', '=', id).returning(VIEW).executeTakeFirstOrThrow();
}

export async function setVetting(db: Db, id: number, v: { status: 'vetted' | 'suspended'; note: string; vettedUntil: string | null; renew: boolean }) {
  return db.updateTable('partner')
    .set({
      vetting_status: v.status, vetting_note: v.note,
      ...(v.status === 'vetted' ? { vetted_until: v.vettedUntil } : {}),
      // A renewal (vetted again while vetted) is a new vetting: the trigger dates only status changes.
      ...(v.renew ? { vetted_at: sql<Date>`now()` } : {})
    })
    .where('id', '=', id).returning(VIEW).executeTakeFirstOrThrow();
}

export async function localToday(db: Db): Promise<string> {
  const { rows } = await sql<{ today: string }>`select to_char(local_day(now()), 'YYYY-MM-DD') as today`.execute(db);
  return rows[0].today;
}
