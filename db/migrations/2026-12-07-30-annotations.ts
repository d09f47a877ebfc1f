// Frozen in time: never import application code here. Annotations on the time charts (issue 21,
// item 5): a short note on a local day ("campaign launched"), for everyone or for one division or
// one state/province, written by leadership or a coordinator. Never anything about a survivor: the
// note is a plain-words line of at most 140 characters about the work, and no column holds a person
// other than its author. Removed by marking (deleted_at, deleted_by), so a snapshot made before the
// removal keeps what it showed and the history says who removed it. The change_log triggers announce
// every insert and removal (topic `annotation`), so every dashboard draws it live.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

const UP = String.raw`
create table annotation (
  id bigserial primary key,
  day date not null constraint annotation_day_range check (day between date '2000-01-01' and date '2100-12-31'),
  note text not null constraint annotation_note_length check (char_length(btrim(note)) between 3 and 140 and note = btrim(note)),
  division_code text references division (code),
  state char(2) references region (code),
  created_by text not null references app_user (id),
  created_at timestamptz not null default now(),
  deleted_at timestamptz,
  deleted_by text references app_user (id),
  constraint annotation_one_scope check (division_code is null or state is null),
  constraint annotation_removed_by check ((deleted_at is null) = (deleted_by is null))
);
create index annotation_day on annotation (day) where deleted_at is null;

create trigger annotation_log_insert after insert on annotation referencing new table as new_rows
  for each statement execute function log_change('annotation');
create trigger annotation_log_update after update on annotation referencing new table as new_rows
  for each statement execute function log_change('annotation');
create trigger annotation_log_delete after delete on annotation referencing old table as old_rows
  for each statement execute function log_change('annotation');
`;

const DOWN = String.raw`
drop table if exists annotation;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}
