// Frozen in time: never import application code here. Rollup tables kept current by statement-level
// triggers (transition tables, so a bulk write costs one grouped upsert, not one per row), and the
// views over them that are the only thing dashboards read.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

interface Rollup {
  name: string;
  table: string;
  keys: string[];
  measures: string[];
  /** A SELECT producing (keys..., measures...) per base row of the transition table `src`. */
  source: string;
  /** Which writes can change the rollup (events that are append-only only need INSERT). */
  ops?: Array<'INSERT' | 'UPDATE' | 'DELETE'>;
}

function fromTransition(r: Rollup, sign: 1 | -1, transitionTable: string): string {
  return `select ${sign} as sign, s.* from (${r.source.replaceAll('{src}', transitionTable)}) s`;
}

function upsert(r: Rollup, parts: string[]): string {
  const keys = r.keys.join(', ');
  return `insert into ${r.name} as r (${keys}, ${r.measures.join(', ')})
    select ${keys}, ${r.measures.map((m) => `sum(sign * ${m})`).join(', ')}
    from (${parts.join(' union all ')}) d
    group by ${keys} order by ${keys}
    on conflict (${keys}) do update set ${r.measures.map((m) => `${m} = r.${m} + excluded.${m}`).join(', ')};`;
}

function rollupSql(r: Rollup): string {
  const ops = r.ops ?? ['INSERT', 'UPDATE', 'DELETE'];
  const fn = `${r.name}_apply`;
  const body = `
create function ${fn}() returns trigger language plpgsql as $fn$
begin
  if TG_OP = 'INSERT' then
    ${upsert(r, [fromTransition(r, 1, 'new_rows')])}
  elsif TG_OP = 'DELETE' then
    ${upsert(r, [fromTransition(r, -1, 'old_rows')])}
  else
    ${upsert(r, [fromTransition(r, 1, 'new_rows'), fromTransition(r, -1, 'old_rows')])}
  end if;
  return null;
end $fn$;`;
  const referencing = { INSERT: 'new table as new_rows', UPDATE: 'old table as old_rows new table as new_rows', DELETE: 'old table as old_rows' };
  const triggers = ops.map(
    (op) => `create trigger ${r.name}_${op.toLowerCase()} after ${op.toLowerCase()} on ${r.table}
  referencing ${referencing[op]} for each statement execute function ${fn}();`
  );
  return [body, ...triggers].join('\n');
}

const rollups: Rollup[] = [
  {
    name: 'rollup_pipeline',
    table: 'funding_request',
    keys: ['fiscal_year', 'stage', 'category', 'state'],
    measures: ['request_count', 'requested_cents', 'approved_cents', 'disbursed_cents', 'units'],
    source: `select fiscal_year, stage, category, state, 1::bigint as request_count, requested_cents, approved_cents,
      disbursed_cents, coalesce(units, 0)::bigint as units from {src}`
  },
  {
    name: 'rollup_partner_funded',
    table: 'funding_request',
    keys: ['partner_id', 'fiscal_year', 'category', 'state'],
    measures: ['funded_requests'],
    source: `select partner_id, fiscal_year, category, state, 1::bigint as funded_requests from {src}
      where stage in ('disbursed', 'reported')`
  },
  {
    name: 'rollup_stage_duration',
    table: 'funding_stage_event',
    ops: ['INSERT'],
    keys: ['stage', 'fiscal_year', 'category', 'state', 'days'],
    measures: ['moves'],
    source: `select from_stage as stage, fiscal_year, category, state, (seconds_in_from_stage / 86400)::int as days,
      1::bigint as moves from {src} where from_stage is not null`
  },
  {
    name: 'rollup_stage_throughput',
    table: 'funding_stage_event',
    ops: ['INSERT'],
    keys: ['month', 'to_stage', 'fiscal_year', 'category', 'state'],
    measures: ['moves', 'amount_cents'],
    source: `select month_start(occurred_at) as month, to_stage, fiscal_year, category, state, 1::bigint as moves,
      coalesce(amount_cents, 0) as amount_cents from {src}`
  },
  {
    name: 'rollup_need',
    table: 'aftercare_need',
    keys: ['status', 'priority', 'kind', 'state'],
    measures: ['need_count', 'quantity', 'estimated_cost_cents'],
    source: `select status, priority, kind, state, 1::bigint as need_count, quantity::bigint as quantity,
      estimated_cost_cents from {src}`
  },
  {
    name: 'rollup_need_flow',
    table: 'aftercare_need',
    keys: ['month', 'kind', 'state'],
    measures: ['created', 'fulfilled', 'cancelled'],
    source: `select month_start(created_at) as month, kind, state, 1::bigint as created, 0::bigint as fulfilled,
        0::bigint as cancelled from {src}
      union all
      select month_start(closed_at), kind, state, 0, (status = 'fulfilled')::int::bigint, (status = 'cancelled')::int::bigint
        from {src} where closed_at is not null`
  },
  {
    name: 'rollup_outreach',
    table: 'outreach_event',
    keys: ['month', 'state', 'format', 'audience'],
    measures: ['event_count', 'attendees', 'partner_professionals', 'follow_up_requests'],
    source: `select month_start(occurred_on) as month, state, format, audience, 1::bigint as event_count,
      attendees::bigint as attendees, partner_professionals::bigint as partner_professionals,
      follow_up_requests::bigint as follow_up_requests from {src}`
  },
  {
    // The overview's outreach figures at the grain it filters by (month × state): a few hundred
    // rows a year, however many events, formats and audiences there are.
    name: 'rollup_outreach_reach',
    table: 'outreach_event',
    keys: ['month', 'state'],
    measures: ['event_count', 'attendees', 'follow_up_requests'],
    source: `select month_start(occurred_on) as month, state, 1::bigint as event_count, attendees::bigint as attendees,
      follow_up_requests::bigint as follow_up_requests from {src}`
  },
  {
    name: 'rollup_survivors',
    table: 'survivor_count',
    keys: ['month', 'state'],
    measures: ['reports', 'served', 'new_intakes', 'bed_nights'],
    source: `select month, state, 1::bigint as reports, served::bigint as served, new_intakes::bigint as new_intakes,
      bed_nights::bigint as bed_nights from {src}`
  }
];

const TABLES = String.raw`
create table rollup_pipeline (
  fiscal_year smallint not null, stage funding_stage not null, category funding_category not null, state char(2) not null,
  request_count bigint not null, requested_cents bigint not null, approved_cents bigint not null,
  disbursed_cents bigint not null, units bigint not null,
  primary key (fiscal_year, stage, category, state)
);
create table rollup_partner_funded (
  partner_id bigint not null, fiscal_year smallint not null, category funding_category not null, state char(2) not null,
  funded_requests bigint not null,
  primary key (partner_id, fiscal_year, category, state)
);
create table rollup_stage_duration (
  stage funding_stage not null, fiscal_year smallint not null, category funding_category not null, state char(2) not null,
  days integer not null, moves bigint not null,
  primary key (stage, fiscal_year, category, state, days)
);
create table rollup_stage_throughput (
  month date not null, to_stage funding_stage not null, fiscal_year smallint not null, category funding_category not null,
  state char(2) not null, moves bigint not null, amount_cents bigint not null,
  primary key (month, to_stage, fiscal_year, category, state)
);
create table rollup_need (
  status need_status not null, priority need_priority not null, kind need_kind not null, state char(2) not null,
  need_count bigint not null, quantity bigint not null, estimated_cost_cents bigint not null,
  primary key (status, priority, kind, state)
);
create table rollup_need_flow (
  month date not null, kind need_kind not null, state char(2) not null,
  created bigint not null, fulfilled bigint not null, cancelled bigint not null,
  primary key (month, kind, state)
);
create table rollup_outreach (
  month date not null, state char(2) not null, format outreach_format not null, audience outreach_audience not null,
  event_count bigint not null, attendees bigint not null, partner_professionals bigint not null,
  follow_up_requests bigint not null,
  primary key (month, state, format, audience)
);
create table rollup_outreach_reach (
  month date not null, state char(2) not null,
  event_count bigint not null, attendees bigint not null, follow_up_requests bigint not null,
  primary key (month, state)
);
create table rollup_survivors (
  month date not null, state char(2) not null,
  reports bigint not null, served bigint not null, new_intakes bigint not null, bed_nights bigint not null,
  primary key (month, state)
);
`;

// Views: rows whose counters went back to zero are hidden, so a view equals a GROUP BY of the base rows.
const VIEWS = String.raw`
create view v_pipeline as
  select p.fiscal_year, p.stage, p.category, category_program_area(p.category) as program_area, p.state,
    r.division_code, p.request_count, p.requested_cents, p.approved_cents, p.disbursed_cents, p.units
  from rollup_pipeline p join region r on r.code = p.state
  where p.request_count <> 0;

create view v_stage_duration as
  select d.stage, d.fiscal_year, d.category, d.state, r.division_code, d.days, d.moves
  from rollup_stage_duration d join region r on r.code = d.state
  where d.moves <> 0;

-- Median and p90 (percentile_disc over whole days) per stage, over everything; filtered figures
-- come from v_stage_duration with the same cumulative method.
create view v_time_in_stage as
  with h as (
    select stage, days, sum(moves) as moves from rollup_stage_duration group by stage, days
  ), c as (
    select stage, days, sum(moves) over (partition by stage order by days) as cum,
      sum(moves) over (partition by stage) as total
    from h
  )
  select stage, max(total)::bigint as moves,
    min(days) filter (where cum >= 0.5 * total) as median_days,
    min(days) filter (where cum >= 0.9 * total) as p90_days
  from c where total > 0 group by stage;

create view v_stage_throughput as
  select t.month, t.to_stage, t.fiscal_year, t.category, t.state, r.division_code, t.moves, t.amount_cents
  from rollup_stage_throughput t join region r on r.code = t.state
  where t.moves <> 0;

-- A union (not a full join) so that a filter on fiscal_year reaches both sides' indexes.
create view v_budget as
  select fiscal_year, program_area,
    sum(budget_cents)::bigint as budget_cents, sum(restricted_cents)::bigint as restricted_cents,
    sum(committed_cents)::bigint as committed_cents, sum(disbursed_cents)::bigint as disbursed_cents,
    (sum(budget_cents) - sum(committed_cents))::bigint as remaining_cents
  from (
    select fiscal_year, program_area, amount_cents as budget_cents,
      case when donor_restriction is not null then amount_cents else 0 end as restricted_cents,
      0::bigint as committed_cents, 0::bigint as disbursed_cents
    from budget
    union all
    select fiscal_year, category_program_area(category), 0, 0,
      case when stage in ('approved', 'disbursed', 'reported') then approved_cents else 0 end, disbursed_cents
    from rollup_pipeline where request_count <> 0
  ) parts
  group by fiscal_year, program_area;

create view v_needs as
  select n.status, n.priority, n.kind, n.state, r.division_code, n.need_count, n.quantity, n.estimated_cost_cents
  from rollup_need n join region r on r.code = n.state
  where n.need_count <> 0;

create view v_need_flow as
  select f.month, f.kind, f.state, r.division_code, f.created, f.fulfilled, f.cancelled
  from rollup_need_flow f join region r on r.code = f.state
  where f.created <> 0 or f.fulfilled <> 0 or f.cancelled <> 0;

-- A top-N list read through a partial index: its cost is N rows, not the history.
create view v_oldest_open_critical_needs as
  select n.id, n.title, n.kind, n.status, n.state, r.division_code, n.center_id, p.name as center_name,
    n.estimated_cost_cents, n.needed_by, n.created_at
  from aftercare_need n join region r on r.code = n.state join partner p on p.id = n.center_id
  where n.priority = 'critical' and n.status in ('open', 'in_progress', 'pledged')
  order by n.created_at, n.id;

create view v_outreach_monthly as
  select o.month, o.state, r.division_code, o.format, o.audience, o.event_count, o.attendees,
    o.partner_professionals, o.follow_up_requests
  from rollup_outreach o join region r on r.code = o.state
  where o.event_count <> 0;

create view v_outreach_goal_progress as
  select g.id as goal_id, g.division_code, g.period_start, g.period_end, g.people_goal, g.events_goal,
    coalesce(sum(o.attendees), 0)::bigint as people_reached, coalesce(sum(o.event_count), 0)::bigint as events_held
  from outreach_goal g
  left join region r on r.division_code = g.division_code
  left join rollup_outreach o on o.state = r.code and o.month >= g.period_start and o.month < g.period_end
  group by g.id;

create view v_outreach_reach as
  select o.month, o.state, r.division_code, o.event_count, o.attendees, o.follow_up_requests
  from rollup_outreach_reach o join region r on r.code = o.state
  where o.event_count <> 0;

create view v_survivors_monthly as
  select s.month, s.state, r.division_code, s.reports, s.served, s.new_intakes, s.bed_nights
  from rollup_survivors s join region r on r.code = s.state
  where s.reports <> 0;

create view v_impact_funding as
  select fiscal_year, category, program_area, state, division_code,
    sum(disbursed_cents)::bigint as disbursed_cents,
    sum(units)::bigint as units,
    sum(units) filter (where category = 'detection_k9')::bigint as k9s_funded,
    sum(units) filter (where category = 'training_scholarship')::bigint as officers_trained,
    sum(units) filter (where category = 'extraction_software')::bigint as extraction_licenses,
    sum(units) filter (where category = 'forensic_hardware')::bigint as forensic_devices
  from v_pipeline where stage in ('disbursed', 'reported')
  group by fiscal_year, category, program_area, state, division_code;

create view v_impact_partners as
  select f.partner_id, p.kind as partner_kind, f.fiscal_year, f.category, f.state, r.division_code
  from rollup_partner_funded f join partner p on p.id = f.partner_id join region r on r.code = f.state
  where f.funded_requests > 0;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, TABLES);
  for (const r of rollups) await runScript(db, rollupSql(r));
  await runScript(db, VIEWS);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, `drop view if exists v_impact_partners, v_impact_funding, v_survivors_monthly, v_outreach_reach, v_outreach_goal_progress,
    v_outreach_monthly, v_oldest_open_critical_needs, v_need_flow, v_needs, v_budget, v_stage_throughput,
    v_time_in_stage, v_stage_duration, v_pipeline`);
  for (const r of rollups) {
    await runScript(db, `drop function if exists ${r.name}_apply() cascade; drop table if exists ${r.name}`);
  }
}
