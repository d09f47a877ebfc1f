// Frozen in time: never import application code here. Board snapshots: a dated, frozen copy of every
// dashboard dataset with a SHA-256 of it. The database itself refuses to change what a snapshot
// says (data, seq, hash, period, filters, author, time) or to delete one; only the title and the
// narrative notes may be edited (the service audits those edits). Share links store only the
// SHA-256 of their token; schedules are claimed by a conditional UPDATE of next_run_at, and the
// unique (schedule_id, scheduled_for) pair makes a scheduled run impossible to make twice.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
create table snapshot_schedule (
  id bigint generated always as identity primary key,
  title text not null constraint snapshot_schedule_title_length check (length(btrim(title)) between 1 and 200),
  frequency text not null constraint snapshot_schedule_frequency check (frequency in ('monthly', 'quarterly')),
  filters jsonb not null default '{}' constraint snapshot_schedule_filters_object check (jsonb_typeof(filters) = 'object'),
  next_run_at timestamptz not null,
  last_run_at timestamptz,
  created_by text references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index snapshot_schedule_due on snapshot_schedule (next_run_at);

create table snapshot (
  id bigint generated always as identity primary key,
  title text not null constraint snapshot_title_length check (length(btrim(title)) between 1 and 200),
  notes text not null default '' constraint snapshot_notes_length check (length(notes) <= 20000),
  period_kind text not null constraint snapshot_period_kind check (period_kind in ('fiscal_year', 'fiscal_quarter', 'dates')),
  period_label text not null constraint snapshot_period_label_length check (length(btrim(period_label)) between 1 and 100),
  -- The period is [period_from, period_to): period_to is the first day after it.
  period_from date not null,
  period_to date not null,
  filters jsonb not null default '{}' constraint snapshot_filters_object check (jsonb_typeof(filters) = 'object'),
  author_id text references app_user (id),
  -- Set for snapshots the scheduler made: which schedule, and the run time it was made for.
  schedule_id bigint,
  scheduled_for timestamptz,
  created_at timestamptz not null default now(),
  seq bigint not null constraint snapshot_seq_not_negative check (seq >= 0),
  data jsonb not null constraint snapshot_data_object check (jsonb_typeof(data) = 'object'),
  sha256 text not null constraint snapshot_sha256_is_hex check (sha256 ~ '^[0-9a-f]{64}$'),
  constraint snapshot_period_order check (period_to > period_from),
  constraint snapshot_schedule_run check ((schedule_id is null) = (scheduled_for is null)),
  constraint snapshot_one_per_scheduled_run unique (schedule_id, scheduled_for)
);
create index snapshot_created on snapshot (created_at desc, id desc);

create function snapshot_refuse_rewrite() returns trigger language plpgsql as $$
begin
  if TG_OP = 'DELETE' then
    raise exception 'snapshot % cannot be deleted: snapshots are permanent', old.id using errcode = 'restrict_violation';
  end if;
  if new.id is distinct from old.id or new.data is distinct from old.data or new.seq is distinct from old.seq
     or new.sha256 is distinct from old.sha256 or new.period_kind is distinct from old.period_kind
     or new.period_label is distinct from old.period_label or new.period_from is distinct from old.period_from
     or new.period_to is distinct from old.period_to or new.filters is distinct from old.filters
     or new.author_id is distinct from old.author_id or new.created_at is distinct from old.created_at
     or new.schedule_id is distinct from old.schedule_id or new.scheduled_for is distinct from old.scheduled_for then
    raise exception 'snapshot % is immutable: only its title and notes can change', old.id using errcode = 'restrict_violation';
  end if;
  return new;
end $$;
create trigger snapshot_immutable before update or delete on snapshot
  for each row execute function snapshot_refuse_rewrite();
create trigger snapshot_no_truncate before truncate on snapshot
  for each statement execute function refuse_change('snapshots are permanent');

create table snapshot_share_link (
  id bigint generated always as identity primary key,
  snapshot_id bigint not null references snapshot (id),
  -- SHA-256 of the token (the token itself is shown once, to the admin who made the link).
  token_hash text not null unique constraint snapshot_share_link_token_is_sha256 check (token_hash ~ '^[0-9a-f]{64}$'),
  created_by text references app_user (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  view_count bigint not null default 0 constraint snapshot_share_link_views_not_negative check (view_count >= 0),
  last_viewed_at timestamptz,
  constraint snapshot_share_link_expires_after_creation check (expires_at > created_at)
);
create index snapshot_share_link_snapshot on snapshot_share_link (snapshot_id);
`;

const DOWN = String.raw`
drop table if exists snapshot_share_link;
drop table if exists snapshot;
drop function if exists snapshot_refuse_rewrite();
drop table if exists snapshot_schedule;
`;
