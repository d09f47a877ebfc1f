// What survivor figures are published from: the state-month rows of v_survivors_monthly (one row per
// state and month with at least one report), the number of distinct centers that reported, and the
// rounding key. These rows hold exact counts: only survivor-figures.service turns them into figures.
import { sql } from 'kysely';
import type { Tx } from '../dashboards/dashboard.repository.js';

export interface SurvivorRange {
  division?: string;
  state?: string;
  /** First month included, YYYY-MM-DD. */
  start: string;
  /** First month excluded, YYYY-MM-DD. */
  end: string;
}

/** One row per state and month in the range (months with no report have no row). */
export function survivorStateMonths(db: Tx, r: SurvivorRange) {
  const columns = [
    sql<string>`to_char(month, 'YYYY-MM-DD')`.as('month'),
    sql<string>`trim(state)`.as('state'),
    sql<number>`reports::integer`.as('reports'),
    sql<number>`served::integer`.as('served'),
    sql<number>`new_intakes::integer`.as('newIntakes')
  ];
  if (r.division) {
    let q = db.selectFrom('v_survivors_monthly').where('month', '>=', r.start).where('month', '<', r.end).where('division_code', '=', r.division);
    if (r.state) q = q.where('state', '=', r.state);
    return q.select(columns);
  }
  // The view joins region only for its division: without a division filter its rollup is read alone
  // (the same rows: every state of a report is a region).
  let q = db.selectFrom('rollup_survivors').where('reports', '<>', 0).where('month', '>=', r.start).where('month', '<', r.end);
  if (r.state) q = q.where('state', '=', r.state);
  return q.select(columns);
}

/** How many distinct centers reported at least one month in the range. */
export function reportingCenters(db: Tx, r: SurvivorRange) {
  let q = db.selectFrom('survivor_count as sc').where('sc.month', '>=', r.start).where('sc.month', '<', r.end);
  // Region joined only for a division filter (a report's state is always a region).
  if (r.division) {
    const division = r.division;
    q = q.where(({ exists, selectFrom }) =>
      exists(selectFrom('region as rg').select('rg.code').whereRef('rg.code', '=', 'sc.state').where('rg.division_code', '=', division)));
  }
  if (r.state) q = q.where('sc.state', '=', r.state);
  return q.select(sql<number>`count(distinct sc.center_id)::integer`.as('centers'));
}

export function disclosureKey(db: Tx) {
  return db.selectFrom('disclosure_key').select('key').where('id', '=', true);
}
