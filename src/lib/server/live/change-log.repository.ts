// change_log reads for the live engine: one query per function, `db` (or a transaction) first.
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { ChangeTopic, RowChange } from '$lib/realtime/events.js';

/** The database or a transaction (a Kysely Transaction is a Kysely). */
type Reader = Db;

const rowChange = ['seq', 'topic', 'entity', 'entity_id as id', 'op', 'state'] as const;

function toChanges(rows: Array<{ seq: number; topic: string; entity: string; id: number; op: string; state: string | null }>): RowChange[] {
  return rows.map((r) => ({ ...r, topic: r.topic as ChangeTopic, op: r.op as RowChange['op'] }));
}

export async function latestChangeSeq(db: Reader): Promise<number> {
  const row = await db.selectFrom('change_log').select(sql<number>`coalesce(max(seq), 0)::bigint`.as('seq')).executeTakeFirstOrThrow();
  return row.seq;
}

/** Every change after `afterSeq`, in commit order: the hub's own catch-up after a lost LISTEN. */
export async function changesAfter(db: Reader, afterSeq: number, limit: number): Promise<RowChange[]> {
  const rows = await db.selectFrom('change_log').select(rowChange).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
  return toChanges(rows);
}

/** The rows of one bulk statement, announced by the trigger as a range. */
export async function changesInRange(db: Reader, fromSeq: number, toSeq: number): Promise<RowChange[]> {
  const rows = await db.selectFrom('change_log').select(rowChange).where('seq', '>=', fromSeq).where('seq', '<=', toSeq).orderBy('seq').execute();
  return toChanges(rows);
}

/** One room's changes after `afterSeq`: a topic, limited to some states (null = every row). */
export async function topicChangesAfter(
  db: Reader,
  filter: { topic: ChangeTopic; states: readonly string[] | null },
  afterSeq: number,
  limit: number
): Promise<RowChange[]> {
  let q = db.selectFrom('change_log').select(rowChange).where('seq', '>', afterSeq).where('topic', '=', filter.topic);
  if (filter.states) q = q.where('state', 'in', filter.states.length ? [...filter.states] : ['']);
  const rows = await q.orderBy('seq').limit(limit).execute();
  return toChanges(rows);
}

/** The highest seq the pruning job has deleted: a client behind it must reload its view. */
export async function prunedThrough(db: Reader): Promise<number> {
  const row = await db.selectFrom('change_log_horizon').select('pruned_through').executeTakeFirst();
  return row?.pruned_through ?? 0;
}

/** The highest seq among rows older than the retention window (null when none is). */
export async function lastSeqOlderThan(db: Reader, hours: number): Promise<number | null> {
  const row = await db
    .selectFrom('change_log')
    .select(sql<number | null>`max(seq)`.as('seq'))
    .where('at', '<', sql<Date>`now() - make_interval(hours => ${hours})`)
    .executeTakeFirstOrThrow();
  return row.seq;
}

export async function raiseHorizon(db: Reader, seq: number): Promise<void> {
  await db.updateTable('change_log_horizon').set({ pruned_through: sql`greatest(pruned_through, ${seq}::bigint)` }).execute();
}

/** Deletes by seq, not by time: `at` is the transaction's start, so it is not monotonic in seq. */
export async function deleteChangesThrough(db: Reader, seq: number): Promise<number> {
  const result = await db.deleteFrom('change_log').where('seq', '<=', seq).executeTakeFirst();
  return Number(result.numDeletedRows);
}
