// Frozen in time: never import application code here. The organisation's time zone as a constant.
//
// beacon_tz() used to read beacon_setting (`select time_zone from beacon_setting`). A function with a
// sub-select cannot be inlined, so every month-bucketed rollup trigger called it — through
// month_start(timestamptz) → local_day() — once per row (per scope and category row, six per stage
// event), and the planner could not see the zone. It is now regenerated as a constant SQL function
// (`select 'America/New_York'::text`) whenever beacon_setting's zone is written, by a trigger on that
// table, so beacon_set_time_zone() (change the zone, rebuild the month rollups, one transaction) and
// a restore of the setting row both keep it right. Inlined, month_start(t) becomes
// `date_trunc('month', (t at time zone '<zone>')::date)` in each statement's plan; a plan cached before
// a change is invalidated with the function (Postgres records inlined functions as plan dependencies).
//
// Measured on Postgres 15 (bench/import-explain.ts: one 2,000-row statement each, rolled back): inserting
// 2,000 requests 815–1,053 ms → 472 ms, 2,000 stage moves 1,070–1,290 ms → 514–561 ms.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

const UP = String.raw`
create function beacon_tz_regenerate(tz text) returns void language plpgsql as $fn$
begin
  -- The zone is a value Postgres knows (beacon_set_time_zone checks it first); quote_literal keeps it a literal.
  execute format('create or replace function beacon_tz() returns text stable parallel safe language sql as %L',
    'select ' || quote_literal(coalesce(tz, 'America/New_York')) || '::text');
end $fn$;

create function beacon_setting_tz() returns trigger language plpgsql as $fn$
begin
  perform beacon_tz_regenerate(new.time_zone);
  return null;
end $fn$;

create trigger beacon_setting_tz after insert or update of time_zone on beacon_setting
  for each row execute function beacon_setting_tz();

select beacon_tz_regenerate((select time_zone from beacon_setting));
`;

const DOWN = String.raw`
drop trigger if exists beacon_setting_tz on beacon_setting;
drop function if exists beacon_setting_tz();
drop function if exists beacon_tz_regenerate(text);
create or replace function beacon_tz() returns text stable parallel safe language sql
  as $$select coalesce((select time_zone from beacon_setting), 'America/New_York')$$;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}
