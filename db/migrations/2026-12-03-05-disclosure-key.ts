// Frozen in time: never import application code here. The secret behind survivor-count rounding
// (docs/figures.md, "Survivor counts: disclosure control"): one random key per database, made here
// once and never changed, so every instance and every later read rounds a given state-month the
// same way. It never leaves the server; backups carry it, so a restored database rounds as before.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

// gen_random_uuid() draws from the server's strong random source (pg_strong_random): four of them
// hashed give 256 bits that no reader of the published figures can guess.
const UP = String.raw`
create table disclosure_key (
  id boolean primary key default true constraint disclosure_key_single_row check (id),
  key bytea not null constraint disclosure_key_length check (length(key) = 32),
  created_at timestamptz not null default now()
);
insert into disclosure_key (key)
  select sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'));
create function disclosure_key_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the disclosure key cannot be changed or removed: published survivor figures depend on it'
    using errcode = 'restrict_violation';
end $$;
create trigger disclosure_key_refuse_change before update or delete on disclosure_key
  for each row execute function disclosure_key_refuse_change();
`;

const DOWN = String.raw`
drop table if exists disclosure_key;
drop function if exists disclosure_key_refuse_change;
`;
