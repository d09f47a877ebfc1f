// Every dashboard figure is read from the v_* views (over trigger-kept rollups), never from base
// tables, so a read costs the same however long the history grows. Each function below builds one
// query; `overviewFigures` runs them as subqueries of ONE statement: one round trip, and one
// snapshot, so every figure reflects the same moment (the change_log seq read with them).
// The overview reads the v_*_scope views (migration 08): one scope's rows per read, a few dozen
// whatever the history, so its cost does not grow with the data.
import { sql, type CompiledQuery, type InferResult, type Kysely, type SelectQueryBuilder } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Database, FundingCategory, ProgramArea } from '../db/schema.js';
import { preparedReader } from '../db/index.js';
import { divisionOf, regionCodes, type RegionCode } from '$lib/regions.js';
import { provisionalMonthsSql } from '../periods/periods.repository.js';
import { disbursedByState, movesInPeriod, movesInPeriodByStage, needFlowInPeriod, outreachInPeriod, partnersPaid, peopleByState, periodBounds, requestsCreated, unitsDelivered, unitsPaid, type PeriodScope } from './period.repository.js';
import { reportingCenters, survivorStateMonths } from '../disclosure/survivor-figures.repository.js';
import type { DayRange } from './dashboard.period.js';

export type Tx = Kysely<Database>;

export interface RegionFilter {
  division?: string;
  state?: string;
}
export interface FundingFilter extends RegionFilter {
  /** First fiscal year included. */
  fiscalYear: number;
  /** Last fiscal year included (a date range can span several); `fiscalYear` when absent. */
  fiscalYearTo?: number;
  category?: FundingCategory;
}
export interface MonthRange extends RegionFilter {
  /** First month included, YYYY-MM-DD. */
  start: string;
  /** First month excluded, YYYY-MM-DD. */
  end: string;
}

type RegionalView = 'v_pipeline' | 'v_stage_duration' | 'v_stage_throughput' | 'v_need_flow' | 'v_outreach_monthly' | 'v_open_request_age' | 'v_partner_funded' | 'v_needs' | 'v_outreach_reach' | 'v_survivors_monthly' | 'v_impact_funding' | 'v_impact_partners' | 'v_oldest_open_critical_needs';

export function whereRegion<V extends RegionalView, O>(q: SelectQueryBuilder<Database, V, O>, f: RegionFilter) {
  let out = q;
  if (f.division) out = out.where(sql.ref('division_code'), '=', f.division);
  if (f.state) out = out.where(sql.ref('state'), '=', f.state);
  return out;
}

/**
 * The scope rows of a region filter: '*' for everything, 'd:<division>', 's:<ST>'. A state outside
 * the filtered division matches nothing (as the two filters together do on the state-grained views).
 */
export function scopeOf(f: RegionFilter): string {
  if (f.state) {
    const known = (regionCodes as readonly string[]).includes(f.state);
    if (f.division && (!known || divisionOf(f.state as RegionCode) !== f.division)) return 'none';
    return `s:${f.state}`;
  }
  return f.division ? `d:${f.division}` : '*';
}

export function whereFunding<V extends 'v_pipeline' | 'v_impact_funding' | 'v_impact_partners' | 'v_stage_duration' | 'v_stage_throughput' | 'v_open_request_age' | 'v_partner_funded', O>(q: SelectQueryBuilder<Database, V, O>, f: FundingFilter) {
  let out =
    f.fiscalYearTo === undefined || f.fiscalYearTo === f.fiscalYear
      ? whereRegion(q, f).where(sql.ref('fiscal_year'), '=', f.fiscalYear)
      : whereRegion(q, f)
          .where(sql.ref('fiscal_year'), '>=', f.fiscalYear)
          .where(sql.ref('fiscal_year'), '<=', f.fiscalYearTo);
  if (f.category) out = out.where(sql.ref('category'), '=', f.category);
  return out;
}

export const sumOf = (col: string) => sql<number>`coalesce(sum(${sql.ref(col)}), 0)::bigint`;

export function openNeedsByPriority(db: Tx, f: RegionFilter) {
  return db.selectFrom('v_needs_scope').where('scope', '=', scopeOf(f))
    .where('status', 'in', ['open', 'in_progress', 'pledged'])
    .select(['priority', sumOf('need_count').as('needs'), sumOf('estimated_cost_cents').as('estimatedCostCents')])
    .groupBy('priority');
}

export function oldestOpenCriticalNeeds(db: Tx, f: RegionFilter, limit: number) {
  return whereRegion(db.selectFrom('v_oldest_open_critical_needs'), f)
    .select(['id', 'title', 'kind', 'status', 'state', 'center_name as centerName', 'estimated_cost_cents as estimatedCostCents', 'needed_by as neededBy', 'created_at as createdAt'])
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit);
}

/** Open needs now per state, for the overview's tile map (every state of the division filter; the state filter is left out). */
export function stateMeasures(db: Tx, _f: FundingFilter, r: MonthRange) {
  // The view joins region for its division only: without a division filter its rollup is read alone.
  return {
    needs: r.division
      ? db.selectFrom('v_needs').where('division_code', '=', r.division)
        .where('status', 'in', ['open', 'in_progress', 'pledged'])
        .select(['state', sumOf('need_count').as('openNeeds')])
        .groupBy('state')
      : db.selectFrom('rollup_need').where('need_count', '<>', 0)
        .where('status', 'in', ['open', 'in_progress', 'pledged'])
        .select(['state', sumOf('need_count').as('openNeeds')])
        .groupBy('state')
  };
}

export function latestSeq(db: Tx) {
  return db.selectFrom('change_log').select(sql<number>`coalesce(max(seq), 0)::bigint`.as('seq'));
}

export interface OverviewQueryInput {
  funding: FundingFilter;
  region: RegionFilter;
  months: MonthRange;
  /** The exact period, with the region and category filters. */
  exact: PeriodScope & { period: DayRange };
  /** The states the tile map shows (the division's, or all). */
  mapStates: string[];
  /** The divisions and months whose sign-off makes the figures final (dashboard.scope, provisionalRange). */
  provisional: { divisions: string[]; from: string; to: string };
}

/** Requests created in the period, per stage and category. */
export function requestsByStageAndCategory(db: Tx, s: PeriodScope) {
  return db.selectFrom(requestsCreated(db, s).as('x'))
    .select(['x.stage', 'x.category', sumOf('x.request_count').as('requests'), sumOf('x.requested_cents').as('requestedCents'),
      sumOf('x.approved_cents').as('approvedCents'), sumOf('x.disbursed_cents').as('disbursedCents')])
    .groupBy(['x.stage', 'x.category']);
}

/** Moves dated in the period per category (every category) and stage, with the money moved. */
export function movesByCategory(db: Tx, s: PeriodScope, orgWide: boolean) {
  return db.selectFrom(movesInPeriodByStage(db, s, { byCategory: true, orgWide }).as('x'))
    .select(['x.category', 'x.to_stage', sumOf('x.moves').as('moves'), sumOf('x.amount_cents').as('amountCents')])
    .groupBy(['x.category', 'x.to_stage']);
}

export function budgetOfYears(db: Tx, fiscalYear: number, fiscalYearTo: number, programArea?: ProgramArea) {
  let q = db.selectFrom('v_budget').where('fiscal_year', '>=', fiscalYear).where('fiscal_year', '<=', fiscalYearTo);
  if (programArea) q = q.where('program_area', '=', programArea);
  return q.select(['program_area as programArea', sumOf('budget_cents').as('budgetCents')]).groupBy('program_area');
}

/** Moves dated in the period per month and stage moved to (region and category filters applied). */
export function movesByMonth(db: Tx, s: PeriodScope) {
  return db.selectFrom(movesInPeriod(db, s).as('x'))
    .select(['x.month', 'x.to_stage as stage', sumOf('x.moves').as('moves'), sumOf('x.amount_cents').as('amountCents')])
    .groupBy(['x.month', 'x.to_stage'])
    .orderBy('x.month');
}

/** The categories whose units the overview counts (K9s, officers trained, extraction licenses, forensic devices, lab equipment). */
export const UNIT_CATEGORIES: FundingCategory[] = ['detection_k9', 'training_scholarship', 'extraction_software', 'forensic_hardware', 'lab_equipment'];

// Compiled overview statements by what they are built from (the query is a pure function of it):
// building and compiling ~17 subqueries with Kysely costs more CPU than the rest of the read's JS.
const compiledOverviews = new Map<string, CompiledQuery>();

export async function overviewFigures(db: Tx, q: OverviewQueryInput) {
  const orgWideIsScope = !q.exact.category && !q.exact.division && !q.exact.state;
  // On a server, a named statement planned once per connection: planning this statement took longer
  // than running it (bench/RESULTS.md, overview). Same SQL, same values, same rows as executing it here.
  const prepared = preparedReader(db);
  let row: InferResult<ReturnType<typeof overviewQuery>>[number];
  if (prepared) {
    const key = JSON.stringify([q.funding, q.region, q.months, q.exact.category, q.exact.division, q.exact.state, q.exact.period.wholeMonths,
      q.exact.period.edgeDays, q.mapStates, q.provisional]);
    let compiled = compiledOverviews.get(key);
    if (!compiled) {
      compiled = overviewQuery(db, q, orgWideIsScope).compile();
      if (compiledOverviews.size >= 256) compiledOverviews.clear();
      compiledOverviews.set(key, compiled);
    }
    row = (await prepared<typeof row>(compiled))[0];
  } else {
    row = await overviewQuery(db, q, orgWideIsScope).executeTakeFirstOrThrow();
  }
  return {
    ...row,
    orgMoves: orgWideIsScope ? row.moves : row.orgMoves,
    seq: row.seq ?? 0,
    survivorCenters: row.survivorCenters ?? 0,
    // JSON carries timestamps as text.
    oldestCritical: row.oldestCritical.map((n) => ({ ...n, createdAt: new Date(n.createdAt) }))
  };
}

/** The overview's one statement: every figure a subquery of it. */
function overviewQuery(db: Tx, q: OverviewQueryInput, orgWideIsScope: boolean) {
  const months = { ...q.months, ...(q.exact.period.wholeMonths ?? { start: q.months.start, end: q.months.start }) };
  return db
    .selectNoFrom((eb) => [
      eb.selectFrom(latestSeq(db).as('s')).select('s.seq').as('seq'),
      provisionalMonthsSql(q.provisional.divisions, q.provisional.from, q.provisional.to).as('provisionalMonths'),
      jsonArrayFrom(requestsByStageAndCategory(db, q.exact)).as('requests'),
      jsonArrayFrom(movesByCategory(db, q.exact, false)).as('moves'),
      // With no category or region filter the organisation's moves are the moves above: not read twice.
      ...(orgWideIsScope ? [] : [jsonArrayFrom(movesByCategory(db, { ...q.exact, category: undefined }, true)).as('orgMoves')]),
      jsonArrayFrom(budgetOfYears(db, q.funding.fiscalYear, q.funding.fiscalYearTo ?? q.funding.fiscalYear)).as('budget'),
      jsonArrayFrom(openNeedsByPriority(db, q.region)).as('needs'),
      jsonArrayFrom(oldestOpenCriticalNeeds(db, q.region, 10)).as('oldestCritical'),
      // Monthly reports, only the months wholly inside the period; exact state-month rows: the service
      // rounds them (survivor disclosure control) before anything leaves it.
      jsonArrayFrom(survivorStateMonths(db, months)).as('survivorCells'),
      eb.selectFrom(reportingCenters(db, months).as('rc')).select('rc.centers').as('survivorCenters'),
      jsonArrayFrom(outreachInPeriod(db, q.exact, 'scope')).as('outreach'),
      jsonArrayFrom(unitsPaid(db, q.exact, UNIT_CATEGORIES)).as('units'),
      jsonArrayFrom(unitsDelivered(db, q.exact)).as('delivered'),
      jsonArrayFrom(partnersPaid(db, q.exact)).as('partners'),
      jsonArrayFrom(needFlowInPeriod(db, q.exact)).as('needFlow'),
      jsonArrayFrom(disbursedByState(db, q.exact, { division: q.region.division, states: q.mapStates })).as('mapDisbursed'),
      jsonArrayFrom(stateMeasures(db, q.funding, q.months).needs).as('mapNeeds'),
      jsonArrayFrom(peopleByState(db, q.exact, { division: q.region.division, states: q.mapStates })).as('mapPeople')
    ]);
}

/**
 * Stuck requests: the period's pipeline (created in the period, in intake, vetting or approved now;
 * region and category filters) that entered their stage before `enteredBefore`.
 */
export function stuckRequests(db: Tx, s: PeriodScope & { period: { start: string; end: string } }, enteredBefore: Date) {
  const { from, to } = periodBounds(s);
  let q = whereRegion(db.selectFrom('v_open_request_age'), s)
    .where('created_at', '>=', from).where('created_at', '<', to)
    .where('stage_entered_at', '<', enteredBefore);
  if (s.category) q = q.where('category', '=', s.category);
  return q;
}
type StuckQuery = ReturnType<typeof stuckRequests>;

/** The stuck requests that entered their stage earliest. */
export function oldestStuck(stuck: StuckQuery, limit: number) {
  return stuck
    .select(['id', 'title', 'stage', 'category', 'state', 'partner_name as partnerName', 'requested_cents as requestedCents',
      'stage_entered_at as stageEnteredAt'])
    .orderBy('stage_entered_at')
    .orderBy('id')
    .limit(limit);
}

export function countOf(stuck: StuckQuery) {
  return stuck.select(sql<number>`count(*)::bigint`.as('n'));
}

/** Needs open now (open, in progress, pledged) by priority, kind and division, with the region filter. */
export function openNeedsByPriorityKindDivision(db: Tx, f: RegionFilter) {
  return whereRegion(db.selectFrom('v_needs'), f)
    .where('status', 'in', ['open', 'in_progress', 'pledged'])
    .select(['priority', 'kind', 'division_code as division', sumOf('need_count').as('needs'), sumOf('estimated_cost_cents').as('estimatedCostCents')])
    .groupBy(['priority', 'kind', 'division_code'])
    .orderBy('priority')
    .orderBy('kind')
    .orderBy('division_code');
}

/** Outreach goals (of one division, or all) whose own period overlaps [start, end), with their progress over their own period. */
export function outreachGoalsOverlapping(db: Tx, r: { start: string; end: string }, division?: string) {
  let goals = db.selectFrom('v_outreach_goal_progress').where('period_start', '<', r.end).where('period_end', '>', r.start);
  if (division) goals = goals.where('division_code', '=', division);
  return goals
    .select(['goal_id as goalId', 'division_code as division', 'period_start as periodStart', 'period_end as periodEnd',
      'people_goal as peopleGoal', 'events_goal as eventsGoal', 'people_reached as peopleReached', 'events_held as eventsHeld'])
    .orderBy('division_code')
    .orderBy('period_start');
}
