// Frozen in time: never import application code here. Accounts: where a session signed in from
// (for the session list), password reset links, TOTP second factors with single-use recovery codes,
// and the half-way step of a sign-in that still owes its second factor. Every secret handed to a
// browser or a person is stored only as its SHA-256.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
alter table user_session add column user_agent text;
alter table user_session add column address text;

-- Issued by an admin (created_by) or by "forgot password" (created_by null). A newer link revokes
-- the older ones; a link works once, for an hour.
create table password_reset (
  id bigint generated always as identity primary key,
  token_hash text not null unique constraint password_reset_token_is_sha256 check (token_hash ~ '^[0-9a-f]{64}$'),
  user_id text not null references app_user (id) on delete cascade,
  created_by text references app_user (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  constraint password_reset_expires_after_creation check (expires_at > created_at),
  constraint password_reset_used_or_revoked check (used_at is null or revoked_at is null)
);
create index password_reset_user on password_reset (user_id);

-- One TOTP key per user: pending until a typed code confirms it. last_step is the RFC 6238 time step
-- of the last accepted code, so a code cannot be used twice.
create table user_totp (
  user_id text primary key references app_user (id) on delete cascade,
  secret bytea not null constraint user_totp_secret_length check (length(secret) = 20),
  created_at timestamptz not null default now(),
  confirmed_at timestamptz,
  last_step bigint
);

create table user_recovery_code (
  id bigint generated always as identity primary key,
  user_id text not null references app_user (id) on delete cascade,
  code_hash text not null constraint user_recovery_code_is_sha256 check (code_hash ~ '^[0-9a-f]{64}$'),
  used_at timestamptz,
  unique (user_id, code_hash)
);

-- Password checked, second factor still owed: no session exists yet, and nothing but the code step
-- reads this table.
create table sign_in_challenge (
  token_hash text primary key constraint sign_in_challenge_token_is_sha256 check (token_hash ~ '^[0-9a-f]{64}$'),
  user_id text not null references app_user (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  constraint sign_in_challenge_expires_after_creation check (expires_at > created_at)
);
create index sign_in_challenge_user on sign_in_challenge (user_id);
`;

const DOWN = String.raw`
drop table if exists sign_in_challenge;
drop table if exists user_recovery_code;
drop table if exists user_totp;
drop table if exists password_reset;
alter table user_session drop column if exists address;
alter table user_session drop column if exists user_agent;
`;
