// Frozen in time: never import application code here. Two indexes for the overview's read (issue 14:
// ≤ 10 ms at the large profile). Their columns never change once a row exists, so updates of the
// rollup stay heap-only (HOT).
// - The tile map's money paid per state (rollup_move_month: category '*' or the filtered one, stage
//   moved to 'disbursed', the period's months, every state scope): by the primary key (scope, category,
//   month, to_stage) that is one index descent per state, each walking every stage of every month;
//   (to_stage, category, month, scope) holds those rows side by side.
// - Centers that reported in the period (count of distinct survivor_count.center_id over its months):
//   read from (month, center_id, state) instead of every report ever made.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `create index rollup_move_month_by_stage on rollup_move_month (to_stage, category, month, scope);
create index survivor_count_by_month on survivor_count (month, center_id, state);
analyze rollup_move_month;
analyze survivor_count;`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, 'drop index if exists rollup_move_month_by_stage; drop index if exists survivor_count_by_month;');
}
