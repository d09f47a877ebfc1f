// Frozen in time: never import application code here. The live engine's two tables:
// - socket_io_attachments: @socket.io/postgres-adapter stores cross-instance packets over NOTIFY's
//   8000-byte limit here (its default table name and shape; it deletes old rows itself);
// - change_log_horizon: the highest seq the pruning job has deleted, so catch-up can tell exactly
//   whether a client's last seq is still covered by the retained log (seq has gaps: rolled-back
//   transactions consume numbers, so min(seq) alone cannot tell).
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, 'drop table if exists change_log_horizon; drop table if exists socket_io_attachments;');
}

const UP = String.raw`
create table socket_io_attachments (
  id bigserial primary key,
  created_at timestamptz not null default now(),
  payload bytea not null
);
create index socket_io_attachments_created_at on socket_io_attachments (created_at);

create table change_log_horizon (
  id boolean primary key default true constraint change_log_horizon_single_row check (id),
  pruned_through bigint not null default 0
);
insert into change_log_horizon default values;
`;
