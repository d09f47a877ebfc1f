// Frozen in time: never import application code here. Month rollups deferred to the end of an import.
//
// A large import writes every request and stage event through the same guards as the app (row
// triggers), in statements of thousands of rows; the month-bucketed rollups (scope × category ×
// month, kept per statement) were most of its cost, as each statement upserted its own keys again.
// An import may now defer them for its transaction and apply them once at its end:
//
// - beacon_defer_time_rollups(existing ids): locks the existing requests the import will move (so no
//   other transaction moves them meanwhile), keeps their rows as they are, notes the last stage event,
//   and sets beacon.defer_time_rollups to the transaction's id — the deferred triggers' WHEN condition
//   (a value left on a session can never skip another transaction's rollups).
// - beacon_apply_deferred_time_rollups(added ids): fires the SAME trigger functions once, over the net
//   change — every stage event the import wrote (an insert), every request it added (an insert, as it
//   is now), every existing request it moved (an update, from the row kept at the start to the row now)
//   — through temporary tables that carry copies of the deferred triggers. The rollups are sums over
//   rows, so the result equals the statement-by-statement one (tests/integration/imports.test.ts
//   checks it against that and against a rebuild from the base rows). Refuses if nothing was deferred.
//
// Deferred: the triggers on funding_request / funding_stage_event of the rollups that
// beacon_rebuild_time_rollups() refills (request_month, move_month, stage_throughput,
// throughput_scope, stage_days_month, paid_month, paid_units_month). Guards, change_log and the
// other rollups run per statement as before.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

/** The deferred triggers (tg: pg_trigger, c: its table). */
const DEFERRED = `c.relname in ('funding_request', 'funding_stage_event') and (
  tg.tgname like 'rollup\\_request\\_month\\_%' or tg.tgname like 'rollup\\_move\\_month\\_%'
  or tg.tgname like 'rollup\\_stage\\_throughput\\_%' or tg.tgname like 'rollup\\_throughput\\_scope\\_%'
  or tg.tgname like 'rollup\\_stage\\_days\\_month\\_%' or tg.tgname like 'rollup\\_paid\\_month\\_%'
  or tg.tgname like 'rollup\\_paid\\_units\\_month\\_%')`;

const UP = String.raw`
create function beacon_time_rollups_deferred() returns boolean stable language sql
  as $$select coalesce(current_setting('beacon.defer_time_rollups', true), '') = pg_current_xact_id()::text$$;

do $do$
declare
  trg record;
  def text;
begin
  for trg in select tg.oid, tg.tgname, c.relname from pg_trigger tg join pg_class c on c.oid = tg.tgrelid
    where not tg.tgisinternal and ${DEFERRED} order by 1
  loop
    def := pg_get_triggerdef(trg.oid);
    if def ~ ' WHEN ' then
      raise exception 'trigger % already has a WHEN condition', trg.tgname;
    end if;
    execute format('drop trigger %I on %I', trg.tgname, trg.relname);
    execute replace(def, ' EXECUTE FUNCTION ', ' WHEN (NOT beacon_time_rollups_deferred()) EXECUTE FUNCTION ');
  end loop;
end $do$;

create function beacon_defer_time_rollups(existing bigint[]) returns void language plpgsql as $fn$
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

create function beacon_apply_deferred_time_rollups(added bigint[]) returns void language plpgsql as $fn$
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

const DOWN = String.raw`
drop function if exists beacon_apply_deferred_time_rollups(bigint[]);
drop function if exists beacon_defer_time_rollups(bigint[]);
do $do$
declare
  trg record;
  def text;
begin
  for trg in select tg.oid, tg.tgname, c.relname from pg_trigger tg join pg_class c on c.oid = tg.tgrelid
    where not tg.tgisinternal and ${DEFERRED} order by 1
  loop
    def := pg_get_triggerdef(trg.oid);
    execute format('drop trigger %I on %I', trg.tgname, trg.relname);
    execute regexp_replace(def, ' WHEN \(.*\) EXECUTE FUNCTION ', ' EXECUTE FUNCTION ');
  end loop;
end $do$;
drop function if exists beacon_time_rollups_deferred();
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}
