// The data behind every leadership dashboard: `overview`, `funding`, `aftercare` and `outreach`.
// Each dataset is read from the v_* views only (over trigger-kept rollups), by ONE statement, so its
// figures and the change_log seq it carries reflect one moment. `readAllDashboardDatasets` reads all
// four in one REPEATABLE READ transaction (board snapshots store its result).
// Output is JSON-safe: dates are ISO strings, money integer cents, survivor counts as published by
// the survivor disclosure control (src/lib/server/disclosure/).
import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Db } from '../db/index.js';
import { enums, type FundingCategory, type FundingStage, type ProgramArea } from '../db/schema.js';
import { divisionOf, type RegionCode } from '$lib/regions.js';
import { SURVIVOR_RULE } from '$lib/survivor-figures.js';
import { publishSurvivorMonths, survivorRoundingKey, survivorStateMonths } from '../disclosure/survivor-figures.service.js';
import type { DashboardFilterInput } from './dashboard.filters.js';
import { monthsOf, resolvePeriod, type DashboardPeriod } from './dashboard.period.js';
import { dashboardOverview } from './dashboard.service.js';
import * as repo from './dashboard.repository.js';
import { latestSeq, sumOf, whereFunding, whereRegion, type FundingFilter, type MonthRange, type RegionFilter } from './dashboard.repository.js';

export interface DatasetOptions {
  fiscalYearStartMonth: number;
  /** "Now" for the current fiscal year and for how long a request has been in its stage. */
  now?: Date;
  /** A request in intake, vetting or approved longer than this is listed as stuck (default 30). */
  stuckAfterDays?: number;
}

export const DASHBOARD_NAMES = ['overview', 'funding', 'aftercare', 'outreach'] as const;
export type DashboardName = (typeof DASHBOARD_NAMES)[number];

const OPEN_NEED_STATUSES = ['open', 'in_progress', 'pledged'] as const;
const STUCK_LIMIT = 20;
const TOP_PARTNERS = 10;
const OLDEST_CRITICAL = 10;
const DEFAULT_STUCK_DAYS = 30;

const PROGRAM_AREA_OF: Record<FundingCategory, ProgramArea> = {
  forensic_hardware: 'law_enforcement', extraction_software: 'law_enforcement', detection_k9: 'law_enforcement',
  training_scholarship: 'law_enforcement', lab_equipment: 'forensic_labs', lab_facility: 'forensic_labs',
  aftercare_equipment: 'aftercare', aftercare_facility: 'aftercare', survivor_basic_needs: 'aftercare',
  outreach_program: 'education'
};

interface Scope {
  period: DashboardPeriod;
  region: RegionFilter;
  funding: FundingFilter;
  months: MonthRange;
}

function scopeOf(filters: DashboardFilterInput, options: DatasetOptions): Scope {
  const period = resolvePeriod(filters, options);
  const region = { division: filters.division, state: filters.state };
  return {
    period,
    region,
    funding: { ...region, fiscalYear: period.fiscalYear, fiscalYearTo: period.fiscalYearTo, category: filters.category },
    months: { ...region, start: period.start, end: period.end }
  };
}

/** What every dataset says about itself: when it was read, which change it reflects, for what. */
function header(scope: Scope, filters: DashboardFilterInput, seq: number, now: Date) {
  return {
    asOf: now.toISOString(),
    seq,
    period: { kind: scope.period.kind, label: scope.period.label, start: scope.period.start, end: scope.period.end,
      fiscalYear: scope.period.fiscalYear, fiscalYearTo: scope.period.fiscalYearTo },
    filters: { ...filters }
  };
}

const byMonth = <R extends { month: string }>(rows: R[]) => new Map(rows.map((r) => [r.month, r]));

// ───────────────────────────── funding ─────────────────────────────

/** Median and p90 (whole days, the cumulative method of v_time_in_stage) from a days histogram. */
export function percentilesOf(histogram: Array<{ days: number; moves: number }>) {
  const sorted = [...histogram].sort((a, b) => a.days - b.days);
  const total = sorted.reduce((s, h) => s + h.moves, 0);
  let cum = 0;
  let median: number | null = null;
  let p90: number | null = null;
  for (const h of sorted) {
    cum += h.moves;
    if (median === null && cum >= 0.5 * total) median = h.days;
    if (p90 === null && cum >= 0.9 * total) p90 = h.days;
  }
  return { moves: total, medianDays: total ? median : null, p90Days: total ? p90 : null };
}

export async function fundingDataset(db: Db, filters: DashboardFilterInput, options: DatasetOptions) {
  const now = options.now ?? new Date();
  const scope = scopeOf(filters, options);
  const { funding, months } = scope;
  const stuckDays = options.stuckAfterDays ?? DEFAULT_STUCK_DAYS;
  const stuckBefore = new Date(now.getTime() - stuckDays * 86_400_000);

  let throughput = whereRegion(db.selectFrom('v_stage_throughput'), months).where('month', '>=', months.start).where('month', '<', months.end);
  if (funding.category) throughput = throughput.where('category', '=', funding.category);
  let budget = db.selectFrom('v_budget').where('fiscal_year', '>=', funding.fiscalYear).where('fiscal_year', '<=', funding.fiscalYearTo ?? funding.fiscalYear);
  if (funding.category) budget = budget.where('program_area', '=', PROGRAM_AREA_OF[funding.category]);
  const stuck = whereFunding(db.selectFrom('v_open_request_age'), funding).where('stage_entered_at', '<', stuckBefore);

  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom(latestSeq(db).as('s')).select('s.seq').as('seq'),
      jsonArrayFrom(
        whereFunding(db.selectFrom('v_pipeline'), funding)
          .select(['stage', 'category', sumOf('request_count').as('requests'), sumOf('requested_cents').as('requestedCents'),
            sumOf('approved_cents').as('approvedCents'), sumOf('disbursed_cents').as('disbursedCents')])
          .groupBy(['stage', 'category'])
          .orderBy('stage')
          .orderBy('category')
      ).as('pipeline'),
      jsonArrayFrom(
        whereFunding(db.selectFrom('v_stage_duration'), funding).select(['stage', 'days', sumOf('moves').as('moves')]).groupBy(['stage', 'days'])
      ).as('durations'),
      jsonArrayFrom(
        stuck
          .select(['id', 'title', 'stage', 'category', 'state', 'partner_name as partnerName', 'requested_cents as requestedCents',
            'stage_entered_at as stageEnteredAt'])
          .orderBy('stage_entered_at')
          .orderBy('id')
          .limit(STUCK_LIMIT)
      ).as('stuck'),
      eb.selectFrom(stuck.select(sql<number>`count(*)::bigint`.as('n')).as('c')).select('c.n').as('stuckCount'),
      jsonArrayFrom(
        throughput.select(['month', 'to_stage as stage', sumOf('moves').as('moves'), sumOf('amount_cents').as('amountCents')])
          .groupBy(['month', 'to_stage'])
          .orderBy('month')
      ).as('throughput'),
      jsonArrayFrom(
        budget
          .select(['program_area as programArea', sumOf('budget_cents').as('budgetCents'), sumOf('committed_cents').as('committedCents'),
            sumOf('disbursed_cents').as('disbursedCents')])
          .groupBy('program_area')
      ).as('budget'),
      jsonArrayFrom(
        whereFunding(db.selectFrom('v_partner_funded'), funding)
          .select(['partner_id as partnerId', 'partner_name as name', 'partner_kind as kind', sumOf('funded_requests').as('fundedRequests')])
          .groupBy(['partner_id', 'partner_name', 'partner_kind'])
          .orderBy(sql`sum(funded_requests)`, 'desc')
          .orderBy('partner_name')
          .limit(TOP_PARTNERS)
      ).as('topPartners')
    ])
    .executeTakeFirstOrThrow();

  const stageOrder = (s: string) => enums.funding_stage.indexOf(s as FundingStage);
  const monthList = monthsOf(months);
  const flows = ['approved', 'disbursed', 'declined', 'withdrawn'] as const;
  return {
    ...header(scope, filters, row.seq ?? 0, now),
    pipeline: row.pipeline.sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage) || (a.category < b.category ? -1 : 1)),
    pipelineByStage: enums.funding_stage.map((stage) => {
      const rows = row.pipeline.filter((p) => p.stage === stage);
      return {
        stage,
        requests: rows.reduce((s, r) => s + r.requests, 0),
        requestedCents: rows.reduce((s, r) => s + r.requestedCents, 0)
      };
    }),
    timeInStage: enums.funding_stage
      .filter((s) => !['declined', 'withdrawn', 'reported'].includes(s))
      .map((stage) => ({ stage, ...percentilesOf(row.durations.filter((d) => d.stage === stage)) })),
    stuck: {
      thresholdDays: stuckDays,
      count: row.stuckCount ?? 0,
      oldest: row.stuck.map((r) => ({
        ...r,
        stageEnteredAt: new Date(r.stageEnteredAt).toISOString(),
        daysInStage: Math.floor((now.getTime() - new Date(r.stageEnteredAt).getTime()) / 86_400_000)
      }))
    },
    throughput: monthList.map((month) => {
      const inMonth = row.throughput.filter((t) => t.month === month);
      const of = (stage: string) => inMonth.find((t) => t.stage === stage);
      return {
        month,
        ...Object.fromEntries(flows.map((f) => [`${f}Moves`, of(f)?.moves ?? 0])),
        approvedCents: of('approved')?.amountCents ?? 0,
        disbursedCents: of('disbursed')?.amountCents ?? 0
      } as { month: string; approvedMoves: number; disbursedMoves: number; declinedMoves: number; withdrawnMoves: number; approvedCents: number; disbursedCents: number };
    }),
    budget: enums.program_area
      .filter((area) => !funding.category || PROGRAM_AREA_OF[funding.category] === area)
      .map((programArea) => {
        const b = row.budget.find((x) => x.programArea === programArea);
        return { programArea, budgetCents: b?.budgetCents ?? 0, committedCents: b?.committedCents ?? 0, disbursedCents: b?.disbursedCents ?? 0 };
      }),
    /** The budget is set per program area for the whole organisation: region filters do not apply to it. */
    budgetIsOrgWide: true,
    topPartners: row.topPartners
  };
}

// ───────────────────────────── aftercare ─────────────────────────────

export async function aftercareDataset(db: Db, filters: DashboardFilterInput, options: DatasetOptions) {
  const now = options.now ?? new Date();
  const scope = scopeOf(filters, options);
  const { region, months } = scope;
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom(latestSeq(db).as('s')).select('s.seq').as('seq'),
      jsonArrayFrom(
        whereRegion(db.selectFrom('v_needs'), region)
          .where('status', 'in', [...OPEN_NEED_STATUSES])
          .select(['priority', 'kind', 'division_code as division', sumOf('need_count').as('needs'), sumOf('estimated_cost_cents').as('estimatedCostCents')])
          .groupBy(['priority', 'kind', 'division_code'])
          .orderBy('priority')
          .orderBy('kind')
          .orderBy('division_code')
      ).as('openNeeds'),
      jsonArrayFrom(repo.oldestOpenCriticalNeeds(db, region, OLDEST_CRITICAL)).as('oldestCritical'),
      jsonArrayFrom(
        whereRegion(db.selectFrom('v_need_flow'), months)
          .where('month', '>=', months.start)
          .where('month', '<', months.end)
          .select(['month', sumOf('created').as('created'), sumOf('fulfilled').as('fulfilled'), sumOf('cancelled').as('cancelled')])
          .groupBy('month')
      ).as('flow'),
      // Exact state-month rows: published below only through the survivor disclosure control.
      jsonArrayFrom(survivorStateMonths(db, months)).as('survivorCells')
    ])
    .executeTakeFirstOrThrow();

  const flow = byMonth(row.flow);
  const survivorKey = await survivorRoundingKey(db);
  const priorityOrder = (p: string) => (enums.need_priority as readonly string[]).indexOf(p);
  const openNeeds = row.openNeeds.sort((a, b) => priorityOrder(a.priority) - priorityOrder(b.priority));
  return {
    ...header(scope, filters, row.seq ?? 0, now),
    /** Needs have no funding category: the category filter does not apply here. */
    categoryApplies: false,
    openNeeds,
    openByPriority: enums.need_priority.map((priority) => {
      const rows = openNeeds.filter((n) => n.priority === priority);
      return { priority, needs: rows.reduce((s, r) => s + r.needs, 0), estimatedCostCents: rows.reduce((s, r) => s + r.estimatedCostCents, 0) };
    }),
    openTotals: {
      needs: openNeeds.reduce((s, r) => s + r.needs, 0),
      estimatedCostCents: openNeeds.reduce((s, r) => s + r.estimatedCostCents, 0)
    },
    oldestCritical: row.oldestCritical.map((n) => ({
      ...n,
      createdAt: new Date(n.createdAt).toISOString(),
      daysOpen: Math.floor((now.getTime() - new Date(n.createdAt).getTime()) / 86_400_000)
    })),
    /** Fulfilment rate: needs fulfilled ÷ needs closed (fulfilled + cancelled) that month; null when none closed. */
    fulfilment: monthsOf(months).map((month) => {
      const f = flow.get(month);
      const closed = (f?.fulfilled ?? 0) + (f?.cancelled ?? 0);
      return {
        month,
        created: f?.created ?? 0,
        fulfilled: f?.fulfilled ?? 0,
        cancelled: f?.cancelled ?? 0,
        ratePercent: closed ? Math.round(((f?.fulfilled ?? 0) / closed) * 1000) / 10 : null
      };
    }),
    /** Aggregate monthly counts reported by aftercare centers, rounded and withheld by the survivor rule. */
    survivorsMonthly: publishSurvivorMonths(row.survivorCells, monthsOf(months), survivorKey),
    survivorRule: SURVIVOR_RULE
  };
}

// ───────────────────────────── outreach ─────────────────────────────

export async function outreachDataset(db: Db, filters: DashboardFilterInput, options: DatasetOptions) {
  const now = options.now ?? new Date();
  const scope = scopeOf(filters, options);
  const { months } = scope;
  const goalDivision = filters.division ?? (filters.state ? divisionOf(filters.state as RegionCode) : undefined);
  let goals = db
    .selectFrom('v_outreach_goal_progress')
    .where('period_start', '<', months.end)
    .where('period_end', '>', months.start);
  if (goalDivision) goals = goals.where('division_code', '=', goalDivision);

  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom(latestSeq(db).as('s')).select('s.seq').as('seq'),
      jsonArrayFrom(
        whereRegion(db.selectFrom('v_outreach_reach'), months)
          .where('month', '>=', months.start)
          .where('month', '<', months.end)
          .select(['month', 'division_code as division', sumOf('event_count').as('events'), sumOf('attendees').as('peopleReached'),
            sumOf('follow_up_requests').as('followUpRequests')])
          .groupBy(['month', 'division_code'])
          .orderBy('month')
          .orderBy('division_code')
      ).as('reach'),
      jsonArrayFrom(
        whereRegion(db.selectFrom('v_outreach_monthly'), months)
          .where('month', '>=', months.start)
          .where('month', '<', months.end)
          .select(['format', 'audience', sumOf('event_count').as('events'), sumOf('attendees').as('peopleReached'),
            sumOf('follow_up_requests').as('followUpRequests')])
          .groupBy(['format', 'audience'])
          .orderBy('format')
          .orderBy('audience')
      ).as('formats'),
      jsonArrayFrom(
        goals
          .select(['goal_id as goalId', 'division_code as division', 'period_start as periodStart', 'period_end as periodEnd',
            'people_goal as peopleGoal', 'events_goal as eventsGoal', 'people_reached as peopleReached', 'events_held as eventsHeld'])
          .orderBy('division_code')
          .orderBy('period_start')
      ).as('goals')
    ])
    .executeTakeFirstOrThrow();

  const monthList = monthsOf(months);
  const monthsIn = (start: string, end: string) => monthsOf({ start, end }).length;
  const divisions = [...new Set([...row.reach.map((r) => r.division), ...row.goals.map((g) => g.division)])].sort();
  const totals = (pick: (r: (typeof row.reach)[number]) => number) => (month: string) =>
    row.reach.filter((r) => r.month === month).reduce((s, r) => s + pick(r), 0);
  const people = totals((r) => r.peopleReached);
  const events = totals((r) => r.events);
  const followUps = totals((r) => r.followUpRequests);
  return {
    ...header(scope, filters, row.seq ?? 0, now),
    categoryApplies: false,
    /** Goals are set per division: with a state filter, the goal shown is its division's. */
    goalDivision: goalDivision ?? null,
    monthly: monthList.map((month) => {
      // A goal spread evenly over the months of its period.
      const goal = row.goals
        .filter((g) => g.periodStart <= month && month < g.periodEnd)
        .reduce((s, g) => s + g.peopleGoal / monthsIn(g.periodStart, g.periodEnd), 0);
      return { month, peopleReached: people(month), peopleGoal: Math.round(goal), events: events(month), followUpRequests: followUps(month) };
    }),
    byDivision: divisions.map((division) => ({
      division,
      months: monthList.map((month) => {
        const r = row.reach.find((x) => x.month === month && x.division === division);
        const goal = row.goals
          .filter((g) => g.division === division && g.periodStart <= month && month < g.periodEnd)
          .reduce((s, g) => s + g.peopleGoal / monthsIn(g.periodStart, g.periodEnd), 0);
        return { month, peopleReached: r?.peopleReached ?? 0, peopleGoal: Math.round(goal) };
      })
    })),
    byFormatAudience: row.formats,
    byFormat: enums.outreach_format.map((format) => ({
      format,
      events: row.formats.filter((f) => f.format === format).reduce((s, f) => s + f.events, 0),
      peopleReached: row.formats.filter((f) => f.format === format).reduce((s, f) => s + f.peopleReached, 0)
    })),
    byAudience: enums.outreach_audience.map((audience) => ({
      audience,
      events: row.formats.filter((f) => f.audience === audience).reduce((s, f) => s + f.events, 0),
      peopleReached: row.formats.filter((f) => f.audience === audience).reduce((s, f) => s + f.peopleReached, 0)
    })),
    goals: row.goals,
    totals: {
      events: monthList.reduce((s, m) => s + events(m), 0),
      peopleReached: monthList.reduce((s, m) => s + people(m), 0),
      followUpRequests: monthList.reduce((s, m) => s + followUps(m), 0)
    }
  };
}

// ───────────────────────────── overview ─────────────────────────────

/** The overview as JSON (the tRPC procedure keeps Dates; snapshots and pushes carry strings). */
export async function overviewDataset(db: Db, filters: DashboardFilterInput, options: DatasetOptions) {
  return toJson(await dashboardOverview(db, filters, options));
}

function toJson<T>(value: T): Jsonified<T> {
  return JSON.parse(JSON.stringify(value)) as Jsonified<T>;
}

/** The type a value has after a JSON round trip (Dates become strings). */
export type Jsonified<T> = T extends Date
  ? string
  : T extends Array<infer U>
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

export type OverviewDataset = Awaited<ReturnType<typeof overviewDataset>>;
export type FundingDataset = Awaited<ReturnType<typeof fundingDataset>>;
export type AftercareDataset = Awaited<ReturnType<typeof aftercareDataset>>;
export type OutreachDataset = Awaited<ReturnType<typeof outreachDataset>>;

export interface AllDashboardDatasets {
  /** The change_log seq every dataset reflects (one snapshot). */
  seq: number;
  asOf: string;
  datasets: { overview: OverviewDataset; funding: FundingDataset; aftercare: AftercareDataset; outreach: OutreachDataset };
}

/**
 * All four dashboards in one REPEATABLE READ transaction: every statement sees the same snapshot,
 * so the datasets agree with each other and with the one seq returned.
 */
export async function readAllDashboardDatasets(db: Db, filters: DashboardFilterInput, options: DatasetOptions): Promise<AllDashboardDatasets> {
  const now = options.now ?? new Date();
  const opts = { ...options, now };
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const { seq } = await latestSeq(trx).executeTakeFirstOrThrow();
      const overview = await overviewDataset(trx, filters, opts);
      const funding = await fundingDataset(trx, filters, opts);
      const aftercare = await aftercareDataset(trx, filters, opts);
      const outreach = await outreachDataset(trx, filters, opts);
      return { seq: seq ?? 0, asOf: now.toISOString(), datasets: { overview, funding, aftercare, outreach } };
    });
}
