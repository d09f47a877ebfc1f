// Frozen in time: never import application code here. A decline or a withdrawal carries its reason
// (issue 16, item 2), whoever writes it (SQL included): a stage move to `declined` or `withdrawn`
// without a reason is refused by a table constraint (the reason's own constraint already refuses one
// shorter than 3 characters). Moves recorded before this rule had no reason to give: they are marked
// as such, in words a reader of the history understands, rather than left blank — the events are
// append-only, so their user triggers are set aside for this one fill as in migration 2026-12-03-01.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

const UP = String.raw`
alter table funding_stage_event disable trigger user;
update funding_stage_event set reason = 'No reason was recorded: decided before Beacon asked for one.'
  where kind = 'move' and to_stage in ('declined', 'withdrawn') and reason is null;
alter table funding_stage_event enable trigger user;
alter table funding_stage_event
  add constraint funding_stage_event_decision_reason check (kind <> 'move' or to_stage not in ('declined', 'withdrawn') or reason is not null);
`;

const DOWN = String.raw`
alter table funding_stage_event drop constraint if exists funding_stage_event_decision_reason;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}
