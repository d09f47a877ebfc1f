// Frozen in time: never import application code here. Subscribers of a snapshot schedule (users:
// their email address is read from app_user when mail goes out, so a changed address is followed),
// and one row per scheduled snapshot whose mail was claimed: inserted before sending, so of several
// instances exactly one sends, and a run is never mailed twice (nor, when skipped, later).
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
create table snapshot_schedule_subscriber (
  schedule_id bigint not null references snapshot_schedule (id) on delete cascade,
  user_id text not null references app_user (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (schedule_id, user_id)
);
create index snapshot_schedule_subscriber_user on snapshot_schedule_subscriber (user_id);

create table snapshot_mailing (
  snapshot_id bigint primary key references snapshot (id) on delete cascade,
  claimed_at timestamptz not null default now(),
  -- 'sending' while claimed, then 'sent', 'skipped' (an older run made in a back-fill) or 'failed'.
  outcome text not null default 'sending' constraint snapshot_mailing_outcome check (outcome in ('sending', 'sent', 'skipped', 'failed')),
  recipients integer not null default 0 constraint snapshot_mailing_recipients check (recipients >= 0),
  finished_at timestamptz,
  error text
);
`;

const DOWN = String.raw`
drop table if exists snapshot_mailing;
drop table if exists snapshot_schedule_subscriber;
`;
