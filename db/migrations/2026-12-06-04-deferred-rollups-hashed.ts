// Frozen in time: never import application code here. The deferred month rollups of an import
// (2026-12-06-03) find the import's requests by a hashed set, not `= any(array)`.
//
// beacon_apply_deferred_time_rollups matched every stage event against the array of added request ids
// with `request_id = any(added)` — a linear scan of the array per event: for 100,000 requests and
// 320,000 events, 3.2 × 10^10 comparisons (the apply took 116 s of a 226 s import on Postgres). The
// same functions now use `in (select unnest(…))`, which the planner hashes or joins.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

/** The deferred triggers (tg: pg_trigger, c: its table). */
const DEFERRED = `c.relname in ('funding_request', 'funding_stage_event') and (
  tg.tgname like 'rollup\\_request\\_month\\_%' or tg.tgname like 'rollup\\_move\\_month\\_%'
  or tg.tgname like 'rollup\\_stage\\_throughput\\_%' or tg.tgname like 'rollup\\_throughput\\_scope\\_%'
  or tg.tgname like 'rollup\\_stage\\_days\\_month\\_%' or tg.tgname like 'rollup\\_paid\\_month\\_%'
  or tg.tgname like 'rollup\\_paid\\_units\\_month\\_%')`;

const UP = String.raw`
create or replace function beacon_defer_time_rollups(existing bigint[]) returns void language plpgsql as $fn$
begin
  if beacon_time_rollups_deferred() then
    raise exception 'the month rollups are already deferred in this transaction';
  end if;
  perform 1 from funding_request where id in (select unnest(existing)) order by id for update;
  drop table if exists pg_temp.beacon_deferred_requests;
  create temp table beacon_deferred_requests on commit drop as select * from funding_request where id in (select unnest(existing));
  perform set_config('beacon.deferred_since_event', coalesce((select max(id) from funding_stage_event), 0)::text, true);
  perform set_config('beacon.defer_time_rollups', pg_current_xact_id()::text, true);
end $fn$;

create or replace function beacon_apply_deferred_time_rollups(added bigint[]) returns void language plpgsql as $fn$
declare
  trg record;
  cols text;
  since bigint;
  mem text := current_setting('work_mem');
begin
  if not beacon_time_rollups_deferred() then
    raise exception 'the month rollups are not deferred in this transaction';
  end if;
  since := current_setting('beacon.deferred_since_event')::bigint;
  perform set_config('beacon.defer_time_rollups', '', true);
  -- One aggregation over every row the import wrote: let it hash in memory (restored below).
  perform set_config('work_mem', '64MB', true);
  drop table if exists pg_temp.beacon_replay_events;
  drop table if exists pg_temp.beacon_replay_requests;
  create temp table beacon_replay_events (like funding_stage_event) on commit drop;
  create temp table beacon_replay_requests (like funding_request) on commit drop;
  insert into beacon_replay_requests select * from beacon_deferred_requests;
  -- Copies of the deferred triggers (same names, so the same order; without the WHEN).
  for trg in select tg.oid, c.relname from pg_trigger tg join pg_class c on c.oid = tg.tgrelid
    where not tg.tgisinternal and ${DEFERRED} order by 1
  loop
    execute regexp_replace(
      regexp_replace(pg_get_triggerdef(trg.oid), ' ON (public\.)?' || trg.relname || ' ',
        ' ON pg_temp.' || case trg.relname when 'funding_request' then 'beacon_replay_requests' else 'beacon_replay_events' end || ' '),
      ' WHEN \(.*\) EXECUTE FUNCTION ', ' EXECUTE FUNCTION ');
  end loop;
  insert into beacon_replay_events select e.* from funding_stage_event e
    where e.id > since and (e.request_id in (select unnest(added)) or e.request_id in (select id from beacon_deferred_requests));
  insert into beacon_replay_requests select * from funding_request where id in (select unnest(added));
  select string_agg(format('%I = f.%I', attname, attname), ', ' order by attnum) into cols
    from pg_attribute where attrelid = 'funding_request'::regclass and attnum > 0 and not attisdropped;
  execute format('update beacon_replay_requests b set %s from funding_request f where f.id = b.id and b.id in (select id from beacon_deferred_requests)', cols);
  drop table beacon_replay_events, beacon_replay_requests, beacon_deferred_requests;
  perform set_config('work_mem', mem, true);
end $fn$;
`;

const DOWN = String.raw`
create or replace function beacon_defer_time_rollups(existing bigint[]) returns void language plpgsql as $fn$
begin
  if beacon_time_rollups_deferred() then
    raise exception 'the month rollups are already deferred in this transaction';
  end if;
  perform 1 from funding_request where id = any(existing) order by id for update;
  drop table if exists pg_temp.beacon_deferred_requests;
  create temp table beacon_deferred_requests on commit drop as select * from funding_request where id = any(existing);
  perform set_config('beacon.deferred_since_event', coalesce((select max(id) from funding_stage_event), 0)::text, true);
  perform set_config('beacon.defer_time_rollups', pg_current_xact_id()::text, true);
end $fn$;

create or replace function beacon_apply_deferred_time_rollups(added bigint[]) returns void language plpgsql as $fn$
declare
  trg record;
  cols text;
  since bigint;
  mem text := current_setting('work_mem');
begin
  if not beacon_time_rollups_deferred() then
    raise exception 'the month rollups are not deferred in this transaction';
  end if;
  since := current_setting('beacon.deferred_since_event')::bigint;
  perform set_config('beacon.defer_time_rollups', '', true);
  -- One aggregation over every row the import wrote: let it hash in memory (restored below).
  perform set_config('work_mem', '64MB', true);
  drop table if exists pg_temp.beacon_replay_events;
  drop table if exists pg_temp.beacon_replay_requests;
  create temp table beacon_replay_events (like funding_stage_event) on commit drop;
  create temp table beacon_replay_requests (like funding_request) on commit drop;
  insert into beacon_replay_requests select * from beacon_deferred_requests;
  -- Copies of the deferred triggers (same names, so the same order; without the WHEN).
  for trg in select tg.oid, c.relname from pg_trigger tg join pg_class c on c.oid = tg.tgrelid
    where not tg.tgisinternal and ${DEFERRED} order by 1
  loop
    execute regexp_replace(
      regexp_replace(pg_get_triggerdef(trg.oid), ' ON (public\.)?' || trg.relname || ' ',
        ' ON pg_temp.' || case trg.relname when 'funding_request' then 'beacon_replay_requests' else 'beacon_replay_events' end || ' '),
      ' WHEN \(.*\) EXECUTE FUNCTION ', ' EXECUTE FUNCTION ');
  end loop;
  insert into beacon_replay_events select e.* from funding_stage_event e
    where e.id > since and (e.request_id = any(added) or e.request_id in (select id from beacon_deferred_requests));
  insert into beacon_replay_requests select * from funding_request where id = any(added);
  select string_agg(format('%I = f.%I', attname, attname), ', ' order by attnum) into cols
    from pg_attribute where attrelid = 'funding_request'::regclass and attnum > 0 and not attisdropped;
  execute format('update beacon_replay_requests b set %s from funding_request f where f.id = b.id and b.id in (select id from beacon_deferred_requests)', cols);
  drop table beacon_replay_events, beacon_replay_requests, beacon_deferred_requests;
  perform set_config('work_mem', mem, true);
end $fn$;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}
