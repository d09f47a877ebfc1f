// Frozen in time: never import application code here. beacon_tz() generated STRICT as well.
//
// 2026-12-06-01 made beacon_tz() a constant, but left it non-strict; local_day(t) and
// month_start(timestamptz) are strict, and Postgres inlines a strict SQL function only if its body
// holds strict calls alone — so local_day() was still called per row (the plan showed
// `month_start(local_day(created_at))`). A function without arguments loses nothing by being strict;
// now the month of a moment plans as `(t at time zone '<zone>')::date - (extract(day …) - 1)`.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

const regenerate = (strict: string) => String.raw`
create or replace function beacon_tz_regenerate(tz text) returns void language plpgsql as $fn$
begin
  -- The zone is a value Postgres knows (beacon_set_time_zone checks it first); quote_literal keeps it a literal.
  execute format('create or replace function beacon_tz() returns text stable ${strict}parallel safe language sql as %L',
    'select ' || quote_literal(coalesce(tz, 'America/New_York')) || '::text');
end $fn$;
select beacon_tz_regenerate((select time_zone from beacon_setting));
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, regenerate('strict '));
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, regenerate(''));
}
