// Frozen in time: never import application code here. "Partners supported" (the distinct partners
// with a payment dated in the period) at a grain the overview can read for a whole fiscal year in a
// few hundred rows: one row per scope, category, calendar year and partner, with that partner's
// payments in each of the year's twelve months (m01 … m12). A period's whole months select the
// partners with a non-zero month inside them — about 2,000 rows a fiscal year at the large profile
// instead of the ~17,000 partner-month rows of rollup_paid_month.
//
// It is kept from rollup_paid_month itself (a statement trigger on its changes), so it has exactly
// that rollup's meaning — payments by the month they occurred in the organisation's time zone — and
// follows whatever changes it: stage events, a request's category or state, the time-zone rebuild
// (which deletes and refills rollup_paid_month, and so this one).
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

const MONTHS = Array.from({ length: 12 }, (_, i) => `m${String(i + 1).padStart(2, '0')}`);

/** Per (scope, category, year, partner): the payments of each month, signed, from one transition table. */
const deltas = (table: string, sign: 1 | -1) => `select scope, category, extract(year from month)::int as year, partner_id,
    ${MONTHS.map((m, i) => `case when extract(month from month) = ${i + 1} then ${sign} * payments else 0 end as ${m}`).join(', ')}
  from ${table}`;

const upsert = (parts: string[]) => `insert into rollup_paid_partner_year as r (scope, category, year, partner_id, ${MONTHS.join(', ')})
    select scope, category, year, partner_id, ${MONTHS.map((m) => `sum(${m})`).join(', ')}
    from (${parts.join(' union all ')}) d
    group by scope, category, year, partner_id order by scope, category, year, partner_id
    on conflict (scope, category, year, partner_id) do update set ${MONTHS.map((m) => `${m} = r.${m} + excluded.${m}`).join(', ')};`;

const UP = String.raw`
create table rollup_paid_partner_year (
  scope text not null check (scope = '*' or scope ~ '^d:[a-z]+(-[a-z]+)*$' or scope ~ '^s:[A-Z]{2}$'),
  category text not null, year integer not null, partner_id bigint not null,
  ${MONTHS.map((m) => `${m} bigint not null default 0`).join(', ')},
  primary key (scope, category, year, partner_id)
) with (fillfactor = 50, autovacuum_vacuum_threshold = 200, autovacuum_vacuum_scale_factor = 0.05,
  autovacuum_analyze_threshold = 200, autovacuum_analyze_scale_factor = 0.05);

create function rollup_paid_partner_year_sync() returns trigger language plpgsql as $fn$
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
create trigger rollup_paid_partner_year_insert after insert on rollup_paid_month
  referencing new table as new_rows for each statement execute function rollup_paid_partner_year_sync();
create trigger rollup_paid_partner_year_update after update on rollup_paid_month
  referencing old table as old_rows new table as new_rows for each statement execute function rollup_paid_partner_year_sync();
create trigger rollup_paid_partner_year_delete after delete on rollup_paid_month
  referencing old table as old_rows for each statement execute function rollup_paid_partner_year_sync();

${upsert([deltas('rollup_paid_month', 1)])}
analyze rollup_paid_partner_year;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, String.raw`
drop trigger if exists rollup_paid_partner_year_insert on rollup_paid_month;
drop trigger if exists rollup_paid_partner_year_update on rollup_paid_month;
drop trigger if exists rollup_paid_partner_year_delete on rollup_paid_month;
drop function if exists rollup_paid_partner_year_sync();
drop table if exists rollup_paid_partner_year;`);
}
