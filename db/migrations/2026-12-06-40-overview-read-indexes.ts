// Frozen in time: never import application code here. The centers that reported in a period (the
// overview's count of distinct survivor_count.center_id over its months, issue 14: ≤ 10 ms at the
// large profile) read from (month, center_id, state) instead of every report ever made. Its columns
// never change once a report exists.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `create index survivor_count_by_month on survivor_count (month, center_id, state);
analyze survivor_count;`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, 'drop index if exists survivor_count_by_month;');
}
