// Frozen in time: never import application code here. Device links for wall screens: an admin
// picks dashboards and a rotation; the screen opens /kiosk/<token> with no personal session. Only
// the token's SHA-256 is stored (like sessions and share links); a revoked link stays as a record.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
create table kiosk_link (
  id bigint generated always as identity primary key,
  label text not null constraint kiosk_link_label_length check (length(btrim(label)) between 1 and 80),
  token_hash text not null unique constraint kiosk_link_token_is_sha256 check (token_hash ~ '^[0-9a-f]{64}$'),
  -- The dashboards the screen may read, in the order it shows them.
  dashboards jsonb not null constraint kiosk_link_dashboards check (
    jsonb_typeof(dashboards) = 'array' and jsonb_array_length(dashboards) between 1 and 4
    and dashboards <@ '["overview", "funding", "aftercare", "outreach"]'::jsonb
  ),
  rotate_seconds integer not null constraint kiosk_link_rotate_seconds check (rotate_seconds between 10 and 3600),
  created_by text references app_user (id),
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_by text references app_user (id),
  last_seen_at timestamptz
);
`;

const DOWN = String.raw`
drop table if exists kiosk_link;
`;
