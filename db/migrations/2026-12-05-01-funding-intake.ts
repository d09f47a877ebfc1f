// Frozen in time: never import application code here. Funding requests entered in the app (issue 16,
// item 1, 2 and 7):
// - a request says what it is for (`purpose`) and, once disbursed, when its grantee report is due
//   (`report_due_on`);
// - in-kind lines: the goods a request pays for (detection K9s, forensic devices, extraction
//   licenses, training seats, lab equipment), each with its units and unit cost, and its delivery
//   (the day it was confirmed delivered and a note) once delivered. A line is a request's part: a
//   write to it touches the request, so the request's version moves and the change is announced
//   (change_log/NOTIFY, topic funding) whoever writes it;
// - the needs a request answers (`funding_request_need`): a need is answered by at most one request;
// - stage events carry the reason given for a decision (`reason`: why a request was declined or
//   withdrawn, why an approval goes above the ask or the remaining budget).
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
alter table funding_request
  add column purpose text constraint funding_request_purpose_length check (length(btrim(purpose)) between 3 and 4000),
  add column report_due_on date;

create table funding_in_kind_line (
  id bigint generated always as identity primary key,
  request_id bigint not null references funding_request (id),
  item text not null constraint funding_in_kind_line_item check (item in ('detection_k9', 'forensic_device', 'extraction_license', 'training_seat', 'lab_equipment')),
  units integer not null constraint funding_in_kind_line_units_positive check (units > 0),
  unit_cost_cents bigint not null constraint funding_in_kind_line_unit_cost_not_negative check (unit_cost_cents >= 0),
  delivered_on date,
  delivery_note text constraint funding_in_kind_line_delivery_note_length check (length(btrim(delivery_note)) between 3 and 2000),
  delivered_by text references app_user (id),
  created_at timestamptz not null default now(),
  constraint funding_in_kind_line_note_needs_date check (delivery_note is null or delivered_on is not null)
);
create index funding_in_kind_line_request on funding_in_kind_line (request_id);

-- A line changes its request: the request row is touched (its guard bumps the version), so its
-- change_log row announces it and every reader sees one version for the request and its lines.
create function funding_in_kind_line_touch() returns trigger language plpgsql as $$
begin
  update funding_request set updated_at = now()
    where id in (select request_id from new_rows union select request_id from old_rows);
  return null;
end $$;
create function funding_in_kind_line_touch_insert() returns trigger language plpgsql as $$
begin
  update funding_request set updated_at = now() where id in (select request_id from new_rows);
  return null;
end $$;
create trigger funding_in_kind_line_touch_insert after insert on funding_in_kind_line
  referencing new table as new_rows for each statement execute function funding_in_kind_line_touch_insert();
create function funding_in_kind_line_touch_delete() returns trigger language plpgsql as $$
begin
  update funding_request set updated_at = now() where id in (select request_id from old_rows);
  return null;
end $$;
create trigger funding_in_kind_line_touch_delete after delete on funding_in_kind_line
  referencing old table as old_rows for each statement execute function funding_in_kind_line_touch_delete();
create trigger funding_in_kind_line_touch_update after update on funding_in_kind_line
  referencing old table as old_rows new table as new_rows for each statement execute function funding_in_kind_line_touch();

create table funding_request_need (
  request_id bigint not null references funding_request (id),
  need_id bigint not null references aftercare_need (id),
  primary key (request_id, need_id),
  constraint funding_request_need_one_request unique (need_id)
);

alter table funding_stage_event
  add column reason text constraint funding_stage_event_reason_length check (length(btrim(reason)) between 3 and 2000);

`;

const DOWN = String.raw`
alter table funding_stage_event drop column if exists reason;
drop table if exists funding_request_need;
drop table if exists funding_in_kind_line;
drop function if exists funding_in_kind_line_touch(), funding_in_kind_line_touch_insert(), funding_in_kind_line_touch_delete();
alter table funding_request drop column if exists purpose, drop column if exists report_due_on;
`;
