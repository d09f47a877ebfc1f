// Aftercare needs: reads for the board, and the versioned write every change goes through.
import { sql, type Insertable, type RawBuilder } from 'kysely';
import type { Db } from '../db/index.js';
import type { Database, NeedStatus } from '../db/schema.js';

const VIEW_COLUMNS = [
  'n.id', 'n.center_id as centerId', 'p.name as centerName', 'n.state', 'n.title', 'n.kind', 'n.basic_need_type as basicNeedType',
  'n.quantity', 'n.fulfilled_quantity as fulfilledQuantity', 'n.priority', 'n.status', 'n.needed_by as neededBy',
  'n.estimated_cost_cents as estimatedCostCents', 'n.pledged_by as pledgedBy', 'n.pledged_cents as pledgedCents',
  'n.pledge_expected_on as pledgeExpectedOn', 'n.assigned_to as assignedTo', 'n.version', 'n.updated_at as updatedAt'
] as const;

export async function listNeeds(db: Db, filters: { states?: string[]; statuses: NeedStatus[]; limit: number }) {
  let query = db
    .selectFrom('aftercare_need as n')
    .innerJoin('partner as p', 'p.id', 'n.center_id')
    .select(VIEW_COLUMNS)
    .where('n.status', 'in', filters.statuses);
  if (filters.states) query = query.where('n.state', 'in', filters.states);
  return query
    .orderBy((eb) => eb.case().when('n.priority', '=', 'critical').then(0).when('n.priority', '=', 'high').then(1)
      .when('n.priority', '=', 'normal').then(2).else(3).end())
    .orderBy('n.needed_by', (ob) => ob.asc().nullsLast())
    .orderBy('n.id')
    .limit(filters.limit)
    .execute();
}

const PRIORITY_RANK = sql<number>`case n.priority when 'critical' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`;
const STATUS_RANK = sql<number>`case n.status when 'open' then 0 when 'in_progress' then 1 when 'pledged' then 2 when 'fulfilled' then 3 else 4 end`;
/** Open needs first, the most urgent first: status, then priority. */
const URGENCY = sql<number>`(${STATUS_RANK} * 10 + ${PRIORITY_RANK})`;
const SORT_BY: Record<string, RawBuilder<unknown>> = {
  title: sql`n.title`, centerName: sql`p.name`, status: URGENCY, priority: PRIORITY_RANK, quantity: sql`n.quantity`,
  neededBy: sql`n.needed_by`, estimatedCostCents: sql`n.estimated_cost_cents`
};

export interface NeedsPageFilters {
  states?: string[];
  /** Lower-cased search text: a title or center name containing it, or a state code equal to it. */
  text: string;
  priority?: string;
  kind?: string;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function needsMatching(db: Db, f: NeedsPageFilters) {
  let q = db.selectFrom('aftercare_need as n').innerJoin('partner as p', 'p.id', 'n.center_id');
  if (f.states) q = q.where('n.state', 'in', f.states);
  if (f.priority) q = q.where('n.priority', '=', f.priority as never);
  if (f.kind) q = q.where('n.kind', '=', f.kind as never);
  if (f.text) {
    const like = `%${escapeLike(f.text)}%`;
    q = q.where((eb) => eb.or([eb('n.title', 'ilike', like), eb('p.name', 'ilike', like), eb(sql`lower(n.state)`, '=', f.text)]));
  }
  return q;
}

/** How many needs match, by status. */
export async function countNeedsByStatus(db: Db, f: NeedsPageFilters) {
  return needsMatching(db, f).select(['n.status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('n.status').execute();
}

/** One page of matching needs in the given order; ties: open first, most urgent, soonest needed, oldest. Blanks sort last either way. */
export async function pageOfNeeds(db: Db, f: NeedsPageFilters & { statuses: NeedStatus[]; sort: string; dir: 'asc' | 'desc'; offset: number; limit: number }) {
  const dir = f.dir === 'desc' ? sql`desc` : sql`asc`;
  return needsMatching(db, f)
    .select(VIEW_COLUMNS)
    .where('n.status', 'in', f.statuses)
    .orderBy(sql`${SORT_BY[f.sort] ?? URGENCY} ${dir} nulls last`)
    .orderBy(URGENCY)
    .orderBy(sql`n.needed_by asc nulls last`)
    .orderBy('n.id')
    .offset(f.offset)
    .limit(f.limit)
    .execute();
}

export async function findNeed(db: Db, id: number) {
  return db.selectFrom('aftercare_need as n').innerJoin('partner as p', 'p.id', 'n.center_id').select(VIEW_COLUMNS)
    .where('n.id', '=', id).executeTakeFirst();
}

export type NeedView = NonNullable<Awaited<ReturnType<typeof findNeed>>>;

export async function findCenter(db: Db, id: number) {
  return db.selectFrom('partner').select(['id', 'name', 'kind', 'state']).where('id', '=', id).executeTakeFirst();
}

export async function listCenters(db: Db, states: string[] | undefined) {
  let q = db.selectFrom('partner').select(['id', 'name', 'state']).where('kind', '=', 'aftercare_center');
  if (states) q = q.where('state', 'in', states);
  return q.orderBy('name').execute();
}

export type NeedInsert = Insertable<Database['aftercare_need']>;

export async function insertNeed(db: Db, values: NeedInsert) {
  return db.insertInto('aftercare_need').values(values).returning(['id', 'state', 'version']).executeTakeFirstOrThrow();
}

/** A column's new value: a plain value, or an expression over the row being updated (alias `n`). */
export type SetValue = unknown | RawBuilder<unknown>;

export interface VersionedUpdate {
  id: number;
  /** Applied when the row is still at this version… */
  version: number;
  /** …or, when it moved on, if these columns still hold these values (a field-level merge). */
  base?: Record<string, unknown>;
  set: Record<string, SetValue>;
  /** Where the caller may write (null = everywhere): checked in the same statement. */
  allowedStates: string[] | null;
  actorId: string;
  action: string;
}

export interface VersionedUpdateResult {
  /** The row as found (locked) before the write, snake_case; null when it does not exist. */
  current: Record<string, unknown> | null;
  /** The row after the write; null when it was not applied. */
  updated: Record<string, unknown> | null;
}

/**
 * One statement, one round trip: lock the row, apply the change only at the expected version (or
 * when the fields it changes are untouched since), and append the audit row with before → after.
 * Under READ COMMITTED the lock makes concurrent writers queue and re-read the latest row, so of two
 * writers at one version exactly one applies.
 */
export async function updateNeedVersioned(db: Db, u: VersionedUpdate): Promise<VersionedUpdateResult> {
  const columns = Object.keys(u.set);
  const assignments = sql.join(columns.map((c) => sql`${sql.ref(c)} = ${u.set[c]}`));
  const merge = u.base && Object.keys(u.base).length
    ? sql` or (${sql.join(Object.entries(u.base).map(([c, v]) => sql`cur.${sql.ref(c)} is not distinct from ${v}`), sql` and `)})`
    : sql``;
  const region = u.allowedStates === null ? sql`true` : sql`cur.state::text = any(${u.allowedStates}::text[])`;
  const pairs = (alias: string) =>
    sql.join([sql`'version', ${sql.raw(alias)}.version`, ...columns.map((c) => sql`${c}::text, ${sql.raw(alias)}.${sql.ref(c)}`)]);
  const { rows } = await sql<{ current: Record<string, unknown> | null; updated: Record<string, unknown> | null }>`
    with cur as (
      select * from aftercare_need where id = ${u.id} for update
    ), upd as (
      update aftercare_need n set ${assignments} from cur
      where n.id = cur.id and ${region} and (cur.version = ${u.version}${merge})
      returning n.*
    ), aud as (
      insert into audit_log (actor_id, action, entity, entity_id, before, after, state)
      select ${u.actorId}, ${u.action}, 'aftercare_need', upd.id::text, jsonb_build_object(${pairs('cur')}),
        jsonb_build_object(${pairs('upd')}), upd.state
      from upd join cur on cur.id = upd.id
    )
    select (select to_jsonb(cur) from cur) as current, (select to_jsonb(upd) from upd) as updated`.execute(db);
  return rows[0] ?? { current: null, updated: null };
}
