// Frozen in time: never import application code here. Stage moves (approvals, payments) at a grain the
// overview reads for a whole fiscal year in a few dozen rows: one row per scope, category, stage moved
// to and calendar year, with that year's moves (m01 … m12) and money moved (a01 … a12) month by month.
// A period's whole months sum the columns of their months: a fiscal year's moves by category read ~70
// rows instead of ~840 month rows, the tile map's money paid per state 64 instead of ~770.
//
// It is kept from rollup_move_month itself (a statement trigger on its changes, as
// rollup_paid_partner_year is kept from rollup_paid_month), so it has exactly that rollup's meaning —
// moves by the month they occurred in the organisation's time zone, the amount each moved — and follows
// whatever changes it: stage events, corrections, a request's category or state, the time-zone rebuild.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

const MONTHS = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, '0'));
const MOVES = MONTHS.map((m) => `m${m}`);
const AMOUNTS = MONTHS.map((m) => `a${m}`);

/** Per (scope, category, to_stage, year): each month's moves and amount, signed, from one transition table. */
const deltas = (table: string, sign: 1 | -1) => `select scope, category, to_stage, extract(year from month)::int as year,
    ${MONTHS.map((m, i) => `case when extract(month from month) = ${i + 1} then ${sign} * moves else 0 end as m${m}`).join(', ')},
    ${MONTHS.map((m, i) => `case when extract(month from month) = ${i + 1} then ${sign} * amount_cents else 0 end as a${m}`).join(', ')}
  from ${table}`;

const COLUMNS = [...MOVES, ...AMOUNTS];
const upsert = (parts: string[]) => `insert into rollup_move_year as r (scope, category, to_stage, year, ${COLUMNS.join(', ')})
    select scope, category, to_stage, year, ${COLUMNS.map((c) => `sum(${c})`).join(', ')}
    from (${parts.join(' union all ')}) d
    group by scope, category, to_stage, year order by scope, category, to_stage, year
    on conflict (scope, category, to_stage, year) do update set ${COLUMNS.map((c) => `${c} = r.${c} + excluded.${c}`).join(', ')};`;

const UP = String.raw`
create table rollup_move_year (
  scope text not null check (scope = '*' or scope ~ '^d:[a-z]+(-[a-z]+)*$' or scope ~ '^s:[A-Z]{2}$'),
  category text not null, to_stage funding_stage not null, year integer not null,
  ${COLUMNS.map((c) => `${c} bigint not null default 0`).join(', ')},
  primary key (scope, category, to_stage, year)
) with (fillfactor = 50, autovacuum_vacuum_threshold = 200, autovacuum_vacuum_scale_factor = 0.05,
  autovacuum_analyze_threshold = 200, autovacuum_analyze_scale_factor = 0.05);
-- The tile map: one stage and category of one year, every state scope side by side.
create index rollup_move_year_by_stage on rollup_move_year (to_stage, category, year, scope);

create function rollup_move_year_sync() returns trigger language plpgsql as $fn$
begin
  if TG_OP = 'INSERT' then
    ${upsert([deltas('new_rows', 1)])}
  elsif TG_OP = 'DELETE' then
    ${upsert([deltas('old_rows', -1)])}
  else
    ${upsert([deltas('new_rows', 1), deltas('old_rows', -1)])}
  end if;
  return null;
end $fn$;
create trigger rollup_move_year_insert after insert on rollup_move_month
  referencing new table as new_rows for each statement execute function rollup_move_year_sync();
create trigger rollup_move_year_update after update on rollup_move_month
  referencing old table as old_rows new table as new_rows for each statement execute function rollup_move_year_sync();
create trigger rollup_move_year_delete after delete on rollup_move_month
  referencing old table as old_rows for each statement execute function rollup_move_year_sync();

${upsert([deltas('rollup_move_month', 1)])}
analyze rollup_move_year;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, String.raw`
drop trigger if exists rollup_move_year_insert on rollup_move_month;
drop trigger if exists rollup_move_year_update on rollup_move_month;
drop trigger if exists rollup_move_year_delete on rollup_move_month;
drop function if exists rollup_move_year_sync();
drop table if exists rollup_move_year;`);
}
