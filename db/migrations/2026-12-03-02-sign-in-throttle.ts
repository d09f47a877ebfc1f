// Frozen in time: never import application code here. Sign-in throttling shared by every instance:
// one leaky bucket per key (an account, an address, an account from one address, a known browser),
// stored as its level when last touched, so it drains by itself. Known browsers: a random token in
// a cookie set at a successful sign-in, stored only as its SHA-256 (revocable, shared by instances).
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
create table sign_in_throttle (
  key text primary key constraint sign_in_throttle_key_length check (length(key) <= 600),
  level double precision not null constraint sign_in_throttle_level check (level >= 0),
  updated_at timestamptz not null default now()
);
create index sign_in_throttle_updated on sign_in_throttle (updated_at);

create table known_device (
  token_hash text primary key,
  user_id text not null references app_user (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now()
);
create index known_device_user on known_device (user_id);
`;

const DOWN = String.raw`
drop table known_device;
drop table sign_in_throttle;
`;
