import type { Db } from '../db/index.js';

export async function listPartners(db: Db, states: string[]) {
  return db.selectFrom('partner').select(['id', 'name', 'kind', 'state', 'vetting_status as vettingStatus', 'vetted_at as vettedAt'])
    .where('state', 'in', states).orderBy('name').execute();
}

export async function findPartner(db: Db, id: number) {
  return db.selectFrom('partner').select(['id', 'name', 'state', 'vetting_status']).where('id', '=', id).executeTakeFirst();
}

export async function setVetting(db: Db, id: number, status: 'vetted' | 'suspended') {
  return db.updateTable('partner').set({ vetting_status: status }).where('id', '=', id).returning(['id', 'vetting_status as vettingStatus']).executeTakeFirstOrThrow();
}
