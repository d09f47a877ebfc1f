// Frozen in time: never import application code here. Working together on needs and funding:
// - pledges (who committed, how much, by when) and partial fulfilment on a need;
// - comments carry the state of what they are about (copied by a trigger) and the colleagues they
//   @mention, and announce themselves in change_log, so they reach the division's room live;
// - audit rows carry the state of the row they describe, so the activity feed per division is one
//   indexed read of the audit trail (who, what, when, before → after).
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
alter table aftercare_need
  add column pledged_by text constraint aftercare_need_pledged_by_length check (length(btrim(pledged_by)) between 2 and 200),
  add column pledged_cents bigint constraint aftercare_need_pledged_not_negative check (pledged_cents >= 0),
  add column pledge_expected_on date,
  add column fulfilled_quantity integer not null default 0
    constraint aftercare_need_fulfilled_not_negative check (fulfilled_quantity >= 0),
  add constraint aftercare_need_fulfilled_within_quantity check (fulfilled_quantity <= quantity);

alter table need_comment
  add column state char(2) references region (code),
  add column mentions jsonb not null default '[]' constraint need_comment_mentions_array check (jsonb_typeof(mentions) = 'array');
alter table funding_comment
  add column state char(2) references region (code),
  add column mentions jsonb not null default '[]' constraint funding_comment_mentions_array check (jsonb_typeof(mentions) = 'array');
update need_comment c set state = n.state from aftercare_need n where n.id = c.need_id;
update funding_comment c set state = f.state from funding_request f where f.id = c.request_id;
alter table need_comment alter column state set not null;
alter table funding_comment alter column state set not null;

create function comment_state() returns trigger language plpgsql as $$
begin
  if TG_TABLE_NAME = 'need_comment' then
    select state into new.state from aftercare_need where id = new.need_id;
  else
    select state into new.state from funding_request where id = new.request_id;
  end if;
  return new;
end $$;
create trigger need_comment_state before insert or update on need_comment for each row execute function comment_state();
create trigger funding_comment_state before insert or update on funding_comment for each row execute function comment_state();

create trigger need_comment_log_insert after insert on need_comment referencing new table as new_rows
  for each statement execute function log_change('needs');
create trigger funding_comment_log_insert after insert on funding_comment referencing new table as new_rows
  for each statement execute function log_change('funding');

alter table audit_log add column state char(2);
create index audit_log_state on audit_log (state, id desc) where state is not null;
`;

const DOWN = String.raw`
drop index if exists audit_log_state;
alter table audit_log drop column if exists state;
drop trigger if exists funding_comment_log_insert on funding_comment;
drop trigger if exists need_comment_log_insert on need_comment;
drop trigger if exists funding_comment_state on funding_comment;
drop trigger if exists need_comment_state on need_comment;
drop function if exists comment_state();
alter table funding_comment drop column if exists mentions, drop column if exists state;
alter table need_comment drop column if exists mentions, drop column if exists state;
alter table aftercare_need drop constraint if exists aftercare_need_fulfilled_within_quantity,
  drop column if exists fulfilled_quantity, drop column if exists pledge_expected_on,
  drop column if exists pledged_cents, drop column if exists pledged_by;
`;
