// Frozen in time: never import application code here. Notifications: one generic inbox row per
// person and event (mentions, assignments and comments today; alerts next), announced by the database
// on the `beacon_inbox` channel so every instance's live hub can push the new count to that person's
// sockets. Each person says how mail reaches them (instant, a daily digest, or none); a digest is
// claimed per person and day, so of several instances exactly one sends it. Needs get an assignee.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
create table notification (
  id bigint generated always as identity primary key,
  user_id text not null references app_user (id) on delete cascade,
  -- What happened, as a word ('mention', 'assigned', 'comment', later 'alert'…).
  kind text not null constraint notification_kind_word check (kind ~ '^[a-z][a-z_]{1,39}$'),
  -- What it is about: a row of some table ('need', 'funding', …) and its id.
  subject_type text not null constraint notification_subject_type_word check (subject_type ~ '^[a-z][a-z_]{1,39}$'),
  subject_id text not null constraint notification_subject_id_length check (length(subject_id) between 1 and 64),
  -- Where in Beacon it is seen (a path on this site, never another site).
  link text not null constraint notification_link_is_local check (link ~ '^/[^/\\]' or link = '/'),
  -- The sentence the person reads, in plain words.
  text text not null constraint notification_text_length check (length(btrim(text)) between 1 and 500),
  actor_id text references app_user (id) on delete set null,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  -- When it went out by mail (instant or in a digest); null = not mailed (yet).
  mailed_at timestamptz
);
create index notification_by_user on notification (user_id, id desc);
create index notification_unread on notification (user_id) where read_at is null;

-- One announcement per person per statement: the hub re-reads nothing, the browser asks for its list.
create function notification_announce() returns trigger language plpgsql as $$
declare
  u text;
begin
  for u in select distinct user_id from inserted loop
    perform pg_notify('beacon_inbox', json_build_object('userId', u)::text);
  end loop;
  return null;
end $$;
create trigger notification_announce after insert on notification
  referencing new table as inserted for each statement execute function notification_announce();

create table notification_setting (
  user_id text primary key references app_user (id) on delete cascade,
  mail text not null default 'instant' constraint notification_setting_mail check (mail in ('instant', 'digest', 'off')),
  updated_at timestamptz not null default now()
);

-- A person's digest for one day, claimed before it is sent (insert … on conflict do nothing).
create table notification_digest (
  user_id text not null references app_user (id) on delete cascade,
  day date not null,
  claimed_at timestamptz not null default now(),
  sent_at timestamptz,
  notification_count integer not null default 0 constraint notification_digest_count check (notification_count >= 0),
  primary key (user_id, day)
);

alter table aftercare_need add column assigned_to text references app_user (id) on delete set null;
`;

const DOWN = String.raw`
alter table aftercare_need drop column if exists assigned_to;
drop table if exists notification_digest;
drop table if exists notification_setting;
drop trigger if exists notification_announce on notification;
drop function if exists notification_announce();
drop table if exists notification;
`;
