// Frozen in time: never import application code here. Needs fulfilment that adds up (issue 16, item
// 8): a need is fulfilled only when all its units are (fulfilled_quantity = quantity), whoever writes
// it. Needs recorded as fulfilled before this rule, with fewer units recorded, had the status as the
// only record of what was done: their units are recorded as fulfilled in full (the status said so).
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

const UP = String.raw`
update aftercare_need set fulfilled_quantity = quantity where status = 'fulfilled' and fulfilled_quantity <> quantity;
alter table aftercare_need
  add constraint aftercare_need_fulfilled_units check (status <> 'fulfilled' or fulfilled_quantity = quantity);
`;

const DOWN = String.raw`
alter table aftercare_need drop constraint if exists aftercare_need_fulfilled_units;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}
