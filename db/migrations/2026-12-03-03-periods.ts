// Frozen in time: never import application code here. Exact periods in one organisation time zone.
//
// - `beacon_setting` holds the organisation's time zone (the app writes BEACON_TIME_ZONE there at
//   start through beacon_set_time_zone); `beacon_tz()` reads it and `local_day()` gives a moment's
//   calendar day there. month_start(timestamptz) now buckets by that zone, so every month-grained
//   rollup (stage throughput, need flow) counts an event on the evening of the 31st in California in
//   the month it happened there. Changing the zone rebuilds those rollups (beacon_rebuild_time_rollups).
// - Funding figures by the period their label names: requests by the month they were created,
//   stage moves (approvals, payments, with the money they moved) by the month
//   they occurred — at the overview's scope grain (everything, a division, a state), so a fiscal year
//   reads 12 months × stages × categories rows whatever the history. The days of a period that do not
//   fill a whole month are read from the base rows through v_request_days / v_move_days (indexed on
//   the moment: their cost is those days' rows, not the history).
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
  referencing old table as old_rows for each statement execute function ${fn}();`;
}

const rollups: Rollup[] = [
  {
    // Requests by the month they were created, with their stage and amounts now.
    name: 'rollup_request_month',
    table: 'funding_request',
    keys: ['scope', 'month', 'stage', 'category'],
    measures: ['request_count', 'requested_cents', 'approved_cents', 'disbursed_cents'],
    source: `select sc.scope, month_start(x.created_at) as month, x.stage, x.category, 1::bigint as request_count,
      x.requested_cents, x.approved_cents, x.disbursed_cents
      from {src} x join region r on r.code = x.state ${SCOPES}`
  },
  {
    // Stage moves by the month they occurred, with the money each moved (stored on the event).
    // Category '*' is every category.
    name: 'rollup_move_month',
    table: 'funding_stage_event',
    keys: ['scope', 'category', 'month', 'to_stage'],
    measures: ['moves', 'amount_cents'],
    source: `select sc.scope, c.category, month_start(x.occurred_at) as month, x.to_stage, 1::bigint as moves,
      coalesce(x.amount_cents, 0)::bigint as amount_cents
      from {src} x join region r on r.code = x.state ${SCOPES}
      cross join lateral (values (x.category::text), ('*')) c(category)`
  }
];

const HOT = `with (fillfactor = 50, autovacuum_vacuum_threshold = 200, autovacuum_vacuum_scale_factor = 0.05,
  autovacuum_analyze_threshold = 200, autovacuum_analyze_scale_factor = 0.05)`;
const SCOPE = `scope text not null check (scope = '*' or scope ~ '^d:[a-z]+(-[a-z]+)*$' or scope ~ '^s:[A-Z]{2}$')`;

/** Every rollup that buckets a moment (timestamptz) by month: emptied and refilled from its base rows. */
const REBUILD = String.raw`
  delete from rollup_stage_throughput;
  insert into rollup_stage_throughput (month, to_stage, fiscal_year, category, state, moves, amount_cents)
    select month_start(occurred_at), to_stage, fiscal_year, category, state, count(*), coalesce(sum(amount_cents), 0)
    from funding_stage_event group by 1, 2, 3, 4, 5;
  delete from rollup_throughput_scope;
  insert into rollup_throughput_scope (month, scope, to_stage, category, moves, amount_cents)
    select month_start(x.occurred_at), sc.scope, x.to_stage, c.category, count(*), coalesce(sum(x.amount_cents), 0)
    from funding_stage_event x join region r on r.code = x.state ${SCOPES}
    cross join lateral (values (x.category::text), ('*')) c(category)
    group by 1, 2, 3, 4;
  delete from rollup_need_flow;
  insert into rollup_need_flow (month, kind, state, created, fulfilled, cancelled)
    select month, kind, state, sum(created), sum(fulfilled), sum(cancelled) from (
      select month_start(created_at) as month, kind, state, 1 as created, 0 as fulfilled, 0 as cancelled from aftercare_need
      union all
      select month_start(closed_at), kind, state, 0, (status = 'fulfilled')::int, (status = 'cancelled')::int
        from aftercare_need where closed_at is not null
    ) f group by 1, 2, 3;
  delete from rollup_need_flow_scope;
  insert into rollup_need_flow_scope (month, scope, created, fulfilled, cancelled)
    select x.month, sc.scope, sum(x.created), sum(x.fulfilled), sum(x.cancelled) from (
      select month_start(created_at) as month, state, 1 as created, 0 as fulfilled, 0 as cancelled from aftercare_need
      union all
      select month_start(closed_at), state, 0, (status = 'fulfilled')::int, (status = 'cancelled')::int
        from aftercare_need where closed_at is not null
    ) x join region r on r.code = x.state ${SCOPES}
    group by 1, 2;
  delete from rollup_request_month;
  ${upsert(rollups[0], [part(rollups[0], 1, 'funding_request')])}
  delete from rollup_move_month;
  ${upsert(rollups[1], [part(rollups[1], 1, 'funding_stage_event')])}`;

const UP = String.raw`
create table beacon_setting (
  id boolean primary key default true constraint beacon_setting_one_row check (id),
  time_zone text not null default 'America/New_York',
  updated_at timestamptz not null default now()
);
insert into beacon_setting default values;

create function beacon_tz() returns text stable parallel safe language sql
  as $$select coalesce((select time_zone from beacon_setting), 'America/New_York')$$;
create function local_day(t timestamptz) returns date stable strict parallel safe language sql
  as $$select (t at time zone beacon_tz())::date$$;
create or replace function month_start(t timestamptz) returns date stable strict parallel safe language sql
  as $$select month_start(local_day(t))$$;

create table rollup_request_month (
  ${SCOPE}, month date not null, stage funding_stage not null, category funding_category not null,
  request_count bigint not null, requested_cents bigint not null, approved_cents bigint not null, disbursed_cents bigint not null,
  primary key (scope, month, stage, category)
) ${HOT};
create table rollup_move_month (
  ${SCOPE}, category text not null, month date not null, to_stage funding_stage not null,
  moves bigint not null, amount_cents bigint not null,
  primary key (scope, category, month, to_stage)
) ${HOT};

create index funding_request_created on funding_request (created_at);
create index funding_stage_event_occurred on funding_stage_event (occurred_at);

create function beacon_rebuild_time_rollups() returns void language plpgsql as $fn$
begin
  ${REBUILD}
end $fn$;

-- The organisation's time zone; refuses a name Postgres does not know. Returns whether it changed
-- (then every month-bucketed rollup has been rebuilt in the same transaction).
create function beacon_set_time_zone(tz text) returns boolean language plpgsql as $fn$
begin
  perform now() at time zone tz;
  if tz = beacon_tz() then
    return false;
  end if;
  update beacon_setting set time_zone = tz, updated_at = now();
  perform beacon_rebuild_time_rollups();
  return true;
end $fn$;

create view v_request_month as
  select scope, month, stage, category, category_program_area(category) as program_area,
    request_count, requested_cents, approved_cents, disbursed_cents
  from rollup_request_month where request_count <> 0;

create view v_move_month as
  select scope, category, month, to_stage, moves, amount_cents from rollup_move_month where moves <> 0;

-- Base rows with their day in the organisation's time zone, for the days of a period that do not
-- fill a month (read by created_at / occurred_at ranges, through the indexes above).
create view v_request_days as
  select f.created_at, local_day(f.created_at) as day, f.stage, f.category, category_program_area(f.category) as program_area,
    f.state, r.division_code, f.requested_cents, f.approved_cents, f.disbursed_cents
  from funding_request f join region r on r.code = f.state;

create view v_move_days as
  select e.occurred_at, local_day(e.occurred_at) as day, e.to_stage, e.category, category_program_area(e.category) as program_area,
    e.state, r.division_code, coalesce(e.amount_cents, 0)::bigint as amount_cents
  from funding_stage_event e join region r on r.code = e.state;

create view v_need_days as
  select n.created_at, local_day(n.created_at) as created_day, n.closed_at, local_day(n.closed_at) as closed_day,
    n.status, n.state, r.division_code
  from aftercare_need n join region r on r.code = n.state;

create view v_outreach_days as
  select o.occurred_on, o.state, r.division_code, o.format, o.audience, o.attendees, o.follow_up_requests
  from outreach_event o join region r on r.code = o.state;

create index aftercare_need_created on aftercare_need (created_at);
create index aftercare_need_closed on aftercare_need (closed_at) where closed_at is not null;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
  for (const r of rollups) await runScript(db, rollupSql(r));
  await runScript(db, 'select beacon_rebuild_time_rollups(); analyze rollup_request_month; analyze rollup_move_month;');
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, String.raw`
drop view if exists v_outreach_days, v_need_days, v_move_days, v_request_days, v_move_month, v_request_month;
drop index if exists aftercare_need_closed;
drop index if exists aftercare_need_created;
drop function if exists beacon_set_time_zone(text);
create or replace function month_start(t timestamptz) returns date immutable strict parallel safe language sql
  as $$select month_start((t at time zone 'UTC')::date)$$;
select beacon_rebuild_time_rollups();
drop function if exists beacon_rebuild_time_rollups();
drop index if exists funding_stage_event_occurred;
drop index if exists funding_request_created;`);
  for (const r of [...rollups].reverse()) {
    await runScript(db, `drop function if exists ${r.name}_apply() cascade; drop table if exists ${r.name}`);
  }
  await runScript(db, 'drop function if exists local_day(timestamptz); drop function if exists beacon_tz(); drop table if exists beacon_setting;');
}
