// Frozen in time: never import application code here. The overview's delivered units (K9s deployed,
// devices received…) at the grain it reads them: units and lines delivered per scope, request
// category, item and month of the delivery day — a few hundred rows a fiscal year — instead of every
// delivered in-kind line joined to its request (about 20,000 a fiscal year at the large profile, which
// cost the overview read ~200 ms once the seed wrote in-kind deliveries).
//
// Same meaning as reading the base tables: an in-kind line counts in the month of its `delivered_on`
// (a calendar day, so no time zone is involved and beacon_rebuild_time_rollups() need not refill it),
// under its request's category and its request's state (scope '*', its division, its state). Kept
// by statement triggers: a line added, edited (day, units, item, undelivered) or removed, and a
// request whose category or state changes (its delivered lines move with it).
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

const KEYS = 'scope, category, item, month';

/** Per delivered line of `lines` (joined to its request as `f`): one row per scope it counts in. */
const perScope = (sign: 1 | -1, lines: string, requests: string) => `select ${sign} as sign, sc.scope, f.category::text as category, l.item,
    date_trunc('month', l.delivered_on)::date as month, l.units::bigint as units
  from ${lines} l join ${requests} f on f.id = l.request_id join region r on r.code = f.state
  cross join lateral (values ('*'), ('d:' || r.division_code), ('s:' || f.state)) sc(scope)
  where l.delivered_on is not null`;

const upsert = (parts: string[]) => `insert into rollup_delivered_units_month as r (${KEYS}, lines, units)
    select ${KEYS}, sum(sign), sum(sign * units)
    from (${parts.join(' union all ')}) d
    group by ${KEYS} order by ${KEYS}
    on conflict (${KEYS}) do update set lines = r.lines + excluded.lines, units = r.units + excluded.units;`;

const UP = String.raw`
create table rollup_delivered_units_month (
  scope text not null check (scope = '*' or scope ~ '^d:[a-z]+(-[a-z]+)*$' or scope ~ '^s:[A-Z]{2}$'),
  category text not null, item text not null, month date not null, lines bigint not null, units bigint not null,
  primary key (${KEYS})
) with (fillfactor = 50, autovacuum_vacuum_threshold = 200, autovacuum_vacuum_scale_factor = 0.05,
  autovacuum_analyze_threshold = 200, autovacuum_analyze_scale_factor = 0.05);

create function rollup_delivered_units_month_line() returns trigger language plpgsql as $fn$
begin
  if TG_OP = 'INSERT' then
    ${upsert([perScope(1, 'new_rows', 'funding_request')])}
  elsif TG_OP = 'DELETE' then
    ${upsert([perScope(-1, 'old_rows', 'funding_request')])}
  else
    ${upsert([perScope(1, 'new_rows', 'funding_request'), perScope(-1, 'old_rows', 'funding_request')])}
  end if;
  return null;
end $fn$;
create trigger rollup_delivered_units_month_line_insert after insert on funding_in_kind_line
  referencing new table as new_rows for each statement execute function rollup_delivered_units_month_line();
create trigger rollup_delivered_units_month_line_update after update on funding_in_kind_line
  referencing old table as old_rows new table as new_rows for each statement execute function rollup_delivered_units_month_line();
create trigger rollup_delivered_units_month_line_delete after delete on funding_in_kind_line
  referencing old table as old_rows for each statement execute function rollup_delivered_units_month_line();

-- A request's category or state changed: its delivered lines leave the old scope and category and
-- join the new. Every other request update (stage moves, versions, touches) changes nothing here.
create function rollup_delivered_units_month_request() returns trigger language plpgsql as $fn$
begin
  if not exists (select 1 from new_rows n join old_rows o on o.id = n.id
      where n.category is distinct from o.category or n.state is distinct from o.state) then
    return null;
  end if;
  with moved_new as (select n.* from new_rows n join old_rows o on o.id = n.id
      where n.category is distinct from o.category or n.state is distinct from o.state),
    moved_old as (select o.* from old_rows o join new_rows n on n.id = o.id
      where n.category is distinct from o.category or n.state is distinct from o.state)
  ${upsert([perScope(1, 'funding_in_kind_line', 'moved_new'), perScope(-1, 'funding_in_kind_line', 'moved_old')])}
  return null;
end $fn$;
create trigger rollup_delivered_units_month_request after update on funding_request
  referencing old table as old_rows new table as new_rows for each statement execute function rollup_delivered_units_month_request();

${upsert([perScope(1, 'funding_in_kind_line', 'funding_request')])}
analyze rollup_delivered_units_month;

-- The days at a period's edges are read from the lines themselves.
create index funding_in_kind_line_delivered on funding_in_kind_line (delivered_on) where delivered_on is not null;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, String.raw`
drop index if exists funding_in_kind_line_delivered;
drop trigger if exists rollup_delivered_units_month_request on funding_request;
drop function if exists rollup_delivered_units_month_request();
drop trigger if exists rollup_delivered_units_month_line_insert on funding_in_kind_line;
drop trigger if exists rollup_delivered_units_month_line_update on funding_in_kind_line;
drop trigger if exists rollup_delivered_units_month_line_delete on funding_in_kind_line;
drop function if exists rollup_delivered_units_month_line();
drop table if exists rollup_delivered_units_month;`);
}
