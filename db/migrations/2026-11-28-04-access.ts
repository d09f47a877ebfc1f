// Frozen in time: never import application code here. Access control: a hard lifetime for every
// session (on top of the sliding idle expiry) and single-use, expiring invitation links whose
// tokens, like session tokens, are stored only as SHA-256 hashes.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
alter table user_session add column absolute_expires_at timestamptz;
update user_session set absolute_expires_at = created_at + interval '30 days',
  expires_at = least(expires_at, created_at + interval '30 days');
alter table user_session alter column absolute_expires_at set not null;
-- Activity slides expires_at forward, but never past the session's absolute lifetime.
alter table user_session add constraint user_session_expiry_within_lifetime check (expires_at <= absolute_expires_at);
create index user_session_expires on user_session (expires_at);

-- The invited person's account exists from the invitation on (role and regions can be adjusted
-- before it is accepted); it has no password until the link is used.
create table user_invitation (
  id bigint generated always as identity primary key,
  token_hash text not null unique constraint user_invitation_token_is_sha256 check (token_hash ~ '^[0-9a-f]{64}$'),
  user_id text not null references app_user (id) on delete cascade,
  invited_by text references app_user (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  constraint user_invitation_expires_after_creation check (expires_at > created_at),
  constraint user_invitation_used_or_revoked check (used_at is null or revoked_at is null)
);
create index user_invitation_user on user_invitation (user_id);
`;

const DOWN = String.raw`
drop table if exists user_invitation;
drop index if exists user_session_expires;
alter table user_session drop constraint if exists user_session_expiry_within_lifetime;
alter table user_session drop column if exists absolute_expires_at;
`;
