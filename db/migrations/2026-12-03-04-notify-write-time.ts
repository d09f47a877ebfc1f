// Frozen in time: never import application code here. Every change notification also carries when
// the statement wrote it ("at", ms since the epoch, from the database clock), so each app instance
// can measure the latency from a write to its push (the beacon_live_commit_to_push_seconds metric).
// The function is replaced in place; the triggers that call it are unchanged.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

const UP = String.raw`
create or replace function log_change() returns trigger language plpgsql as $$
declare
  first_seq bigint;
  last_seq bigint;
  n integer;
  -- When the statement wrote (ms since the epoch), just before its transaction commits in the usual
  -- one-statement write: listeners measure write-to-push latency from it.
  written_at bigint := (extract(epoch from clock_timestamp()) * 1000)::bigint;
begin
  -- One writer at a time appends to the log until it commits, so seq order is commit order and a
  -- reader that has seen seq N can never later find a smaller seq appear (catch-up loses nothing).
  perform pg_advisory_xact_lock(hashtext('beacon.change_log'));
  if TG_OP = 'DELETE' then
    with ins as (
      insert into change_log (topic, entity, entity_id, op, state)
      select TG_ARGV[0], TG_TABLE_NAME, (to_jsonb(s) ->> 'id')::bigint, 'D', to_jsonb(s) ->> 'state'
      from old_rows s order by 3 returning seq)
    select min(seq), max(seq), count(*) into first_seq, last_seq, n from ins;
  else
    with ins as (
      insert into change_log (topic, entity, entity_id, op, state)
      select TG_ARGV[0], TG_TABLE_NAME, (to_jsonb(s) ->> 'id')::bigint, left(TG_OP, 1), to_jsonb(s) ->> 'state'
      from new_rows s order by 3 returning seq)
    select min(seq), max(seq), count(*) into first_seq, last_seq, n from ins;
  end if;
  if n = 0 then
    return null;
  elsif n <= 20 then
    perform pg_notify('beacon_change', json_build_object('seq', c.seq, 'topic', c.topic, 'entity', c.entity,
        'id', c.entity_id, 'op', c.op, 'state', c.state, 'at', written_at)::text)
      from change_log c where c.seq between first_seq and last_seq order by c.seq;
  else
    -- A bulk write announces its range once; listeners read the rows from change_log.
    perform pg_notify('beacon_change', json_build_object('fromSeq', first_seq, 'seq', last_seq,
      'topic', TG_ARGV[0], 'entity', TG_TABLE_NAME, 'count', n, 'at', written_at)::text);
  end if;
  return null;
end $$;
`;

const DOWN = String.raw`
create or replace function log_change() returns trigger language plpgsql as $$
declare
  first_seq bigint;
  last_seq bigint;
  n integer;
begin
  -- One writer at a time appends to the log until it commits, so seq order is commit order and a
  -- reader that has seen seq N can never later find a smaller seq appear (catch-up loses nothing).
  perform pg_advisory_xact_lock(hashtext('beacon.change_log'));
  if TG_OP = 'DELETE' then
    with ins as (
      insert into change_log (topic, entity, entity_id, op, state)
      select TG_ARGV[0], TG_TABLE_NAME, (to_jsonb(s) ->> 'id')::bigint, 'D', to_jsonb(s) ->> 'state'
      from old_rows s order by 3 returning seq)
    select min(seq), max(seq), count(*) into first_seq, last_seq, n from ins;
  else
    with ins as (
      insert into change_log (topic, entity, entity_id, op, state)
      select TG_ARGV[0], TG_TABLE_NAME, (to_jsonb(s) ->> 'id')::bigint, left(TG_OP, 1), to_jsonb(s) ->> 'state'
      from new_rows s order by 3 returning seq)
    select min(seq), max(seq), count(*) into first_seq, last_seq, n from ins;
  end if;
  if n = 0 then
    return null;
  elsif n <= 20 then
    perform pg_notify('beacon_change', json_build_object('seq', c.seq, 'topic', c.topic, 'entity', c.entity,
        'id', c.entity_id, 'op', c.op, 'state', c.state)::text)
      from change_log c where c.seq between first_seq and last_seq order by c.seq;
  else
    -- A bulk write announces its range once; listeners read the rows from change_log.
    perform pg_notify('beacon_change', json_build_object('fromSeq', first_seq, 'seq', last_seq,
      'topic', TG_ARGV[0], 'entity', TG_TABLE_NAME, 'count', n)::text);
  end if;
  return null;
end $$;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}
