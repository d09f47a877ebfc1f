// Frozen in time: never import application code here. Rollups at exactly the grain the overview
// filters by, so its read costs the same whatever the history: every base row counts once in each
// of three scopes — everything ('*'), its division ('d:<division>') and its state ('s:<ST>') — and
// a read takes the rows of one scope. Per fiscal year that is at most stages × categories rows,
// where the state-grained rollups of migration 02 fill up to states × stages × categories as the
// history grows. Partners supported are kept as counts (a row trigger moves a count when a partner's
// funded requests in a scope go from none to some or back), so no read counts distinct partners.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

interface Rollup {
  name: string;
  table: string;
  keys: string[];
  measures: string[];
  /** A SELECT producing (keys..., measures...) per base row of `{src}` (aliased x, region r joined). */
  source: string;
}

/** The three scopes of a base row `x` with a `state` column (needs `region r` joined on it). */
const SCOPES = `cross join lateral (values ('*'), ('d:' || r.division_code), ('s:' || x.state)) sc(scope)`;

function upsert(r: Rollup, parts: string[]): string {
  const keys = r.keys.join(', ');
  return `insert into ${r.name} as r (${keys}, ${r.measures.join(', ')})
    select ${keys}, ${r.measures.map((m) => `sum(sign * ${m})`).join(', ')}
    from (${parts.join(' union all ')}) d
    group by ${keys} order by ${keys}
    on conflict (${keys}) do update set ${r.measures.map((m) => `${m} = r.${m} + excluded.${m}`).join(', ')};`;
}

const part = (r: Rollup, sign: 1 | -1, table: string) => `select ${sign} as sign, s.* from (${r.source.replaceAll('{src}', table)}) s`;

function rollupSql(r: Rollup): string {
  const fn = `${r.name}_apply`;
  return `
create function ${fn}() returns trigger language plpgsql as $fn$
begin
  if TG_OP = 'INSERT' then
    ${upsert(r, [part(r, 1, 'new_rows')])}
  elsif TG_OP = 'DELETE' then
    ${upsert(r, [part(r, -1, 'old_rows')])}
  else
    ${upsert(r, [part(r, 1, 'new_rows'), part(r, -1, 'old_rows')])}
  end if;
  return null;
end $fn$;
create trigger ${r.name}_insert after insert on ${r.table}
  referencing new table as new_rows for each statement execute function ${fn}();
create trigger ${r.name}_update after update on ${r.table}
  referencing old table as old_rows new table as new_rows for each statement execute function ${fn}();
create trigger ${r.name}_delete after delete on ${r.table}
  referencing old table as old_rows for each statement execute function ${fn}();
-- What is already there, counted once.
${upsert(r, [part(r, 1, r.table)])}`;
}

const rollups: Rollup[] = [
  {
    name: 'rollup_funding_scope',
    table: 'funding_request',
    keys: ['fiscal_year', 'scope', 'stage', 'category'],
    measures: ['request_count', 'requested_cents', 'approved_cents', 'disbursed_cents', 'units'],
    source: `select x.fiscal_year, sc.scope, x.stage, x.category, 1::bigint as request_count, x.requested_cents,
      x.approved_cents, x.disbursed_cents, coalesce(x.units, 0)::bigint as units
      from {src} x join region r on r.code = x.state ${SCOPES}`
  },
  {
    // One row per partner, fiscal year, scope and category ('*' = any): its funded requests there.
    name: 'rollup_partner_scope',
    table: 'funding_request',
    keys: ['fiscal_year', 'scope', 'category', 'partner_kind', 'partner_id'],
    measures: ['funded_requests'],
    source: `select x.fiscal_year, sc.scope, c.category, p.kind as partner_kind, x.partner_id, 1::bigint as funded_requests
      from {src} x join region r on r.code = x.state join partner p on p.id = x.partner_id ${SCOPES}
      cross join lateral (values (x.category::text), ('*')) c(category)
      where x.stage in ('disbursed', 'reported')`
  },
  {
    // Stage events are append-only and keep the state/category they were written with. Category '*'
    // is every category, so an unfiltered read takes months × stages rows.
    name: 'rollup_throughput_scope',
    table: 'funding_stage_event',
    keys: ['month', 'scope', 'to_stage', 'category'],
    measures: ['moves', 'amount_cents'],
    source: `select month_start(x.occurred_at) as month, sc.scope, x.to_stage, c.category, 1::bigint as moves,
      coalesce(x.amount_cents, 0)::bigint as amount_cents
      from {src} x join region r on r.code = x.state ${SCOPES}
      cross join lateral (values (x.category::text), ('*')) c(category)`
  },
  {
    name: 'rollup_need_flow_scope',
    table: 'aftercare_need',
    keys: ['month', 'scope'],
    measures: ['created', 'fulfilled', 'cancelled'],
    source: `select x.month, sc.scope, x.created, x.fulfilled, x.cancelled
      from (
        select month_start(created_at) as month, state, 1::bigint as created, 0::bigint as fulfilled, 0::bigint as cancelled from {src}
        union all
        select month_start(closed_at), state, 0, (status = 'fulfilled')::int::bigint, (status = 'cancelled')::int::bigint
          from {src} where closed_at is not null
      ) x join region r on r.code = x.state ${SCOPES}`
  },
  {
    name: 'rollup_need_scope',
    table: 'aftercare_need',
    keys: ['scope', 'status', 'priority'],
    measures: ['need_count', 'estimated_cost_cents'],
    source: `select sc.scope, x.status, x.priority, 1::bigint as need_count, x.estimated_cost_cents
      from {src} x join region r on r.code = x.state ${SCOPES}`
  },
  {
    name: 'rollup_outreach_scope',
    table: 'outreach_event',
    keys: ['month', 'scope'],
    measures: ['event_count', 'attendees', 'follow_up_requests'],
    source: `select month_start(x.occurred_on) as month, sc.scope, 1::bigint as event_count, x.attendees::bigint as attendees,
      x.follow_up_requests::bigint as follow_up_requests
      from {src} x join region r on r.code = x.state ${SCOPES}`
  },
  {
    name: 'rollup_survivors_scope',
    table: 'survivor_count',
    keys: ['month', 'scope'],
    measures: ['reports', 'served', 'new_intakes', 'bed_nights'],
    source: `select x.month, sc.scope, 1::bigint as reports, x.served::bigint as served, x.new_intakes::bigint as new_intakes,
      x.bed_nights::bigint as bed_nights
      from {src} x join region r on r.code = x.state ${SCOPES}`
  }
];

// Counters updated in place many times a second: half-empty pages keep those updates HOT (no index
// churn), and a low vacuum threshold keeps dead versions from piling up (Postgres; PGlite ignores it).
const HOT = `with (fillfactor = 50, autovacuum_vacuum_threshold = 200, autovacuum_vacuum_scale_factor = 0.05,
  autovacuum_analyze_threshold = 200, autovacuum_analyze_scale_factor = 0.05)`;

/** Only '*', 'd:<division>' or 's:<ST>': a scope is a region code, never free text. */
const SCOPE = `scope text not null check (scope = '*' or scope ~ '^d:[a-z]+(-[a-z]+)*$' or scope ~ '^s:[A-Z]{2}$')`;

const TABLES = String.raw`
create table rollup_funding_scope (
  fiscal_year smallint not null, ${SCOPE}, stage funding_stage not null, category funding_category not null,
  request_count bigint not null, requested_cents bigint not null, approved_cents bigint not null,
  disbursed_cents bigint not null, units bigint not null,
  primary key (fiscal_year, scope, stage, category)
) ${HOT};
create table rollup_partner_scope (
  fiscal_year smallint not null, ${SCOPE}, category text not null, partner_kind partner_kind not null,
  partner_id bigint not null, funded_requests bigint not null,
  primary key (fiscal_year, scope, category, partner_kind, partner_id)
) ${HOT};
create table rollup_partner_support (
  fiscal_year smallint not null, ${SCOPE}, category text not null, partner_kind partner_kind not null,
  partners bigint not null,
  primary key (fiscal_year, scope, category, partner_kind)
) ${HOT};
create table rollup_throughput_scope (
  month date not null, ${SCOPE}, to_stage funding_stage not null, category text not null,
  moves bigint not null, amount_cents bigint not null,
  primary key (scope, category, month, to_stage)
) ${HOT};
create table rollup_need_flow_scope (
  month date not null, ${SCOPE},
  created bigint not null, fulfilled bigint not null, cancelled bigint not null,
  primary key (scope, month)
) ${HOT};
create table rollup_need_scope (
  ${SCOPE}, status need_status not null, priority need_priority not null,
  need_count bigint not null, estimated_cost_cents bigint not null,
  primary key (scope, status, priority)
) ${HOT};
create table rollup_outreach_scope (
  month date not null, ${SCOPE},
  event_count bigint not null, attendees bigint not null, follow_up_requests bigint not null,
  primary key (scope, month)
) ${HOT};
create table rollup_survivors_scope (
  month date not null, ${SCOPE},
  reports bigint not null, served bigint not null, new_intakes bigint not null, bed_nights bigint not null,
  primary key (scope, month)
) ${HOT};

-- A partner starts or stops counting as supported in a scope when its funded requests there go
-- from none to some, or back.
create function rollup_partner_support_apply() returns trigger language plpgsql as $fn$
declare
  k record;
  delta integer;
begin
  if TG_OP = 'DELETE' then
    k := old;
    delta := -(old.funded_requests > 0)::int;
  elsif TG_OP = 'INSERT' then
    k := new;
    delta := (new.funded_requests > 0)::int;
  else
    k := new;
    delta := (new.funded_requests > 0)::int - (old.funded_requests > 0)::int;
  end if;
  if delta <> 0 then
    insert into rollup_partner_support as s (fiscal_year, scope, category, partner_kind, partners)
    values (k.fiscal_year, k.scope, k.category, k.partner_kind, delta)
    on conflict (fiscal_year, scope, category, partner_kind) do update set partners = s.partners + excluded.partners;
  end if;
  return null;
end $fn$;
create trigger rollup_partner_support_apply after insert or update or delete on rollup_partner_scope
  for each row execute function rollup_partner_support_apply();
`;

/** v_budget (migration 02's columns), its committed side read from `committedFrom`. */
function budgetView(committedFrom: string): string {
  return `create or replace view v_budget as
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
    from ${committedFrom}
  ) parts
  group by fiscal_year, program_area;`;
}

const VIEWS = String.raw`
create view v_funding_scope as
  select fiscal_year, scope, stage, category, category_program_area(category) as program_area,
    request_count, requested_cents, approved_cents, disbursed_cents, units
  from rollup_funding_scope where request_count <> 0;

create view v_partner_scope as
  select fiscal_year, scope, category, partner_kind, partner_id, funded_requests from rollup_partner_scope
  where funded_requests > 0;

create view v_partner_support as
  select fiscal_year, scope, category, partner_kind, partners from rollup_partner_support where partners <> 0;

create view v_throughput_scope as
  select month, scope, to_stage, category, moves, amount_cents from rollup_throughput_scope where moves <> 0;

create view v_need_flow_scope as
  select month, scope, created, fulfilled, cancelled from rollup_need_flow_scope
  where created <> 0 or fulfilled <> 0 or cancelled <> 0;

create view v_needs_scope as
  select scope, status, priority, need_count, estimated_cost_cents from rollup_need_scope where need_count <> 0;

create view v_outreach_scope as
  select month, scope, event_count, attendees, follow_up_requests from rollup_outreach_scope where event_count <> 0;

create view v_survivors_scope as
  select month, scope, reports, served, new_intakes, bed_nights from rollup_survivors_scope where reports <> 0;

-- Same columns as before; committed and disbursed now come from the all-scope rollup (a few dozen
-- rows a year) instead of one row per state.
${budgetView(`rollup_funding_scope where scope = '*' and request_count <> 0`)}
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, TABLES);
  for (const r of rollups) await runScript(db, rollupSql(r));
  await runScript(db, VIEWS);
  await runScript(db, [...rollups.map((r) => r.name), 'rollup_partner_support'].map((t) => `analyze ${t};`).join('\n'));
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, String.raw`
${budgetView('rollup_pipeline where request_count <> 0')}
drop view if exists v_survivors_scope, v_outreach_scope, v_needs_scope, v_need_flow_scope, v_throughput_scope, v_partner_support, v_partner_scope, v_funding_scope;`);
  for (const r of [...rollups].reverse()) {
    await runScript(db, `drop function if exists ${r.name}_apply() cascade; drop table if exists ${r.name}`);
  }
  await runScript(db, 'drop function if exists rollup_partner_support_apply() cascade; drop table if exists rollup_partner_support');
}
