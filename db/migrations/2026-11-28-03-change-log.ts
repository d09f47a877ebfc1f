// Frozen in time: never import application code here. The database announces every change itself:
// triggers append to change_log and pg_notify a small payload in the writing transaction, so a
// script, a migration or a second app instance that writes is seen by every dashboard.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

const logged: Array<[table: string, topic: string]> = [
  ['partner', 'partner'],
  ['funding_request', 'funding'],
  ['budget', 'budget'],
  ['aftercare_need', 'needs'],
  ['survivor_count', 'survivors'],
  ['outreach_event', 'outreach'],
  ['outreach_goal', 'outreach']
];

const UP = String.raw`
create table change_log (
  seq bigserial primary key,
  topic text not null,
  entity text not null,
  entity_id bigint not null,
  op char(1) not null constraint change_log_op check (op in ('I', 'U', 'D')),
  state char(2),
  at timestamptz not null default now()
);
create index change_log_at on change_log (at);

create function log_change() returns trigger language plpgsql as $$
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

function triggers(table: string, topic: string): string {
  return `
create trigger ${table}_log_insert after insert on ${table} referencing new table as new_rows
  for each statement execute function log_change('${topic}');
create trigger ${table}_log_update after update on ${table} referencing new table as new_rows
  for each statement execute function log_change('${topic}');
create trigger ${table}_log_delete after delete on ${table} referencing old table as old_rows
  for each statement execute function log_change('${topic}');`;
}

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP + logged.map(([t, topic]) => triggers(t, topic)).join('\n'));
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [t] of logged) {
    await runScript(db, `drop trigger if exists ${t}_log_insert on ${t}; drop trigger if exists ${t}_log_update on ${t};
      drop trigger if exists ${t}_log_delete on ${t};`);
  }
  await runScript(db, 'drop function if exists log_change() cascade; drop table if exists change_log');
}
