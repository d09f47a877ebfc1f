// All SQL of imports. Writes are batched: each batch is ONE multi-row statement over a single JSON
// parameter (json_to_recordset), so a batch costs one parse and one run of each statement-level
// trigger (rollups, change_log), on PGlite and on a server alike. Row-level guards (partner_guard,
// funding_request_guard, funding_stage_event_apply …) judge every row, except for new funding requests
// written with their history in import mode, which the database judges set-based per statement by the
// same rules (migration 2026-12-07-40): imported rows obey the same rules as rows the app writes.
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { FundingStage } from '../db/schema.js';
import type { ImportKind } from '../../import-fields.js';

const json = (v: unknown) => JSON.stringify(v);
/** A calendar day in the organisation's time zone → the moment recorded for it (noon there, so the day never shifts). */
const NOON = (col: string) => sql.raw(`((x.${col})::timestamp + interval '12 hours') at time zone beacon_tz()`);

export async function savedMapping(db: Db, kind: ImportKind): Promise<Record<string, string> | null> {
  const row = await db.selectFrom('import_mapping').select('columns').where('kind', '=', kind).executeTakeFirst();
  return (row?.columns as Record<string, string> | undefined) ?? null;
}

export async function saveMapping(tx: Db, kind: ImportKind, columns: Record<string, string>, actorId: string): Promise<void> {
  await tx.insertInto('import_mapping').values({ kind, columns: json(columns), updated_by: actorId })
    .onConflict((oc) => oc.column('kind').doUpdateSet({ columns: json(columns), updated_by: actorId, updated_at: sql<Date>`now()` }))
    .execute();
}

export async function localToday(db: Db): Promise<string> {
  const { rows } = await sql<{ d: string }>`select to_char(local_day(now()), 'YYYY-MM-DD') as d`.execute(db);
  return rows[0].d;
}

export interface PartnerRef {
  id: number;
  name: string;
  externalId: string | null;
  kind: string;
  state: string;
  vettingStatus: string;
  vettedUntil: string | null;
}

/** Partners whose external id or exact name is one of `refs`. */
export async function partnersByRef(db: Db, refs: string[]): Promise<PartnerRef[]> {
  if (refs.length === 0) return [];
  const { rows } = await sql<PartnerRef>`
    select id::int as id, name, external_id as "externalId", kind::text as kind, state::text as state,
      vetting_status::text as "vettingStatus", to_char(vetted_until, 'YYYY-MM-DD') as "vettedUntil"
    from partner
    where external_id in (select jsonb_array_elements_text(${json(refs)}::jsonb))
       or name in (select jsonb_array_elements_text(${json(refs)}::jsonb))`.execute(db);
  return rows;
}

export interface StoredPartner extends PartnerRef {
  city: string | null;
  vettingNote: string | null;
}

export async function partnersByExternalId(db: Db, ids: string[]): Promise<StoredPartner[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<StoredPartner>`
    select id::int as id, name, external_id as "externalId", kind::text as kind, state::text as state, city,
      vetting_status::text as "vettingStatus", to_char(vetted_until, 'YYYY-MM-DD') as "vettedUntil", vetting_note as "vettingNote"
    from partner where external_id in (select jsonb_array_elements_text(${json(ids)}::jsonb))`.execute(db);
  return rows;
}

export interface PartnerRow {
  external_id: string; name: string; kind: string; state: string; city: string | null;
  vetting_status: string; vetted_until: string | null; vetting_note: string | null;
}

export async function insertPartners(tx: Db, rows: PartnerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into partner (external_id, name, kind, state, city, vetting_status, vetted_until, vetting_note)
    select x.external_id, x.name, x.kind::partner_kind, x.state, x.city, x.vetting_status::vetting_status, x.vetted_until, x.vetting_note
    from json_to_recordset(${json(rows)}::json) as x(external_id text, name text, kind text, state text, city text,
      vetting_status text, vetted_until date, vetting_note text)`.execute(tx);
}

export async function updatePartners(tx: Db, rows: PartnerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update partner p set name = x.name, state = x.state, city = x.city, vetting_status = x.vetting_status::vetting_status,
      vetted_until = x.vetted_until, vetting_note = x.vetting_note
    from json_to_recordset(${json(rows)}::json) as x(external_id text, name text, kind text, state text, city text,
      vetting_status text, vetted_until date, vetting_note text)
    where p.external_id = x.external_id`.execute(tx);
}

export interface StoredRequest {
  id: number;
  externalId: string;
  partnerId: number;
  category: string;
  requestedCents: number;
  createdOn: string;
  /** Its moves after intake, oldest first: "to@YYYY-MM-DD:amount". */
  moves: string[];
}

export async function requestsByExternalId(db: Db, ids: string[]): Promise<StoredRequest[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<Omit<StoredRequest, 'moves'> & { moves: string[] | null }>`
    select f.id::int as id, f.external_id as "externalId", f.partner_id::int as "partnerId", f.category::text as category,
      f.requested_cents::float8 as "requestedCents", to_char(local_day(f.created_at), 'YYYY-MM-DD') as "createdOn",
      (select array_agg(e.to_stage::text || '@' || to_char(local_day(e.occurred_at), 'YYYY-MM-DD') || ':' || coalesce(e.amount_cents::text, '')
        order by e.occurred_at, e.id)
       from funding_stage_event e where e.request_id = f.id and e.from_stage is not null) as moves
    from funding_request f where f.external_id in (select jsonb_array_elements_text(${json(ids)}::jsonb))`.execute(db);
  return rows.map((r) => ({ ...r, moves: r.moves ?? [] }));
}

export interface RequestRow {
  external_id: string; partner_id: number; title: string; purpose: string | null; category: string; fiscal_year: number;
  requested_cents: number; units: number | null; created_on: string;
}

/** Inserts requests (each opens its "intake" event by trigger); returns external id → new id. */
export async function insertRequests(tx: Db, rows: RequestRow[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (rows.length === 0) return ids;
  const { rows: out } = await sql<{ id: number; external_id: string }>`
    insert into funding_request (external_id, partner_id, title, purpose, category, fiscal_year, requested_cents, units, created_at)
    select x.external_id, x.partner_id, x.title, x.purpose, x.category::funding_category, x.fiscal_year, x.requested_cents, x.units, ${NOON('created_on')}
    from json_to_recordset(${json(rows)}::json) as x(external_id text, partner_id bigint, title text, purpose text, category text,
      fiscal_year smallint, requested_cents bigint, units integer, created_on date)
    returning id::int as id, external_id`.execute(tx);
  for (const r of out) ids.set(r.external_id, Number(r.id));
  return ids;
}

export interface HistoryMove {
  /** Its place in the request's history (1 = the first move after intake). */
  k: number;
  to_stage: FundingStage;
  /** Approvals and payments: the amount (a payment without one in the file pays the approved amount). */
  amount_cents: number | null;
  on: string;
  reason: string | null;
}

export interface RequestWithHistory extends RequestRow {
  /** Its place in the file (ids follow it). */
  i: number;
  moves: HistoryMove[];
}

/**
 * Import mode for the rest of this transaction (beacon_importing(), migration 2026-12-07-40): new
 * requests are written at their final stage with their whole history, and the database checks them
 * set-based, per statement, instead of per row.
 */
export async function setImportMode(tx: Db, on: boolean): Promise<void> {
  await sql`select set_config('beacon.import', case when ${on}::boolean then pg_current_xact_id()::text else '' end, true)`.execute(tx);
}

/**
 * New requests, each at the stage its history reaches, and that history (the opening "intake" event
 * and every move) in ONE statement; returns external id → new id. In import mode only (the
 * statement-level checks judge the requests and events together).
 */
export async function insertRequestsWithHistory(tx: Db, rows: RequestWithHistory[], actorId: string): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (rows.length === 0) return ids;
  const { rows: out } = await sql<{ id: number; external_id: string }>`
    with x as (
      select x.* from json_to_recordset(${json(rows)}::json) as x(i integer, external_id text, partner_id bigint, title text, purpose text,
        category text, fiscal_year smallint, requested_cents bigint, units integer, created_on date, moves json)
    ), m as (
      select x.external_id, m.k, m.to_stage::funding_stage as to_stage, m.amount_cents, ((m."on")::timestamp + interval '12 hours') at time zone beacon_tz() as occurred_at, m.reason
      from x cross join lateral json_to_recordset(x.moves) as m(k integer, to_stage text, amount_cents bigint, "on" date, reason text)
    ), a as (
      select external_id, count(*)::int as n, (array_agg(to_stage order by k desc))[1] as stage, max(occurred_at) as entered,
        coalesce(sum(amount_cents) filter (where to_stage = 'approved'), 0)::bigint as approved,
        coalesce(sum(amount_cents) filter (where to_stage = 'disbursed'), 0)::bigint as disbursed
      from m group by external_id
    ), r as (
      insert into funding_request (external_id, partner_id, state, title, purpose, category, fiscal_year, requested_cents, units, created_at,
        stage, stage_entered_at, updated_at, approved_cents, disbursed_cents, version)
      select x.external_id, x.partner_id, p.state, x.title, x.purpose, x.category::funding_category, x.fiscal_year, x.requested_cents, x.units, c.at,
        coalesce(a.stage, 'intake'), coalesce(a.entered, c.at), coalesce(a.entered, c.at), coalesce(a.approved, 0), coalesce(a.disbursed, 0), 1 + coalesce(a.n, 0)
      from x join partner p on p.id = x.partner_id
        cross join lateral (select ((x.created_on)::timestamp + interval '12 hours') at time zone beacon_tz() as at) c
        left join a on a.external_id = x.external_id
      order by x.i
      returning id, external_id, created_at, category, state, fiscal_year
    ), e as (
      insert into funding_stage_event (request_id, from_stage, to_stage, amount_cents, actor_id, occurred_at, category, state, fiscal_year,
        seconds_in_from_stage, reason)
      select id, from_stage, to_stage, amount_cents, actor_id, occurred_at, category, state, fiscal_year, seconds, reason from (
        select r.id, null::funding_stage as from_stage, 'intake'::funding_stage as to_stage, null::bigint as amount_cents,
          nullif(current_setting('beacon.actor_id', true), '') as actor_id, r.created_at as occurred_at, r.category, r.state, r.fiscal_year,
          null::bigint as seconds, null::text as reason, 0 as k
        from r
        union all
        select r.id, coalesce(lag(m.to_stage) over w, 'intake'), m.to_stage, m.amount_cents, ${actorId}, m.occurred_at, r.category, r.state, r.fiscal_year,
          floor(extract(epoch from m.occurred_at - coalesce(lag(m.occurred_at) over w, r.created_at)))::bigint, m.reason, m.k
        from r join m on m.external_id = r.external_id
        window w as (partition by r.id order by m.k)
      ) h order by id, k
    )
    select id::int as id, external_id from r`.execute(tx);
  for (const r of out) ids.set(r.external_id, Number(r.id));
  return ids;
}

export interface MoveRow {
  request_id: number; from_stage: FundingStage; to_stage: FundingStage; amount_cents: number | null; on: string;
  /** Why it was declined or withdrawn (the database refuses either without one). */
  reason: string | null;
}

/** Stage moves, at most one per request (the stage-event triggers move each request once per statement). */
export async function insertMoves(tx: Db, rows: MoveRow[], actorId: string): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into funding_stage_event (request_id, from_stage, to_stage, amount_cents, actor_id, occurred_at, reason)
    select x.request_id, x.from_stage::funding_stage, x.to_stage::funding_stage, x.amount_cents, ${actorId}, ${NOON('on')}, x.reason
    from json_to_recordset(${json(rows)}::json) as x(request_id bigint, from_stage text, to_stage text,
      amount_cents bigint, "on" date, reason text)`.execute(tx);
}

const ids = (list: number[]) => sql`array(select jsonb_array_elements_text(${json(list.map(String))}::jsonb)::bigint)`;

/**
 * Until applyDeferredTimeRollups, this transaction's writes skip the month-bucketed rollup triggers
 * (guards, change_log and the other rollups still run). Locks `existing`, the stored requests the
 * import will move, and keeps their rows as they are now.
 */
export async function deferTimeRollups(tx: Db, existing: number[]): Promise<void> {
  await sql`select beacon_defer_time_rollups(${ids(existing)})`.execute(tx);
}

/** Fires the deferred rollup triggers once over the net change: the events written, the requests `added`, the existing ones moved. */
export async function applyDeferredTimeRollups(tx: Db, added: number[]): Promise<void> {
  await sql`select beacon_apply_deferred_time_rollups(${ids(added)})`.execute(tx);
}

export interface StoredOutreach {
  externalId: string; occurredOn: string; state: string; format: string; audience: string; title: string | null;
  attendees: number; partnerProfessionals: number; followUpRequests: number; partnerId: number | null;
}

export async function outreachByExternalId(db: Db, ids: string[]): Promise<StoredOutreach[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<StoredOutreach>`
    select external_id as "externalId", to_char(occurred_on, 'YYYY-MM-DD') as "occurredOn", state::text as state, format::text as format,
      audience::text as audience, title, attendees, partner_professionals as "partnerProfessionals", follow_up_requests as "followUpRequests",
      partner_id::int as "partnerId"
    from outreach_event where external_id in (select jsonb_array_elements_text(${json(ids)}::jsonb))`.execute(db);
  return rows;
}

export interface OutreachRow {
  external_id: string; occurred_on: string; state: string; format: string; audience: string; title: string | null;
  attendees: number; partner_professionals: number; follow_up_requests: number; partner_id: number | null;
}

const OUTREACH_COLUMNS = `external_id text, occurred_on date, state text, format text, audience text, title text, attendees integer,
  partner_professionals integer, follow_up_requests integer, partner_id bigint`;

export async function insertOutreach(tx: Db, rows: OutreachRow[], actorId: string): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into outreach_event (external_id, occurred_on, state, format, audience, title, attendees, partner_professionals,
      follow_up_requests, partner_id, created_by)
    select x.external_id, x.occurred_on, x.state, x.format::outreach_format, x.audience::outreach_audience, x.title, x.attendees,
      x.partner_professionals, x.follow_up_requests, x.partner_id, ${actorId}
    from json_to_recordset(${json(rows)}::json) as x(${sql.raw(OUTREACH_COLUMNS)})`.execute(tx);
}

export async function updateOutreach(tx: Db, rows: OutreachRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update outreach_event o set occurred_on = x.occurred_on, state = x.state, format = x.format::outreach_format,
      audience = x.audience::outreach_audience, title = x.title, attendees = x.attendees, partner_professionals = x.partner_professionals,
      follow_up_requests = x.follow_up_requests, partner_id = x.partner_id
    from json_to_recordset(${json(rows)}::json) as x(${sql.raw(OUTREACH_COLUMNS)})
    where o.external_id = x.external_id`.execute(tx);
}

export interface StoredCount {
  centerId: number; month: string; served: number; newIntakes: number; bedNights: number; exitsToSafeHousing: number | null;
}

export async function countsOf(db: Db, centerIds: number[]): Promise<StoredCount[]> {
  if (centerIds.length === 0) return [];
  const { rows } = await sql<StoredCount>`
    select center_id::int as "centerId", to_char(month, 'YYYY-MM') as month, served, new_intakes as "newIntakes",
      bed_nights as "bedNights", exits_to_safe_housing as "exitsToSafeHousing"
    from survivor_count where center_id in (select jsonb_array_elements_text(${json(centerIds.map(String))}::jsonb)::bigint)`.execute(db);
  return rows;
}

export interface CountRow {
  center_id: number; month: string; served: number; new_intakes: number; bed_nights: number; exits_to_safe_housing: number | null;
}

/** New months and changed ones in one statement (a center reports one row per month). */
export async function upsertCounts(tx: Db, rows: CountRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into survivor_count as s (center_id, month, served, new_intakes, bed_nights, exits_to_safe_housing)
    select x.center_id, (x.month || '-01')::date, x.served, x.new_intakes, x.bed_nights, x.exits_to_safe_housing
    from json_to_recordset(${json(rows)}::json) as x(center_id bigint, month text, served integer, new_intakes integer,
      bed_nights integer, exits_to_safe_housing integer)
    on conflict (center_id, month) do update set served = excluded.served, new_intakes = excluded.new_intakes,
      bed_nights = excluded.bed_nights, exits_to_safe_housing = excluded.exits_to_safe_housing, reported_at = now()`.execute(tx);
}
