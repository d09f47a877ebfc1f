// Frozen in time: never import application code here. Imports from spreadsheets (issue 16, item 9):
// - partners, funding requests and outreach events may carry the id they had in the file they came
//   from (`external_id`, unique per table), so importing the same file again finds them instead of
//   writing them twice. Survivor counts need none: a center reports one row per month.
// - the column mapping a person last used for each kind of import (file header → Beacon field).
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
alter table partner add column external_id text
  constraint partner_external_id_length check (length(btrim(external_id)) between 1 and 100);
create unique index partner_external_id on partner (external_id);
alter table funding_request add column external_id text
  constraint funding_request_external_id_length check (length(btrim(external_id)) between 1 and 100);
create unique index funding_request_external_id on funding_request (external_id);
alter table outreach_event add column external_id text
  constraint outreach_event_external_id_length check (length(btrim(external_id)) between 1 and 100);
create unique index outreach_event_external_id on outreach_event (external_id);

create table import_mapping (
  kind text primary key constraint import_mapping_kind check (kind in ('requests', 'partners', 'outreach', 'survivor-counts')),
  -- Beacon field → the file's column header.
  columns jsonb not null constraint import_mapping_columns_object check (jsonb_typeof(columns) = 'object'),
  updated_by text references app_user (id),
  updated_at timestamptz not null default now()
);
`;

const DOWN = String.raw`
drop table if exists import_mapping;
drop index if exists outreach_event_external_id;
alter table outreach_event drop column if exists external_id;
drop index if exists funding_request_external_id;
alter table funding_request drop column if exists external_id;
drop index if exists partner_external_id;
alter table partner drop column if exists external_id;
`;
