// Independent recomputation of every dashboard view straight from the base tables: a naive
// GROUP BY over funding_request, funding_stage_event, budget, aftercare_need, survivor_count,
// outreach_event and outreach_goal joined with partner/region. It never reads a rollup_* table, a
// v_* view or a helper function of the schema (month_start, category_program_area,
// seconds_in_from_stage), so it can be used to check the trigger-kept rollups and the views, and
// as the "naive" baseline in benchmarks.
//
// Rows keep the denormalised state of the live data where the schema defines it that way:
// funding_request / aftercare_need / survivor_count are grouped by their partner's *current* home
// state (the state moves with the partner), stage events by the category/state/fiscal year copied
// onto the event when it was written (history does not move).
import { sql, type Kysely } from 'kysely';
import { views } from '../../src/lib/server/db/schema.js';

export type ViewName = keyof typeof views;
export const viewNames = Object.keys(views) as ViewName[];
export type PlainRow = Record<string, string | number | boolean | null>;

/** The funding category → program area mapping as the design states it (not the SQL function). */
const PROGRAM_AREA = (col: string) => `(case
    when ${col} in ('forensic_hardware', 'extraction_software', 'detection_k9', 'training_scholarship') then 'law_enforcement'
    when ${col} in ('lab_equipment', 'lab_facility') then 'forensic_labs'
    when ${col} in ('aftercare_equipment', 'aftercare_facility', 'survivor_basic_needs') then 'aftercare'
    when ${col} = 'outreach_program' then 'education'
  end)::program_area`;

/** The organisation's time zone, as stored (BEACON_TIME_ZONE); read from the table, not through beacon_tz(). */
const ORG_TZ = `(select time_zone from beacon_setting)`;
/** Calendar day of a timestamptz in the organisation's time zone, computed without the schema's local_day(). */
const ORG_DAY = (col: string) => `(${col} at time zone ${ORG_TZ})::date`;
/** Calendar month of a timestamptz in the organisation's time zone, computed without the schema's month_start(). */
const ORG_MONTH = (col: string) => `date_trunc('month', ${col} at time zone ${ORG_TZ})::date`;

/**
 * The money an event moved, by its definition: approving moves the amount the approval states and
 * disbursing the amount paid — the amount stated, or when none is stated the approved amount, which is
 * what the request records as disbursed. Other moves move no money. A further payment moves its amount;
 * a correction moves the difference it makes to the approval or payment it corrects (stated on it,
 * dated on the corrected event's moment).
 */
const MOVED_CENTS = (event: string, request: string) => `(case when ${event}.kind <> 'move' then ${event}.amount_cents else (case ${event}.to_stage
    when 'approved' then coalesce(${event}.amount_cents, ${request}.approved_cents)
    when 'disbursed' then coalesce(${event}.amount_cents, ${request}.disbursed_cents) else 0 end) end)`;
/** Moves and payments count; a correction moves nothing. */
const COUNTED = (event: string) => `count(*) filter (where ${event}.kind <> 'correction')::bigint`;

/** Requests with their partner's current state and division. */
const REQUESTS = `(select f.*, p.state as home_state, r.division_code
  from funding_request f join partner p on p.id = f.partner_id join region r on r.code = p.state)`;

/**
 * Every stage move (events with a from_stage), with the time spent in the stage it leaves recomputed
 * from the previous event of the same request (ordered by occurred_at, id).
 */
const MOVES = `(select e.*, r.division_code,
    floor(e.leave_epoch - e.prev_epoch)::bigint as seconds_recomputed,
    floor((e.leave_epoch - e.prev_epoch) / 86400)::int as days
  from (
    select ev.id, ev.request_id, ev.from_stage, ev.to_stage, ev.category, ev.state, ev.fiscal_year, ev.occurred_at,
      extract(epoch from ev.occurred_at) as leave_epoch,
      lag(extract(epoch from ev.occurred_at)) over (partition by ev.request_id order by ev.occurred_at, ev.id) as prev_epoch
    from funding_stage_event ev where ev.kind = 'move'
  ) e join region r on r.code = e.state
  where e.from_stage is not null)`;

const NEEDS = `(select n.*, p.state as home_state, p.name as center_name, r.division_code
  from aftercare_need n join partner p on p.id = n.center_id join region r on r.code = p.state)`;

/** The overview's three scopes of a row: everything, its division, its state. */
const SCOPES = (state: string, division: string) =>
  `cross join lateral (values ('*'), ('d:' || ${division}), ('s:' || ${state})) sc(scope)`;

export const RECOMPUTE_SQL: Record<ViewName, string> = {
  v_pipeline: `
    select f.fiscal_year, f.stage, f.category, ${PROGRAM_AREA('f.category')} as program_area, f.home_state as state,
      f.division_code, count(*)::bigint as request_count, sum(f.requested_cents)::bigint as requested_cents,
      sum(f.approved_cents)::bigint as approved_cents, sum(f.disbursed_cents)::bigint as disbursed_cents,
      coalesce(sum(f.units), 0)::bigint as units
    from ${REQUESTS} f
    group by f.fiscal_year, f.stage, f.category, f.home_state, f.division_code`,

  v_stage_duration: `
    select m.from_stage as stage, m.fiscal_year, m.category, m.state, m.division_code, m.days, count(*)::bigint as moves
    from ${MOVES} m
    group by m.from_stage, m.fiscal_year, m.category, m.state, m.division_code, m.days`,

  v_time_in_stage: `
    select m.from_stage as stage, count(*)::bigint as moves,
      (percentile_disc(0.5) within group (order by m.days))::int as median_days,
      (percentile_disc(0.9) within group (order by m.days))::int as p90_days
    from ${MOVES} m
    group by m.from_stage`,

  v_stage_throughput: `
    select ${ORG_MONTH('e.occurred_at')} as month, e.to_stage, e.fiscal_year, e.category, e.state, r.division_code,
      ${COUNTED('e')} as moves, coalesce(sum(${MOVED_CENTS('e', 'mf')}), 0)::bigint as amount_cents
    from funding_stage_event e join funding_request mf on mf.id = e.request_id join region r on r.code = e.state
    group by 1, e.to_stage, e.fiscal_year, e.category, e.state, r.division_code`,

  v_budget: `
    with b as (
      select fiscal_year, program_area, sum(amount_cents) as budget_cents,
        sum(amount_cents) filter (where donor_restriction is not null) as restricted_cents
      from budget group by fiscal_year, program_area
    ), c as (
      select fiscal_year, ${PROGRAM_AREA('category')} as program_area,
        sum(approved_cents) filter (where stage in ('approved', 'disbursed', 'reported')) as committed_cents,
        sum(disbursed_cents) as disbursed_cents
      from funding_request group by 1, 2
    )
    select coalesce(b.fiscal_year, c.fiscal_year) as fiscal_year, coalesce(b.program_area, c.program_area) as program_area,
      coalesce(b.budget_cents, 0)::bigint as budget_cents, coalesce(b.restricted_cents, 0)::bigint as restricted_cents,
      coalesce(c.committed_cents, 0)::bigint as committed_cents, coalesce(c.disbursed_cents, 0)::bigint as disbursed_cents,
      (coalesce(b.budget_cents, 0) - coalesce(c.committed_cents, 0))::bigint as remaining_cents
    from b full join c on c.fiscal_year = b.fiscal_year and c.program_area = b.program_area`,

  v_needs: `
    select n.status, n.priority, n.kind, n.home_state as state, n.division_code, count(*)::bigint as need_count,
      sum(n.quantity)::bigint as quantity, sum(n.estimated_cost_cents)::bigint as estimated_cost_cents
    from ${NEEDS} n
    group by n.status, n.priority, n.kind, n.home_state, n.division_code`,

  v_need_flow: `
    with created as (
      select ${ORG_MONTH('n.created_at')} as month, n.kind, n.home_state as state, count(*) as created
      from ${NEEDS} n group by 1, 2, 3
    ), closed as (
      select ${ORG_MONTH('n.closed_at')} as month, n.kind, n.home_state as state,
        count(*) filter (where n.status = 'fulfilled') as fulfilled,
        count(*) filter (where n.status = 'cancelled') as cancelled
      from ${NEEDS} n where n.closed_at is not null and n.status in ('fulfilled', 'cancelled') group by 1, 2, 3
    )
    select coalesce(a.month, z.month) as month, coalesce(a.kind, z.kind) as kind, coalesce(a.state, z.state) as state,
      r.division_code, coalesce(a.created, 0)::bigint as created, coalesce(z.fulfilled, 0)::bigint as fulfilled,
      coalesce(z.cancelled, 0)::bigint as cancelled
    from created a full join closed z on z.month = a.month and z.kind = a.kind and z.state = a.state
    join region r on r.code = coalesce(a.state, z.state)`,

  v_oldest_open_critical_needs: `
    select n.id, n.title, n.kind, n.status, n.home_state as state, n.division_code, n.center_id, n.center_name,
      n.estimated_cost_cents, n.needed_by, n.created_at
    from ${NEEDS} n
    where n.priority = 'critical' and n.status in ('open', 'in_progress', 'pledged')
    order by n.created_at, n.id`,

  v_outreach_monthly: `
    select date_trunc('month', o.occurred_on)::date as month, o.state, r.division_code, o.format, o.audience,
      count(*)::bigint as event_count, sum(o.attendees)::bigint as attendees,
      sum(o.partner_professionals)::bigint as partner_professionals, sum(o.follow_up_requests)::bigint as follow_up_requests
    from outreach_event o join region r on r.code = o.state
    group by 1, o.state, r.division_code, o.format, o.audience`,

  v_outreach_reach: `
    select date_trunc('month', o.occurred_on)::date as month, o.state, r.division_code, count(*)::bigint as event_count,
      sum(o.attendees)::bigint as attendees, sum(o.follow_up_requests)::bigint as follow_up_requests
    from outreach_event o join region r on r.code = o.state
    group by 1, o.state, r.division_code`,

  v_outreach_goal_progress: `
    select g.id as goal_id, g.division_code, g.period_start, g.period_end, g.people_goal, g.events_goal,
      coalesce((select sum(o.attendees) from outreach_event o join region r on r.code = o.state
        where r.division_code = g.division_code and o.occurred_on >= g.period_start and o.occurred_on < g.period_end), 0)::bigint
        as people_reached,
      (select count(*) from outreach_event o join region r on r.code = o.state
        where r.division_code = g.division_code and o.occurred_on >= g.period_start and o.occurred_on < g.period_end)::bigint
        as events_held
    from outreach_goal g`,

  v_survivors_monthly: `
    select s.month, p.state, r.division_code, count(*)::bigint as reports, sum(s.served)::bigint as served,
      sum(s.new_intakes)::bigint as new_intakes, sum(s.bed_nights)::bigint as bed_nights
    from survivor_count s join partner p on p.id = s.center_id join region r on r.code = p.state
    group by s.month, p.state, r.division_code`,

  v_impact_funding: `
    select f.fiscal_year, f.category, ${PROGRAM_AREA('f.category')} as program_area, f.home_state as state, f.division_code,
      sum(f.disbursed_cents)::bigint as disbursed_cents, coalesce(sum(f.units), 0)::bigint as units,
      (case when f.category = 'detection_k9' then coalesce(sum(f.units), 0) end)::bigint as k9s_funded,
      (case when f.category = 'training_scholarship' then coalesce(sum(f.units), 0) end)::bigint as officers_trained,
      (case when f.category = 'extraction_software' then coalesce(sum(f.units), 0) end)::bigint as extraction_licenses,
      (case when f.category = 'forensic_hardware' then coalesce(sum(f.units), 0) end)::bigint as forensic_devices
    from ${REQUESTS} f
    where f.stage in ('disbursed', 'reported')
    group by f.fiscal_year, f.category, f.home_state, f.division_code`,

  v_impact_partners: `
    select distinct f.partner_id, p.kind as partner_kind, f.fiscal_year, f.category, f.home_state as state, f.division_code
    from ${REQUESTS} f join partner p on p.id = f.partner_id
    where f.stage in ('disbursed', 'reported')`,

  v_funding_scope: `
    select f.fiscal_year, sc.scope, f.stage, f.category, ${PROGRAM_AREA('f.category')} as program_area,
      count(*)::bigint as request_count, sum(f.requested_cents)::bigint as requested_cents,
      sum(f.approved_cents)::bigint as approved_cents, sum(f.disbursed_cents)::bigint as disbursed_cents,
      coalesce(sum(f.units), 0)::bigint as units
    from ${REQUESTS} f ${SCOPES('f.home_state', 'f.division_code')}
    group by f.fiscal_year, sc.scope, f.stage, f.category`,

  v_partner_scope: `
    select f.fiscal_year, sc.scope, c.category, p.kind as partner_kind, f.partner_id, count(*)::bigint as funded_requests
    from ${REQUESTS} f join partner p on p.id = f.partner_id ${SCOPES('f.home_state', 'f.division_code')}
    cross join lateral (values (f.category::text), ('*')) c(category)
    where f.stage in ('disbursed', 'reported')
    group by f.fiscal_year, sc.scope, c.category, p.kind, f.partner_id`,

  v_partner_support: `
    select f.fiscal_year, sc.scope, c.category, p.kind as partner_kind, count(distinct f.partner_id)::bigint as partners
    from ${REQUESTS} f join partner p on p.id = f.partner_id ${SCOPES('f.home_state', 'f.division_code')}
    cross join lateral (values (f.category::text), ('*')) c(category)
    where f.stage in ('disbursed', 'reported')
    group by f.fiscal_year, sc.scope, c.category, p.kind`,

  v_throughput_scope: `
    select ${ORG_MONTH('e.occurred_at')} as month, sc.scope, e.to_stage, c.category, ${COUNTED('e')} as moves,
      coalesce(sum(${MOVED_CENTS('e', 'mf')}), 0)::bigint as amount_cents
    from funding_stage_event e join funding_request mf on mf.id = e.request_id join region r on r.code = e.state ${SCOPES('e.state', 'r.division_code')}
    cross join lateral (values (e.category::text), ('*')) c(category)
    group by 1, sc.scope, e.to_stage, c.category`,

  v_need_flow_scope: `
    with flow as (
      select ${ORG_MONTH('n.created_at')} as month, n.home_state as state, n.division_code, 1 as created, 0 as fulfilled, 0 as cancelled
      from ${NEEDS} n
      union all
      select ${ORG_MONTH('n.closed_at')}, n.home_state, n.division_code, 0, (n.status = 'fulfilled')::int, (n.status = 'cancelled')::int
      from ${NEEDS} n where n.closed_at is not null
    )
    select f.month, sc.scope, sum(f.created)::bigint as created, sum(f.fulfilled)::bigint as fulfilled,
      sum(f.cancelled)::bigint as cancelled
    from flow f ${SCOPES('f.state', 'f.division_code')}
    group by f.month, sc.scope
    having sum(f.created) <> 0 or sum(f.fulfilled) <> 0 or sum(f.cancelled) <> 0`,

  v_needs_scope: `
    select sc.scope, n.status, n.priority, count(*)::bigint as need_count, sum(n.estimated_cost_cents)::bigint as estimated_cost_cents
    from ${NEEDS} n ${SCOPES('n.home_state', 'n.division_code')}
    group by sc.scope, n.status, n.priority`,

  v_outreach_scope: `
    select date_trunc('month', o.occurred_on)::date as month, sc.scope, count(*)::bigint as event_count,
      sum(o.attendees)::bigint as attendees, sum(o.follow_up_requests)::bigint as follow_up_requests
    from outreach_event o join region r on r.code = o.state ${SCOPES('o.state', 'r.division_code')}
    group by 1, sc.scope`,

  v_survivors_scope: `
    select s.month, sc.scope, count(*)::bigint as reports, sum(s.served)::bigint as served,
      sum(s.new_intakes)::bigint as new_intakes, sum(s.bed_nights)::bigint as bed_nights
    from survivor_count s join partner p on p.id = s.center_id join region r on r.code = p.state
      ${SCOPES('p.state', 'r.division_code')}
    group by s.month, sc.scope`,

  v_open_request_age: `
    select f.id, f.title, f.stage, f.category, f.fiscal_year, f.home_state as state, f.division_code, p.name as partner_name,
      f.requested_cents, f.approved_cents, f.stage_entered_at, f.created_at
    from ${REQUESTS} f join partner p on p.id = f.partner_id
    where f.stage in ('intake', 'vetting', 'approved')`,

  v_partner_funded: `
    select f.partner_id, p.name as partner_name, p.kind as partner_kind, f.fiscal_year, f.category, f.home_state as state,
      f.division_code, count(*)::bigint as funded_requests
    from ${REQUESTS} f join partner p on p.id = f.partner_id
    where f.stage in ('disbursed', 'reported')
    group by f.partner_id, p.name, p.kind, f.fiscal_year, f.category, f.home_state, f.division_code`,

  v_request_month: `
    select sc.scope, ${ORG_MONTH('f.created_at')} as month, f.stage, f.category, ${PROGRAM_AREA('f.category')} as program_area,
      count(*)::bigint as request_count, sum(f.requested_cents)::bigint as requested_cents,
      sum(f.approved_cents)::bigint as approved_cents, sum(f.disbursed_cents)::bigint as disbursed_cents
    from ${REQUESTS} f ${SCOPES('f.home_state', 'f.division_code')}
    group by sc.scope, 2, f.stage, f.category`,

  v_move_month: `
    select sc.scope, c.category, ${ORG_MONTH('e.occurred_at')} as month, e.to_stage, ${COUNTED('e')} as moves,
      coalesce(sum(${MOVED_CENTS('e', 'mf')}), 0)::bigint as amount_cents
    from funding_stage_event e join funding_request mf on mf.id = e.request_id join region r on r.code = e.state
    ${SCOPES('e.state', 'r.division_code')}
    cross join lateral (values (e.category::text), ('*')) c(category)
    group by sc.scope, c.category, 3, e.to_stage`,

  v_request_days: `
    select f.created_at, ${ORG_DAY('f.created_at')} as day, f.stage, f.category, ${PROGRAM_AREA('f.category')} as program_area,
      f.home_state as state, f.division_code, f.requested_cents, f.approved_cents, f.disbursed_cents
    from ${REQUESTS} f`,

  v_move_days: `
    select e.occurred_at, ${ORG_DAY('e.occurred_at')} as day, e.to_stage, e.category, ${PROGRAM_AREA('e.category')} as program_area,
      e.state, r.division_code, ${MOVED_CENTS('e', 'mf')}::bigint as amount_cents, (e.kind <> 'correction')::int::bigint as moves
    from funding_stage_event e join funding_request mf on mf.id = e.request_id join region r on r.code = e.state`,

  v_need_days: `
    select n.created_at, ${ORG_DAY('n.created_at')} as created_day, n.closed_at, ${ORG_DAY('n.closed_at')} as closed_day,
      n.status, n.home_state as state, n.division_code
    from ${NEEDS} n`,

  v_outreach_days: `
    select o.occurred_on, o.state, r.division_code, o.format, o.audience, o.attendees, o.follow_up_requests
    from outreach_event o join region r on r.code = o.state`,

  // First payments (moves to disbursed; further payments and corrections carry no units) by the month they occurred: the event's place and category, the
  // request's partner and units now.
  v_paid_month: `
    select sc.scope, c.category, ${ORG_MONTH('e.occurred_at')} as month, f.partner_id, count(*)::bigint as payments,
      coalesce(sum(f.units), 0)::bigint as units
    from funding_stage_event e join funding_request f on f.id = e.request_id join region r on r.code = e.state
    ${SCOPES('e.state', 'r.division_code')}
    cross join lateral (values (e.category::text), ('*')) c(category)
    where e.to_stage = 'disbursed' and e.kind = 'move'
    group by sc.scope, c.category, 3, f.partner_id`,

  v_paid_units_month: `
    select sc.scope, c.category, ${ORG_MONTH('e.occurred_at')} as month, count(*)::bigint as payments,
      coalesce(sum(f.units), 0)::bigint as units
    from funding_stage_event e join funding_request f on f.id = e.request_id join region r on r.code = e.state
    ${SCOPES('e.state', 'r.division_code')}
    cross join lateral (values (e.category::text), ('*')) c(category)
    where e.to_stage = 'disbursed' and e.kind = 'move'
    group by sc.scope, c.category, 3`,

  v_stage_days_month: `
    select sc.scope, c.category, ${ORG_MONTH('m.occurred_at')} as month, m.from_stage as stage, m.days, count(*)::bigint as moves
    from ${MOVES} m ${SCOPES('m.state', 'm.division_code')}
    cross join lateral (values (m.category::text), ('*')) c(category)
    group by sc.scope, c.category, 3, m.from_stage, m.days`,

  v_paid_days: `
    select e.occurred_at, ${ORG_DAY('e.occurred_at')} as day, e.category, e.state, r.division_code, f.partner_id,
      coalesce(f.units, 0)::bigint as units
    from funding_stage_event e join funding_request f on f.id = e.request_id join region r on r.code = e.state
    where e.to_stage = 'disbursed' and e.kind = 'move'`,

  v_stage_days_moves: `
    select m.occurred_at, ${ORG_DAY('m.occurred_at')} as day, m.from_stage as stage, m.category, m.state, m.division_code, m.days
    from ${MOVES} m`
};

/** Columns of a view, in the order the schema spec lists them. */
export function viewColumns(name: ViewName): string[] {
  return Object.keys(views[name]);
}

function plain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** Rows as plain objects with exactly the view's columns (in spec order); Dates as ISO strings. */
export function toPlainRows(name: ViewName, rows: ReadonlyArray<Record<string, unknown>>): PlainRow[] {
  const cols = viewColumns(name);
  return rows.map((row) => {
    const extra = Object.keys(row).filter((k) => !cols.includes(k));
    if (extra.length) throw new Error(`${name}: unexpected column(s) ${extra.join(', ')}`);
    const out: PlainRow = {};
    for (const c of cols) {
      if (!(c in row)) throw new Error(`${name}: missing column ${c}`);
      out[c] = plain(row[c]);
    }
    return out;
  });
}

const rowKey = (r: PlainRow) => JSON.stringify(Object.values(r));

export function sortRows(rows: PlainRow[]): PlainRow[] {
  return [...rows].sort((a, b) => (rowKey(a) < rowKey(b) ? -1 : rowKey(a) > rowKey(b) ? 1 : 0));
}

/** The view recomputed from the base tables, as sorted plain rows. */
export async function recomputeView(db: Kysely<any>, name: ViewName): Promise<PlainRow[]> {
  const query = RECOMPUTE_SQL[name];
  if (!query) throw new Error(`no independent recomputation for view ${name}`);
  const { rows } = await sql.raw<Record<string, unknown>>(query).execute(db);
  return sortRows(toPlainRows(name, rows));
}

/** What the view itself says, as sorted plain rows (every spec column, nothing else). */
export async function readView(db: Kysely<any>, name: ViewName): Promise<PlainRow[]> {
  const { rows } = await sql.raw<Record<string, unknown>>(`select * from ${name}`).execute(db);
  return sortRows(toPlainRows(name, rows));
}

export interface ViewDiff {
  view: ViewName;
  /** Rows the view shows that the recomputation does not produce. */
  onlyInView: PlainRow[];
  /** Rows the recomputation produces that the view does not show. */
  onlyInRecomputed: PlainRow[];
}

/** Multiset difference of two row lists (duplicates count). */
export function diffRows(view: ViewName, actual: PlainRow[], expected: PlainRow[], limit = 20): ViewDiff {
  const counts = new Map<string, number>();
  for (const r of expected) counts.set(rowKey(r), (counts.get(rowKey(r)) ?? 0) + 1);
  const onlyInView: PlainRow[] = [];
  for (const r of actual) {
    const k = rowKey(r);
    const n = counts.get(k) ?? 0;
    if (n > 0) counts.set(k, n - 1);
    else onlyInView.push(r);
  }
  const onlyInRecomputed: PlainRow[] = [];
  for (const r of expected) {
    const k = rowKey(r);
    const n = counts.get(k) ?? 0;
    if (n > 0) {
      counts.set(k, n - 1);
      onlyInRecomputed.push(r);
    }
  }
  return { view, onlyInView: onlyInView.slice(0, limit), onlyInRecomputed: onlyInRecomputed.slice(0, limit) };
}

/** Compares one view with its recomputation; returns null when they are equal. */
export async function checkView(db: Kysely<any>, name: ViewName): Promise<ViewDiff | null> {
  const actual = await readView(db, name);
  const expected = await recomputeView(db, name);
  const d = diffRows(name, actual, expected);
  return d.onlyInView.length || d.onlyInRecomputed.length || actual.length !== expected.length ? d : null;
}
