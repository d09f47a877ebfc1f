// Frozen in time: never import application code here. The deferred month rollups of an import
// (2026-12-06-03, -04) aggregate before they fan out.
//
// beacon_apply_deferred_time_rollups replayed every event the import wrote through copies of the month
// rollup triggers; three of them (rollup_throughput_scope, rollup_move_month, rollup_stage_days_month)
// fan each event out to six scope × category rows (everywhere, its division, its state × its category,
// every category) and only then group: 320,000 events became ~5.8 million rows to group. Those three are
// now applied over the events grouped first by what they key on (month, state, category, stage moved to;
// month, state, category, stage left, whole days in it), with their sums and counts; the groups then fan
// out and are upserted exactly as the triggers' own statements do (same keys, same measures, same
// region join, same upsert: rollup_move_year still follows rollup_move_month through its trigger). The
// other deferred rollups still run through copies of their triggers.
//
// Measured (20,000-request bench, Postgres, quiet machine): no gain worth the name — the end step took
// 7.2 / 7.5 s before and 7.1 / 7.2 s after. Grouping first hardly shrinks anything at these sizes: the
// 64,076 events form 54,710 (month, state, category, stage) groups, so the fan-out after grouping is
// nearly as large as before; this function's own statements now take the ~4.8 s the three trigger
// copies took.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';
import { up as hashedUp } from './2026-12-06-04-deferred-rollups-hashed.js';

/** The deferred triggers (tg: pg_trigger, c: its table). */
const DEFERRED = `c.relname in ('funding_request', 'funding_stage_event') and (
  tg.tgname like 'rollup\\_request\\_month\\_%' or tg.tgname like 'rollup\\_move\\_month\\_%'
  or tg.tgname like 'rollup\\_stage\\_throughput\\_%' or tg.tgname like 'rollup\\_throughput\\_scope\\_%'
  or tg.tgname like 'rollup\\_stage\\_days\\_month\\_%' or tg.tgname like 'rollup\\_paid\\_month\\_%'
  or tg.tgname like 'rollup\\_paid\\_units\\_month\\_%')`;

/** The event rollups applied below from grouped events instead of through their trigger copies. */
const GROUPED = `c.relname = 'funding_stage_event' and (tg.tgname like 'rollup\\_move\\_month\\_%'
  or tg.tgname like 'rollup\\_throughput\\_scope\\_%' or tg.tgname like 'rollup\\_stage\\_days\\_month\\_%')`;

const SCOPES = `join region r on r.code = g.state
      cross join lateral (values ('*'), ('d:' || r.division_code), ('s:' || g.state)) sc(scope)
      cross join lateral (values (g.category::text), ('*')) c(category)`;

const UP = String.raw`
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
  drop table if exists pg_temp.beacon_replay_moves;
  drop table if exists pg_temp.beacon_replay_days;
  create temp table beacon_replay_events (like funding_stage_event) on commit drop;
  create temp table beacon_replay_requests (like funding_request) on commit drop;
  insert into beacon_replay_requests select * from beacon_deferred_requests;
  -- Copies of the deferred triggers (same names, so the same order; without the WHEN), but for the
  -- three fanned-out event rollups applied from grouped events below.
  for trg in select tg.oid, c.relname from pg_trigger tg join pg_class c on c.oid = tg.tgrelid
    where not tg.tgisinternal and ${DEFERRED} and not (${GROUPED}) order by 1
  loop
    execute regexp_replace(
      regexp_replace(pg_get_triggerdef(trg.oid), ' ON (public\.)?' || trg.relname || ' ',
        ' ON pg_temp.' || case trg.relname when 'funding_request' then 'beacon_replay_requests' else 'beacon_replay_events' end || ' '),
      ' WHEN \(.*\) EXECUTE FUNCTION ', ' EXECUTE FUNCTION ');
  end loop;
  insert into beacon_replay_events select e.* from funding_stage_event e
    where e.id > since and (e.request_id in (select unnest(added)) or e.request_id in (select id from beacon_deferred_requests));

  -- rollup_throughput_scope and rollup_move_month: the events grouped by month, state, category and
  -- stage moved to, then fanned out to scopes × categories.
  create temp table beacon_replay_moves on commit drop as
    select month_start(x.occurred_at) as month, x.state, x.category, x.to_stage,
      sum((x.kind <> 'correction')::int::bigint) as moves, sum(coalesce(x.amount_cents, 0)::bigint) as amount_cents
    from beacon_replay_events x group by 1, 2, 3, 4;
  insert into rollup_throughput_scope as r (month, scope, to_stage, category, moves, amount_cents)
    select g.month, sc.scope, g.to_stage, c.category, sum(g.moves), sum(g.amount_cents)
    from beacon_replay_moves g ${SCOPES}
    group by g.month, sc.scope, g.to_stage, c.category order by g.month, sc.scope, g.to_stage, c.category
    on conflict (month, scope, to_stage, category) do update set moves = r.moves + excluded.moves, amount_cents = r.amount_cents + excluded.amount_cents;
  insert into rollup_move_month as r (scope, category, month, to_stage, moves, amount_cents)
    select sc.scope, c.category, g.month, g.to_stage, sum(g.moves), sum(g.amount_cents)
    from beacon_replay_moves g ${SCOPES}
    group by sc.scope, c.category, g.month, g.to_stage order by sc.scope, c.category, g.month, g.to_stage
    on conflict (scope, category, month, to_stage) do update set moves = r.moves + excluded.moves, amount_cents = r.amount_cents + excluded.amount_cents;
  -- rollup_stage_days_month: the moves out of a stage grouped by month, state, category, stage left and
  -- whole days spent in it, then fanned out.
  create temp table beacon_replay_days on commit drop as
    select month_start(e.occurred_at) as month, e.state, e.category, e.from_stage as stage,
      (e.seconds_in_from_stage / 86400)::int as days, count(*)::bigint as moves
    from beacon_replay_events e where e.from_stage is not null group by 1, 2, 3, 4, 5;
  insert into rollup_stage_days_month as r (scope, category, month, stage, days, moves)
    select sc.scope, c.category, g.month, g.stage, g.days, sum(g.moves)
    from beacon_replay_days g ${SCOPES}
    group by sc.scope, c.category, g.month, g.stage, g.days order by sc.scope, c.category, g.month, g.stage, g.days
    on conflict (scope, category, month, stage, days) do update set moves = r.moves + excluded.moves;

  insert into beacon_replay_requests select * from funding_request where id in (select unnest(added));
  select string_agg(format('%I = f.%I', attname, attname), ', ' order by attnum) into cols
    from pg_attribute where attrelid = 'funding_request'::regclass and attnum > 0 and not attisdropped;
  execute format('update beacon_replay_requests b set %s from funding_request f where f.id = b.id and b.id in (select id from beacon_deferred_requests)', cols);
  drop table beacon_replay_events, beacon_replay_requests, beacon_deferred_requests, beacon_replay_moves, beacon_replay_days;
  perform set_config('work_mem', mem, true);
end $fn$;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await hashedUp(db);
}
