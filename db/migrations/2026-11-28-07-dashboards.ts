// Frozen in time: never import application code here. Two views the leadership dashboards read
// (dashboards read views only):
// - v_open_request_age: requests still moving through the pipeline, with when they entered their
//   current stage, read oldest first through funding_request_stage_entered (stage, stage_entered_at):
//   the "stuck longer than N days" list costs the rows listed, not the history;
// - v_partner_funded: funded requests per partner (the trigger-kept rollup_partner_funded) with the
//   partner's name and kind, for "top partners".
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, 'drop view if exists v_partner_funded; drop view if exists v_open_request_age;');
}

const UP = String.raw`
create view v_open_request_age as
  select f.id, f.title, f.stage, f.category, f.fiscal_year, f.state, r.division_code, p.name as partner_name,
    f.requested_cents, f.approved_cents, f.stage_entered_at
  from funding_request f join region r on r.code = f.state join partner p on p.id = f.partner_id
  where f.stage in ('intake', 'vetting', 'approved');

create view v_partner_funded as
  select f.partner_id, p.name as partner_name, p.kind as partner_kind, f.fiscal_year, f.category, f.state,
    r.division_code, f.funded_requests
  from rollup_partner_funded f join partner p on p.id = f.partner_id join region r on r.code = f.state
  where f.funded_requests > 0;
`;
