// Frozen in time: never import application code here. A request import writes each new request at
// its final stage together with its whole stage history, and the database judges them set-based.
//
// An import of 100,000 requests with their history took most of its time in per-row work: the
// row-level guards (a plpgsql call and lookups per request and per event), the k-th moves in rounds
// (each round UPDATEs the moved requests, and that UPDATE runs the request rollups and change_log
// again), and the month rollups, whose trigger functions fan every event out to 6 scope × category
// rows before grouping them.
//
// Import mode: beacon.import = the transaction's id (beacon_importing(); a value left on a session
// never applies to another transaction). In import mode:
//  - the row-level guards on INSERT (funding_request_guard on insert, funding_stage_event_apply and
//    _fill_amount) and the statement-level funding_request_open_history / funding_stage_event_move
//    do not run; UPDATE and DELETE are guarded as always;
//  - instead, two statement-level checks run over the statement's rows (transition tables), and
//    refuse what the row guards would refuse, whoever the caller is (setting the flag by hand only
//    swaps the per-row checks for the set-based ones):
//      funding_request_import_check: every new request has its stage history (written in the same
//        statement: its events' check below then judges it);
//      funding_stage_event_import_check: every request an event was added to, its whole history in
//        the order written: opens with one "intake" event and nothing before it; each move leaves the
//        stage the previous one reached, is an allowed move, is not dated before it, carries the
//        request's category, state and fiscal year and the seconds since the previous move; approvals
//        and payments carry an amount above zero and others none; approvals and payments only for a
//        vetted partner, approvals only within its vetted-until date; moves only (no payments or
//        corrections); and the request row is what its history gives — stage, stage entered, created,
//        approved and disbursed amounts, its partner's state, updated = stage entered, version = 1 +
//        moves (what the app's writes give). A request stored earlier cannot pass: it is not moved in
//        import mode, so its row no longer matches its history.
//
// The month rollups of an import (beacon_apply_deferred_time_rollups, 2026-12-06-03/-04): the
// requests the import added and their events are now added to the rollups set-based — each rollup
// grouped once with GROUPING SETS over state, division and everything, category and all categories
// (one pass over the rows instead of a 6-fold fan-out), and inserted in key order; the stored
// requests an import moved still go through the replay of the trigger functions, as before.
// tests/integration/import-rollups.test.ts compares the result with statement-by-statement writes and
// with beacon_rebuild_time_rollups().
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

/** The deferred triggers (tg: pg_trigger, c: its table), as in 2026-12-06-03. */
const DEFERRED = `c.relname in ('funding_request', 'funding_stage_event') and (
  tg.tgname like 'rollup\\_request\\_month\\_%' or tg.tgname like 'rollup\\_move\\_month\\_%'
  or tg.tgname like 'rollup\\_stage\\_throughput\\_%' or tg.tgname like 'rollup\\_throughput\\_scope\\_%'
  or tg.tgname like 'rollup\\_stage\\_days\\_month\\_%' or tg.tgname like 'rollup\\_paid\\_month\\_%'
  or tg.tgname like 'rollup\\_paid\\_units\\_month\\_%')`;

/** scope / category of a row grouped by GROUPING SETS over (state | division | all) × (category | all); x: the event, rg: its region. */
const SCOPE = `case when grouping(x.state) = 0 then 's:' || x.state when grouping(rg.division_code) = 0 then 'd:' || rg.division_code else '*' end`;
const CATEGORY = `case when grouping(x.category) = 0 then x.category::text else '*' end`;
/** The six grouping sets of the scope × category fan-out, each with the extra keys `k`. */
const SIX = (k: string) => `grouping sets ((${k}, x.state, x.category), (${k}, x.state), (${k}, rg.division_code, x.category),
    (${k}, rg.division_code), (${k}, x.category), (${k}))`;

const APPLY = String.raw`
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

  -- The requests the import added, and every event written since the deferral for them: inserts.
  drop table if exists pg_temp.beacon_added_requests;
  drop table if exists pg_temp.beacon_added_events;
  create temp table beacon_added_requests on commit drop as select f.* from funding_request f where f.id in (select unnest(added));
  create temp table beacon_added_events on commit drop as
    select e.* from funding_stage_event e where e.id > since and e.request_id in (select id from beacon_added_requests);

  insert into rollup_request_month as r (scope, month, stage, category, request_count, requested_cents, approved_cents, disbursed_cents)
  select * from (
    select ${SCOPE}, month_start(x.created_at), x.stage, x.category, count(*), sum(x.requested_cents), sum(x.approved_cents), sum(x.disbursed_cents)
    from beacon_added_requests x join region rg on rg.code = x.state
    group by grouping sets ((month_start(x.created_at), x.stage, x.category, x.state), (month_start(x.created_at), x.stage, x.category, rg.division_code),
      (month_start(x.created_at), x.stage, x.category))) g
  order by 1, 2, 3, 4
  on conflict (scope, month, stage, category) do update set request_count = r.request_count + excluded.request_count,
    requested_cents = r.requested_cents + excluded.requested_cents, approved_cents = r.approved_cents + excluded.approved_cents,
    disbursed_cents = r.disbursed_cents + excluded.disbursed_cents;

  -- Moves per scope, category, month and stage: rollup_move_month and rollup_throughput_scope hold the same figures.
  drop table if exists pg_temp.beacon_added_moves;
  create temp table beacon_added_moves on commit drop as
    select ${SCOPE} as scope, ${CATEGORY} as category, month_start(x.occurred_at) as month, x.to_stage,
      sum((x.kind <> 'correction')::int::bigint) as moves, sum(coalesce(x.amount_cents, 0)::bigint) as amount_cents
    from beacon_added_events x join region rg on rg.code = x.state
    group by ${SIX('month_start(x.occurred_at), x.to_stage')};
  insert into rollup_move_month as r (scope, category, month, to_stage, moves, amount_cents)
  select scope, category, month, to_stage, moves, amount_cents from beacon_added_moves order by 1, 2, 3, 4
  on conflict (scope, category, month, to_stage) do update set moves = r.moves + excluded.moves, amount_cents = r.amount_cents + excluded.amount_cents;
  insert into rollup_throughput_scope as r (month, scope, to_stage, category, moves, amount_cents)
  select month, scope, to_stage, category, moves, amount_cents from beacon_added_moves order by 1, 2, 3, 4
  on conflict (month, scope, to_stage, category) do update set moves = r.moves + excluded.moves, amount_cents = r.amount_cents + excluded.amount_cents;
  drop table beacon_added_moves;

  insert into rollup_stage_throughput as r (month, to_stage, fiscal_year, category, state, moves, amount_cents)
  select month_start(occurred_at), to_stage, fiscal_year, category, state, sum((kind <> 'correction')::int::bigint), sum(coalesce(amount_cents, 0))
  from beacon_added_events group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
  on conflict (month, to_stage, fiscal_year, category, state) do update set moves = r.moves + excluded.moves, amount_cents = r.amount_cents + excluded.amount_cents;

  insert into rollup_stage_days_month as r (scope, category, month, stage, days, moves)
  select * from (
    select ${SCOPE}, ${CATEGORY}, month_start(x.occurred_at), x.from_stage, (x.seconds_in_from_stage / 86400)::int, count(*)
    from beacon_added_events x join region rg on rg.code = x.state
    where x.from_stage is not null
    group by ${SIX('month_start(x.occurred_at), x.from_stage, (x.seconds_in_from_stage / 86400)::int')}) g
  order by 1, 2, 3, 4, 5
  on conflict (scope, category, month, stage, days) do update set moves = r.moves + excluded.moves;

  insert into rollup_paid_month as r (scope, category, month, partner_id, payments, units)
  select * from (
    select ${SCOPE}, ${CATEGORY}, month_start(x.occurred_at), f.partner_id, count(*), sum(coalesce(f.units, 0)::bigint)
    from beacon_added_events x join beacon_added_requests f on f.id = x.request_id join region rg on rg.code = x.state
    where x.to_stage = 'disbursed' and x.kind = 'move'
    group by ${SIX('month_start(x.occurred_at), f.partner_id')}) g
  order by 1, 2, 3, 4
  on conflict (scope, category, month, partner_id) do update set payments = r.payments + excluded.payments, units = r.units + excluded.units;

  insert into rollup_paid_units_month as r (scope, category, month, payments, units)
  select * from (
    select ${SCOPE}, ${CATEGORY}, month_start(x.occurred_at), count(*), sum(coalesce(f.units, 0)::bigint)
    from beacon_added_events x join beacon_added_requests f on f.id = x.request_id join region rg on rg.code = x.state
    where x.to_stage = 'disbursed' and x.kind = 'move'
    group by ${SIX('month_start(x.occurred_at)')}) g
  order by 1, 2, 3
  on conflict (scope, category, month) do update set payments = r.payments + excluded.payments, units = r.units + excluded.units;
  drop table beacon_added_events, beacon_added_requests;

  -- The stored requests the import moved: the deferred trigger functions, replayed over the net change.
  if exists (select 1 from beacon_deferred_requests) then
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
      where e.id > since and e.request_id in (select id from beacon_deferred_requests);
    select string_agg(format('%I = f.%I', attname, attname), ', ' order by attnum) into cols
      from pg_attribute where attrelid = 'funding_request'::regclass and attnum > 0 and not attisdropped;
    execute format('update beacon_replay_requests b set %s from funding_request f where f.id = b.id', cols);
    drop table beacon_replay_events, beacon_replay_requests;
  end if;
  drop table beacon_deferred_requests;
  perform set_config('work_mem', mem, true);
end $fn$;
`;

const UP = String.raw`
create function beacon_importing() returns boolean stable language sql
  as $$select coalesce(current_setting('beacon.import', true), '') = pg_current_xact_id()::text$$;

drop trigger funding_request_guard on funding_request;
create trigger funding_request_guard before update or delete on funding_request
  for each row execute function funding_request_guard();
create trigger funding_request_guard_insert before insert on funding_request
  for each row when (not beacon_importing()) execute function funding_request_guard();

drop trigger funding_request_open_history on funding_request;
create trigger funding_request_open_history after insert on funding_request referencing new table as new_rows
  for each statement when (not beacon_importing()) execute function funding_request_open_history();

drop trigger funding_stage_event_apply on funding_stage_event;
create trigger funding_stage_event_apply before insert on funding_stage_event
  for each row when (new.kind = 'move' and not beacon_importing()) execute function funding_stage_event_apply();
drop trigger funding_stage_event_fill_amount on funding_stage_event;
create trigger funding_stage_event_fill_amount before insert on funding_stage_event
  for each row when (new.kind = 'move' and not beacon_importing()) execute function funding_stage_event_fill_amount();
drop trigger funding_stage_event_move on funding_stage_event;
create trigger funding_stage_event_move after insert on funding_stage_event referencing new table as new_rows
  for each statement when (not beacon_importing()) execute function funding_stage_event_move();

create function funding_request_import_check() returns trigger language plpgsql as $fn$
declare
  missing bigint;
begin
  select n.id into missing from new_rows n
    where not exists (select 1 from funding_stage_event e where e.request_id = n.id) limit 1;
  if found then
    raise exception 'an imported funding request (request %) is written with its stage history, in the same statement', missing
      using errcode = 'check_violation';
  end if;
  return null;
end $fn$;
create trigger funding_request_import_check after insert on funding_request referencing new table as new_rows
  for each statement when (beacon_importing()) execute function funding_request_import_check();

create function funding_stage_event_import_check() returns trigger language plpgsql as $fn$
declare
  bad record;
begin
  if exists (select 1 from new_rows where kind <> 'move') then
    raise exception 'an import records stage moves only: payments and corrections are recorded in the app'
      using errcode = 'check_violation';
  end if;
  -- Every event of every request the statement added to, in the order written.
  drop table if exists pg_temp.beacon_import_history;
  create temp table beacon_import_history on commit drop as
    select e.id, e.request_id, e.from_stage, e.to_stage, e.amount_cents, e.occurred_at, e.category, e.state, e.fiscal_year,
      e.seconds_in_from_stage, lag(e.to_stage) over w as prev_stage, lag(e.occurred_at) over w as prev_at,
      row_number() over w as n, count(*) over (partition by e.request_id) as total
    from funding_stage_event e where e.request_id in (select request_id from new_rows)
    window w as (partition by e.request_id order by e.id);

  select h.*, f.category as f_category, f.state as f_state, f.fiscal_year as f_fiscal_year,
      p.name as partner_name, p.vetting_status, p.vetted_until,
      case
        when h.n = 1 and (h.from_stage is not null or h.to_stage <> 'intake') then 'opening'
        when h.n > 1 and h.from_stage is null then 'opening'
        when h.n > 1 and h.from_stage <> h.prev_stage then 'moved'
        when h.n > 1 and not funding_stage_move_allowed(h.from_stage, h.to_stage) then 'order'
        when h.n > 1 and h.occurred_at < h.prev_at then 'date'
        when h.seconds_in_from_stage is distinct from (case when h.n > 1 then floor(extract(epoch from h.occurred_at - h.prev_at))::bigint end) then 'seconds'
        when (h.category, h.state, h.fiscal_year) is distinct from (f.category, f.state, f.fiscal_year) then 'request'
        when h.to_stage in ('approved', 'disbursed') and h.n > 1 and coalesce(h.amount_cents, 0) <= 0 then 'amount'
        when h.to_stage not in ('approved', 'disbursed') and h.amount_cents is not null then 'no amount'
        when h.to_stage in ('approved', 'disbursed') and h.n > 1 and p.vetting_status <> 'vetted' then 'vetted'
        when h.to_stage = 'approved' and h.n > 1 and (p.vetted_until is null or p.vetted_until < local_day(h.occurred_at)) then 'vetting expired'
      end as problem
    into bad
    from beacon_import_history h join funding_request f on f.id = h.request_id join partner p on p.id = f.partner_id
    where h.n = 1 and (h.from_stage is not null or h.to_stage <> 'intake')
       or h.n > 1 and (h.from_stage is null or h.from_stage <> h.prev_stage or not funding_stage_move_allowed(h.from_stage, h.to_stage)
         or h.occurred_at < h.prev_at)
       or h.seconds_in_from_stage is distinct from (case when h.n > 1 then floor(extract(epoch from h.occurred_at - h.prev_at))::bigint end)
       or (h.category, h.state, h.fiscal_year) is distinct from (f.category, f.state, f.fiscal_year)
       or h.to_stage in ('approved', 'disbursed') and h.n > 1 and (coalesce(h.amount_cents, 0) <= 0 or p.vetting_status <> 'vetted')
       or h.to_stage not in ('approved', 'disbursed') and h.amount_cents is not null
       or h.to_stage = 'approved' and h.n > 1 and (p.vetted_until is null or p.vetted_until < local_day(h.occurred_at))
    order by h.id limit 1;
  if found then
    case bad.problem
      when 'opening' then
        raise exception 'a funding request''s history opens with one "intake" event (request %)', bad.request_id using errcode = 'check_violation';
      when 'moved' then
        raise exception 'funding request % is in stage "%", not "%": it was moved by someone else', bad.request_id, bad.prev_stage, bad.from_stage
          using errcode = 'BC001', detail = bad.prev_stage::text;
      when 'order' then
        raise exception 'a funding request cannot move from "%" to "%": stages go intake → vetting → approved → disbursed → reported, or to declined/withdrawn before disbursed',
          bad.from_stage, bad.to_stage using errcode = 'BC002';
      when 'date' then
        raise exception 'a stage event cannot predate the request''s current stage (% < %)', bad.occurred_at, bad.prev_at using errcode = 'check_violation';
      when 'amount' then
        raise exception '% a funding request needs an amount above zero', case bad.to_stage when 'approved' then 'approving' else 'disbursing' end
          using errcode = 'check_violation';
      when 'no amount' then
        raise exception 'only approving or disbursing moves money: a move to "%" carries no amount', bad.to_stage using errcode = 'check_violation';
      when 'vetted' then
        raise exception 'partner "%" is % — only vetted partners can be approved or receive funds', bad.partner_name, bad.vetting_status
          using errcode = 'BC003';
      when 'vetting expired' then
        raise exception 'partner "%"''s vetting %', bad.partner_name,
          case when bad.vetted_until is null then 'has no vetted-until date' else 'expired on ' || to_char(bad.vetted_until, 'FMMonth FMDD, YYYY') end
          using errcode = 'BC004', detail = coalesce(to_char(bad.vetted_until, 'YYYY-MM-DD'), ''),
            hint = 'renew the partner''s vetting (evidence and a new vetted-until date) before approving';
      else
        raise exception 'an imported stage event (request %) does not match its request: category, state, fiscal year and time in the stage come from the request''s history',
          bad.request_id using errcode = 'check_violation';
    end case;
  end if;

  -- Each request's row is what its history gives.
  select f.id into bad from funding_request f
    join (select request_id,
            (array_agg(to_stage order by n desc))[1] as stage,
            max(occurred_at) filter (where n = total) as entered,
            max(occurred_at) filter (where n = 1) as created,
            coalesce(sum(amount_cents) filter (where to_stage = 'approved'), 0) as approved,
            coalesce(sum(amount_cents) filter (where to_stage = 'disbursed'), 0) as disbursed,
            count(*)::int as events
          from beacon_import_history group by request_id) h on h.request_id = f.id
    join partner p on p.id = f.partner_id
    where (f.stage, f.stage_entered_at, f.created_at, f.approved_cents, f.disbursed_cents, f.state, f.updated_at, f.version)
      is distinct from (h.stage, h.entered, h.created, h.approved, h.disbursed, p.state, h.entered, h.events)
    limit 1;
  if found then
    raise exception 'funding request % is not what its stage history gives (stage, dates, amounts): a request''s stage changes by recording a stage event', bad.id
      using errcode = 'check_violation';
  end if;
  drop table beacon_import_history;
  return null;
end $fn$;
create trigger funding_stage_event_import_check after insert on funding_stage_event referencing new table as new_rows
  for each statement when (beacon_importing()) execute function funding_stage_event_import_check();
${APPLY}
`;

const DOWN = String.raw`
drop trigger if exists funding_stage_event_import_check on funding_stage_event;
drop function if exists funding_stage_event_import_check();
drop trigger if exists funding_request_import_check on funding_request;
drop function if exists funding_request_import_check();

drop trigger funding_stage_event_move on funding_stage_event;
create trigger funding_stage_event_move after insert on funding_stage_event referencing new table as new_rows
  for each statement execute function funding_stage_event_move();
drop trigger funding_stage_event_fill_amount on funding_stage_event;
create trigger funding_stage_event_fill_amount before insert on funding_stage_event
  for each row when (new.kind = 'move') execute function funding_stage_event_fill_amount();
drop trigger funding_stage_event_apply on funding_stage_event;
create trigger funding_stage_event_apply before insert on funding_stage_event
  for each row when (new.kind = 'move') execute function funding_stage_event_apply();
drop trigger funding_request_open_history on funding_request;
create trigger funding_request_open_history after insert on funding_request referencing new table as new_rows
  for each statement execute function funding_request_open_history();
drop trigger funding_request_guard_insert on funding_request;
drop trigger funding_request_guard on funding_request;
create trigger funding_request_guard before insert or update or delete on funding_request
  for each row execute function funding_request_guard();
drop function beacon_importing();

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
  perform set_config('work_mem', '64MB', true);
  drop table if exists pg_temp.beacon_replay_events;
  drop table if exists pg_temp.beacon_replay_requests;
  create temp table beacon_replay_events (like funding_stage_event) on commit drop;
  create temp table beacon_replay_requests (like funding_request) on commit drop;
  insert into beacon_replay_requests select * from beacon_deferred_requests;
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

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}
