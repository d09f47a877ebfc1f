// Frozen in time: never import application code here. Figures selected by the date of the payment or
// of the stage move (docs/figures.md), not by the request's fiscal-year field:
// - `rollup_paid_month`: payments (moves to `disbursed`) by the month they occurred, per partner,
//   with the units of the request paid — "K9s funded", "Officers trained", partners supported and
//   "Top partners" over any period. Scope and category are the event's (as every event rollup); the
//   partner and the units are the request's now, so the rollup also follows request edits (a second
//   source on funding_request: old rows out, new rows in, joined to their payment event).
// - `rollup_stage_days_month`: moves out of a stage by the month they occurred, with the whole days
//   spent in the stage left — "Time in stage" (median and p90) over any period.
// Category '*' is every category (read when no category filter applies). Both bucket moments by month
// in the organisation's time zone, so beacon_rebuild_time_rollups() now rebuilds them too. The days of
// a period that do not fill a month are read from the base rows (v_paid_days, v_stage_days_moves).
// v_open_request_age gains created_at: the stuck requests are those created in the period.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

interface Source {
  table: string;
  /** A SELECT producing (keys..., measures...) per row of the transition table `{src}`. */
  select: string;
  ops: Array<'INSERT' | 'UPDATE' | 'DELETE'>;
}
interface Rollup {
  name: string;
  keys: string[];
  measures: string[];
  sources: Source[];
}

const SCOPES = `cross join lateral (values ('*'), ('d:' || r.division_code), ('s:' || e.state)) sc(scope)
  cross join lateral (values (e.category::text), ('*')) c(category)`;

function upsert(r: Rollup, parts: string[]): string {
  const keys = r.keys.join(', ');
  return `insert into ${r.name} as r (${keys}, ${r.measures.join(', ')})
    select ${keys}, ${r.measures.map((m) => `sum(sign * ${m})`).join(', ')}
    from (${parts.join(' union all ')}) d
    group by ${keys} order by ${keys}
    on conflict (${keys}) do update set ${r.measures.map((m) => `${m} = r.${m} + excluded.${m}`).join(', ')};`;
}

const part = (s: Source, sign: 1 | -1, table: string) => `select ${sign} as sign, s.* from (${s.select.replaceAll('{src}', table)}) s`;

function rollupSql(r: Rollup): string {
  return r.sources.map((s) => {
    const fn = `${r.name}_${s.table}`;
    const referencing = { INSERT: 'new table as new_rows', UPDATE: 'old table as old_rows new table as new_rows', DELETE: 'old table as old_rows' };
    return `
create function ${fn}() returns trigger language plpgsql as $fn$
begin
  if TG_OP = 'INSERT' then
    ${upsert(r, [part(s, 1, 'new_rows')])}
  elsif TG_OP = 'DELETE' then
    ${upsert(r, [part(s, -1, 'old_rows')])}
  else
    ${upsert(r, [part(s, 1, 'new_rows'), part(s, -1, 'old_rows')])}
  end if;
  return null;
end $fn$;
${s.ops.map((op) => `create trigger ${fn}_${op.toLowerCase()} after ${op.toLowerCase()} on ${s.table}
  referencing ${referencing[op]} for each statement execute function ${fn}();`).join('\n')}`;
  }).join('\n');
}

const rollups: Rollup[] = [
  {
    name: 'rollup_paid_month',
    keys: ['scope', 'category', 'month', 'partner_id'],
    measures: ['payments', 'units'],
    sources: [
      {
        // A payment recorded (events are append-only): the request's partner and units now.
        table: 'funding_stage_event',
        ops: ['INSERT'],
        select: `select sc.scope, c.category, month_start(e.occurred_at) as month, f.partner_id, 1::bigint as payments,
          coalesce(f.units, 0)::bigint as units
          from {src} e join funding_request f on f.id = e.request_id join region r on r.code = e.state ${SCOPES}
          where e.to_stage = 'disbursed'`
      },
      {
        // A request edited (partner, units): its payment moves from the old values to the new ones. The
        // move to `disbursed` itself updates the request too; old and new rows then join the same
        // event and cancel out, so the payment is counted once, by the event's own trigger.
        table: 'funding_request',
        ops: ['UPDATE'],
        select: `select sc.scope, c.category, month_start(e.occurred_at) as month, f.partner_id, 1::bigint as payments,
          coalesce(f.units, 0)::bigint as units
          from {src} f join funding_stage_event e on e.request_id = f.id and e.to_stage = 'disbursed'
          join region r on r.code = e.state ${SCOPES}`
      }
    ]
  },
  {
    name: 'rollup_stage_days_month',
    keys: ['scope', 'category', 'month', 'stage', 'days'],
    measures: ['moves'],
    sources: [
      {
        table: 'funding_stage_event',
        ops: ['INSERT'],
        select: `select sc.scope, c.category, month_start(e.occurred_at) as month, e.from_stage as stage,
          (e.seconds_in_from_stage / 86400)::int as days, 1::bigint as moves
          from {src} e join region r on r.code = e.state ${SCOPES}
          where e.from_stage is not null`
      }
    ]
  }
];

const HOT = `with (fillfactor = 50, autovacuum_vacuum_threshold = 200, autovacuum_vacuum_scale_factor = 0.05,
  autovacuum_analyze_threshold = 200, autovacuum_analyze_scale_factor = 0.05)`;
const SCOPE = `scope text not null check (scope = '*' or scope ~ '^d:[a-z]+(-[a-z]+)*$' or scope ~ '^s:[A-Z]{2}$')`;

const fill = (r: Rollup) => `delete from ${r.name};
  ${upsert(r, [part(r.sources[0], 1, 'funding_stage_event')])}`;

const UP = String.raw`
create table rollup_paid_month (
  ${SCOPE}, category text not null, month date not null, partner_id bigint not null,
  payments bigint not null, units bigint not null,
  primary key (scope, category, month, partner_id)
) ${HOT};
create table rollup_stage_days_month (
  ${SCOPE}, category text not null, month date not null, stage funding_stage not null, days integer not null,
  moves bigint not null,
  primary key (scope, category, month, stage, days)
) ${HOT};

-- The month rollups of migration 03 keep their rebuild; this one adds the two above.
alter function beacon_rebuild_time_rollups() rename to beacon_rebuild_time_rollups_2026_12_03;
create function beacon_rebuild_time_rollups() returns void language plpgsql as $fn$
begin
  perform beacon_rebuild_time_rollups_2026_12_03();
  ${fill(rollups[0])}
  ${fill(rollups[1])}
end $fn$;

create view v_paid_month as
  select scope, category, month, partner_id, payments, units from rollup_paid_month where payments <> 0;
create view v_stage_days_month as
  select scope, category, month, stage, days, moves from rollup_stage_days_month where moves <> 0;

-- Base rows by day, for the days of a period outside its whole months (read by occurred_at ranges
-- through funding_stage_event_occurred).
create view v_paid_days as
  select e.occurred_at, local_day(e.occurred_at) as day, e.category, e.state, r.division_code, f.partner_id,
    coalesce(f.units, 0)::bigint as units
  from funding_stage_event e join funding_request f on f.id = e.request_id join region r on r.code = e.state
  where e.to_stage = 'disbursed';
create view v_stage_days_moves as
  select e.occurred_at, local_day(e.occurred_at) as day, e.from_stage as stage, e.category, e.state, r.division_code,
    (e.seconds_in_from_stage / 86400)::int as days
  from funding_stage_event e join region r on r.code = e.state
  where e.from_stage is not null;

create or replace view v_open_request_age as
  select f.id, f.title, f.stage, f.category, f.fiscal_year, f.state, r.division_code, p.name as partner_name,
    f.requested_cents, f.approved_cents, f.stage_entered_at, f.created_at
  from funding_request f join region r on r.code = f.state join partner p on p.id = f.partner_id
  where f.stage in ('intake', 'vetting', 'approved');
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
  for (const r of rollups) await runScript(db, rollupSql(r));
  await runScript(db, `${fill(rollups[0])} ${fill(rollups[1])} analyze rollup_paid_month; analyze rollup_stage_days_month;`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, String.raw`
drop view v_open_request_age;
create view v_open_request_age as
  select f.id, f.title, f.stage, f.category, f.fiscal_year, f.state, r.division_code, p.name as partner_name,
    f.requested_cents, f.approved_cents, f.stage_entered_at
  from funding_request f join region r on r.code = f.state join partner p on p.id = f.partner_id
  where f.stage in ('intake', 'vetting', 'approved');
drop view if exists v_stage_days_moves, v_paid_days, v_stage_days_month, v_paid_month;
drop function if exists beacon_rebuild_time_rollups();
alter function beacon_rebuild_time_rollups_2026_12_03() rename to beacon_rebuild_time_rollups;`);
  for (const r of [...rollups].reverse()) {
    const fns = r.sources.map((s) => `drop function if exists ${r.name}_${s.table}() cascade;`).join(' ');
    await runScript(db, `${fns} drop table if exists ${r.name}`);
  }
}
