// Every dashboard figure is read from the v_* views (over trigger-kept rollups), never from base
// tables, so a read costs the same however long the history grows. Each function below builds one
// query; `overviewFigures` runs them as subqueries of ONE statement: one round trip, and one
// snapshot, so every figure reflects the same moment (the change_log seq read with them).
// The overview reads the v_*_scope views (migration 08): one scope's rows per read, a few dozen
// whatever the history, so its cost does not grow with the data.
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Database, FundingCategory } from '../db/schema.js';
import { divisionOf, regionCodes, type RegionCode } from '$lib/regions.js';
import { reportingCenters, survivorStateMonths } from '../disclosure/survivor-figures.repository.js';

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
  if (f.division) out = out.where('division_code' as never, '=', f.division as never);
  if (f.state) out = out.where('state' as never, '=', f.state as never);
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

function whereScopedFunding<O>(q: SelectQueryBuilder<Database, 'v_funding_scope', O>, f: FundingFilter) {
  let out = whereYears(q.where('scope', '=', scopeOf(f)), f);
  if (f.category) out = out.where('category', '=', f.category);
  return out;
}

/** One fiscal year, or the fiscal years a date range spans. */
function whereYears<V extends 'v_funding_scope' | 'v_partner_support' | 'v_partner_scope', O>(q: SelectQueryBuilder<Database, V, O>, f: FundingFilter) {
  const to = f.fiscalYearTo ?? f.fiscalYear;
  return to === f.fiscalYear
    ? q.where('fiscal_year' as never, '=', f.fiscalYear as never)
    : q.where('fiscal_year' as never, '>=', f.fiscalYear as never).where('fiscal_year' as never, '<=', to as never);
}

export function whereFunding<V extends 'v_pipeline' | 'v_impact_funding' | 'v_impact_partners' | 'v_stage_duration' | 'v_stage_throughput' | 'v_open_request_age' | 'v_partner_funded', O>(q: SelectQueryBuilder<Database, V, O>, f: FundingFilter) {
  let out =
    f.fiscalYearTo === undefined || f.fiscalYearTo === f.fiscalYear
      ? whereRegion(q, f).where('fiscal_year' as never, '=', f.fiscalYear as never)
      : whereRegion(q, f)
          .where('fiscal_year' as never, '>=', f.fiscalYear as never)
          .where('fiscal_year' as never, '<=', f.fiscalYearTo as never);
  if (f.category) out = out.where('category' as never, '=', f.category as never);
  return out;
}

export const sumOf = (col: string) => sql<number>`coalesce(sum(${sql.ref(col)}), 0)::bigint`;

export function pipelineByStage(db: Tx, f: FundingFilter) {
  return whereScopedFunding(db.selectFrom('v_funding_scope'), f)
    .select([
      'stage',
      sumOf('request_count').as('requests'),
      sumOf('requested_cents').as('requestedCents'),
      sumOf('approved_cents').as('approvedCents'),
      sumOf('disbursed_cents').as('disbursedCents')
    ])
    .groupBy('stage');
}

export function moneyByCategory(db: Tx, f: FundingFilter) {
  return whereScopedFunding(db.selectFrom('v_funding_scope'), f)
    .select([
      'category',
      sumOf('requested_cents').as('requestedCents'),
      sql<number>`coalesce(sum(approved_cents) filter (where stage in ('approved', 'disbursed', 'reported')), 0)::bigint`.as('committedCents'),
      sumOf('disbursed_cents').as('disbursedCents')
    ])
    .groupBy('category')
    .orderBy('category');
}

export function budgetForYear(db: Tx, fiscalYear: number, programArea?: string, fiscalYearTo = fiscalYear) {
  let q = db.selectFrom('v_budget').where('fiscal_year', '>=', fiscalYear).where('fiscal_year', '<=', fiscalYearTo);
  if (programArea) q = q.where('program_area', '=', programArea as never);
  return q.select([sumOf('budget_cents').as('budgetCents'), sumOf('committed_cents').as('committedCents'), sumOf('disbursed_cents').as('disbursedCents')]);
}

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

export function outreachReach(db: Tx, r: MonthRange) {
  return db.selectFrom('v_outreach_scope').where('scope', '=', scopeOf(r))
    .where('month', '>=', r.start)
    .where('month', '<', r.end)
    .select([sumOf('event_count').as('events'), sumOf('attendees').as('peopleReached'), sumOf('follow_up_requests').as('followUpRequests')]);
}

const unitsOf = (category: FundingCategory) =>
  sql<number>`coalesce(sum(units) filter (where category = ${category}), 0)::bigint`;

export function fundedUnits(db: Tx, f: FundingFilter) {
  return whereScopedFunding(db.selectFrom('v_funding_scope'), f)
    .where('stage', 'in', ['disbursed', 'reported'])
    .select([
      sumOf('disbursed_cents').as('disbursedCents'),
      unitsOf('detection_k9').as('k9sFunded'),
      unitsOf('training_scholarship').as('officersTrained'),
      unitsOf('extraction_software').as('extractionLicenses'),
      unitsOf('forensic_hardware').as('forensicDevices')
    ]);
}

export function partnersSupported(db: Tx, f: FundingFilter) {
  // One fiscal year: the kept counts. Several (a date range): a partner funded in two of them counts once.
  if ((f.fiscalYearTo ?? f.fiscalYear) === f.fiscalYear) {
    return db
      .selectFrom('v_partner_support')
      .where('scope', '=', scopeOf(f))
      .where('fiscal_year', '=', f.fiscalYear)
      .where('category', '=', f.category ?? '*')
      .select(['partner_kind as kind', 'partners']);
  }
  return whereYears(db.selectFrom('v_partner_scope').where('scope', '=', scopeOf(f)).where('category', '=', f.category ?? '*'), f)
    .select(['partner_kind as kind', sql<number>`count(distinct partner_id)::bigint`.as('partners')])
    .groupBy('partner_kind');
}

/** What moved during the period: money approved and disbursed (stage events), needs opened and closed. */
export function periodFlowQuery(db: Tx, f: FundingFilter, r: MonthRange) {
  const moves = db
    .selectFrom('v_throughput_scope')
    .where('scope', '=', scopeOf(r))
    .where('category', '=', f.category ?? '*')
    .where('month', '>=', r.start)
    .where('month', '<', r.end);
  const needs = db.selectFrom('v_need_flow_scope').where('scope', '=', scopeOf(r)).where('month', '>=', r.start).where('month', '<', r.end);
  const m = moves.select([
    sql<number>`coalesce(sum(amount_cents) filter (where to_stage = 'approved'), 0)::bigint`.as('approvedCents'),
    sql<number>`coalesce(sum(amount_cents) filter (where to_stage = 'disbursed'), 0)::bigint`.as('disbursedCents'),
    sql<number>`coalesce(sum(moves) filter (where to_stage = 'approved'), 0)::bigint`.as('approvedMoves'),
    sql<number>`coalesce(sum(moves) filter (where to_stage = 'disbursed'), 0)::bigint`.as('disbursedMoves')
  ]);
  const n = needs.select([
    sumOf('created').as('needsCreated'),
    sql<number>`coalesce(sum(fulfilled + cancelled), 0)::bigint`.as('needsClosed'),
    sumOf('fulfilled').as('needsFulfilled')
  ]);
  return db.selectFrom(m.as('m')).innerJoin(n.as('n'), (j) => j.onTrue()).selectAll();
}

/**
 * Per state, for the overview's tile map: money disbursed, open needs and people reached. The state
 * filter is left out (the map shows every state of the selected division; the chosen one is marked).
 */
export function stateMeasures(db: Tx, f: FundingFilter, r: MonthRange) {
  const wide = { ...f, state: undefined };
  const months = { ...r, state: undefined };
  return {
    disbursed: whereFunding(db.selectFrom('v_pipeline'), wide).select(['state', sumOf('disbursed_cents').as('disbursedCents')]).groupBy('state'),
    needs: whereRegion(db.selectFrom('v_needs'), months)
      .where('status', 'in', ['open', 'in_progress', 'pledged'])
      .select(['state', sumOf('need_count').as('openNeeds')])
      .groupBy('state'),
    people: whereRegion(db.selectFrom('v_outreach_reach'), months)
      .where('month', '>=', r.start)
      .where('month', '<', r.end)
      .select(['state', sumOf('attendees').as('peopleReached')])
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
  budgetArea?: string;
}

export async function overviewFigures(db: Tx, q: OverviewQueryInput) {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom(latestSeq(db).as('s')).select('s.seq').as('seq'),
      jsonArrayFrom(pipelineByStage(db, q.funding)).as('stages'),
      jsonArrayFrom(moneyByCategory(db, q.funding)).as('byCategory'),
      jsonObjectFrom(budgetForYear(db, q.funding.fiscalYear, q.budgetArea, q.funding.fiscalYearTo)).as('budget'),
      jsonArrayFrom(openNeedsByPriority(db, q.region)).as('needs'),
      jsonArrayFrom(oldestOpenCriticalNeeds(db, q.region, 10)).as('oldestCritical'),
      // Exact state-month rows: the service rounds them (survivor disclosure control) before anything leaves it.
      jsonArrayFrom(survivorStateMonths(db, q.months)).as('survivorCells'),
      eb.selectFrom(reportingCenters(db, q.months).as('rc')).select('rc.centers').as('survivorCenters'),
      jsonObjectFrom(outreachReach(db, q.months)).as('outreach'),
      jsonObjectFrom(fundedUnits(db, q.funding)).as('units'),
      jsonArrayFrom(partnersSupported(db, q.funding)).as('partners'),
      jsonObjectFrom(periodFlowQuery(db, q.funding, q.months)).as('flow'),
      jsonArrayFrom(stateMeasures(db, q.funding, q.months).disbursed).as('mapDisbursed'),
      jsonArrayFrom(stateMeasures(db, q.funding, q.months).needs).as('mapNeeds'),
      jsonArrayFrom(stateMeasures(db, q.funding, q.months).people).as('mapPeople')
    ])
    .executeTakeFirstOrThrow();
  return {
    ...row,
    seq: row.seq ?? 0,
    budget: row.budget!,
    survivorCenters: row.survivorCenters ?? 0,
    outreach: row.outreach!,
    units: row.units!,
    flow: row.flow!,
    // JSON carries timestamps as text.
    oldestCritical: row.oldestCritical.map((n) => ({ ...n, createdAt: new Date(n.createdAt) }))
  };
}
