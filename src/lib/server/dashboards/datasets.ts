// The data behind every leadership dashboard: `overview`, `funding`, `aftercare` and `outreach`.
// Each dataset is read from the v_* views only (over trigger-kept rollups), by ONE statement, so its
// figures and the change_log seq it carries reflect one moment. `readAllDashboardDatasets` reads all
// four in one REPEATABLE READ transaction (board snapshots store its result).
// Output is JSON-safe: dates are ISO strings, money integer cents, survivor counts as published by
// the survivor disclosure control (src/lib/server/disclosure/).
import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Db } from '../db/index.js';
import { config } from '../config.js';
import { enums, type FundingCategory, type FundingStage } from '../db/schema.js';
import { PROGRAM_AREA_OF } from '../funding/program-areas.js';
import { divisionOf, type RegionCode } from '$lib/regions.js';
import { SURVIVOR_RULE } from '$lib/survivor-figures.js';
import { publishSurvivorMonths, survivorRoundingKey, survivorStateMonths } from '../disclosure/survivor-figures.service.js';
import type { DashboardFilterInput } from './dashboard.filters.js';
import { addDays, daysIn, monthsOf, resolvePeriod, type DashboardPeriod } from './dashboard.period.js';
import { dashboardOverview } from './dashboard.service.js';
import * as repo from './dashboard.repository.js';
import { latestSeq, sumOf, whereRegion, type FundingFilter, type MonthRange, type RegionFilter } from './dashboard.repository.js';
import { needFlowInPeriod, outreachInPeriod, periodBounds, stageDaysInPeriod, topPartnersPaid, type PeriodScope } from './period.repository.js';

export interface DatasetOptions {
  fiscalYearStartMonth: number;
  /** The organisation's time zone (BEACON_TIME_ZONE): which fiscal year "now" is in. */
  timeZone?: string;
  /** "Now" for the current fiscal year and for how long a request has been in its stage. */
  now?: Date;
  /** A request in intake, vetting or approved longer than this is listed as stuck (default 30). */
  stuckAfterDays?: number;
}

export type DashboardName = 'overview' | 'funding' | 'aftercare' | 'outreach';

const OPEN_NEED_STATUSES = ['open', 'in_progress', 'pledged'] as const;
const STUCK_LIMIT = 20;
const TOP_PARTNERS = 10;
const OLDEST_CRITICAL = 10;
const DEFAULT_STUCK_DAYS = 30;

interface Scope {
  period: DashboardPeriod;
  region: RegionFilter;
  funding: FundingFilter;
  months: MonthRange;
  /** The exact period with the region and category filters (whole months + edge days). */
  exact: PeriodScope & { period: DashboardPeriod };
  timeZone: string;
}

function scopeOf(filters: DashboardFilterInput, options: DatasetOptions): Scope {
  const period = resolvePeriod(filters, { ...options, timeZone: organisationTimeZone(options) });
  const region = { division: filters.division, state: filters.state };
  return {
    period,
    region,
    funding: { ...region, fiscalYear: period.fiscalYear, fiscalYearTo: period.fiscalYearTo, category: filters.category },
    months: { ...region, start: period.start, end: period.end },
    exact: { ...region, period, category: filters.category },
    timeZone: organisationTimeZone(options)
  };
}

/** The zone days and "as of" times are told in: the option, else BEACON_TIME_ZONE. */
export const organisationTimeZone = (options: { timeZone?: string }) => options.timeZone ?? config().timeZone;

/** What every dataset says about itself: when it was read, which change it reflects, for what. */
function header(scope: Scope, filters: DashboardFilterInput, seq: number, now: Date) {
  return {
    asOf: now.toISOString(),
    /** The organisation's time zone: periods are its calendar days, "as of" is told in it. */
    timeZone: scope.timeZone,
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
  const { funding, months, exact } = scope;
  const stuckDays = options.stuckAfterDays ?? DEFAULT_STUCK_DAYS;
  const stuckBefore = new Date(now.getTime() - stuckDays * 86_400_000);

  // Stuck: requests of the pipeline (created in the period, open now) in their stage since before the threshold.
  const { from, to } = periodBounds(exact);
  let stuck = whereRegion(db.selectFrom('v_open_request_age'), scope.region)
    .where('created_at', '>=', from).where('created_at', '<', to)
    .where('stage_entered_at', '<', stuckBefore);
  if (funding.category) stuck = stuck.where('category', '=', funding.category);

  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom(latestSeq(db).as('s')).select('s.seq').as('seq'),
      jsonArrayFrom(repo.requestsByStageAndCategory(db, exact).orderBy('x.stage').orderBy('x.category')).as('pipeline'),
      jsonArrayFrom(stageDaysInPeriod(db, exact)).as('durations'),
      jsonArrayFrom(
        stuck
          .select(['id', 'title', 'stage', 'category', 'state', 'partner_name as partnerName', 'requested_cents as requestedCents',
            'stage_entered_at as stageEnteredAt'])
          .orderBy('stage_entered_at')
          .orderBy('id')
          .limit(STUCK_LIMIT)
      ).as('stuck'),
      eb.selectFrom(stuck.select(sql<number>`count(*)::bigint`.as('n')).as('c')).select('c.n').as('stuckCount'),
      jsonArrayFrom(repo.movesByMonth(db, exact)).as('throughput'),
      jsonArrayFrom(repo.budgetOfYears(db, funding.fiscalYear, funding.fiscalYearTo ?? funding.fiscalYear)).as('budget'),
      jsonArrayFrom(repo.movesByCategory(db, { ...exact, category: undefined }, true)).as('orgMoves'),
      jsonArrayFrom(topPartnersPaid(db, exact, TOP_PARTNERS)).as('topPartners')
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
    /** Per program area, organisation-wide: budgets of the fiscal years the period overlaps, approvals and payments dated in it. */
    budget: enums.program_area
      .filter((area) => !funding.category || PROGRAM_AREA_OF[funding.category] === area)
      .map((programArea) => {
        const moves = row.orgMoves.filter((m) => PROGRAM_AREA_OF[m.category as FundingCategory] === programArea);
        const moved = (stage: string) => moves.filter((m) => m.to_stage === stage).reduce((s, m) => s + m.amountCents, 0);
        return {
          programArea,
          budgetCents: row.budget.filter((b) => b.programArea === programArea).reduce((s, b) => s + b.budgetCents, 0),
          committedCents: moved('approved'),
          disbursedCents: moved('disbursed')
        };
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
  const { region, months, exact, period } = scope;
  // Survivor counts are monthly reports: only the months wholly inside the period.
  const reportMonths = period.wholeMonths ?? { start: period.start, end: period.start };
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
      jsonArrayFrom(needFlowInPeriod(db, exact)).as('flow'),
      // Exact state-month rows of the months wholly in the period: published below only through the
      // survivor disclosure control.
      jsonArrayFrom(survivorStateMonths(db, { ...months, ...reportMonths })).as('survivorCells')
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
    survivorsMonthly: publishSurvivorMonths(row.survivorCells, monthsOf(reportMonths), survivorKey),
    survivorRule: SURVIVOR_RULE
  };
}

// ───────────────────────────── outreach ─────────────────────────────

export async function outreachDataset(db: Db, filters: DashboardFilterInput, options: DatasetOptions) {
  const now = options.now ?? new Date();
  const scope = scopeOf(filters, options);
  const { months, exact } = scope;
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
        db.selectFrom(outreachInPeriod(db, exact, 'division').as('x'))
          .select(['x.month', 'x.division', sumOf('x.event_count').as('events'), sumOf('x.attendees').as('peopleReached'),
            sumOf('x.follow_up_requests').as('followUpRequests')])
          .groupBy(['x.month', 'x.division'])
          .orderBy('x.month')
          .orderBy('x.division')
      ).as('reach'),
      jsonArrayFrom(
        db.selectFrom(outreachInPeriod(db, exact, 'formats').as('x'))
          .select(['x.format', 'x.audience', sumOf('x.event_count').as('events'), sumOf('x.attendees').as('peopleReached'),
            sumOf('x.follow_up_requests').as('followUpRequests')])
          .groupBy(['x.format', 'x.audience'])
          .orderBy('x.format')
          .orderBy('x.audience')
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
  // A month only partly in the period gets the share of its days that are.
  const shareInPeriod = (month: string) => {
    const next = addDays(`${month.slice(0, 8)}28`, 4).slice(0, 8) + '01';
    const inside = { start: month > months.start ? month : months.start, end: next < months.end ? next : months.end };
    return daysIn(inside) / daysIn({ start: month, end: next });
  };
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
        .reduce((s, g) => s + (g.peopleGoal / monthsIn(g.periodStart, g.periodEnd)) * shareInPeriod(month), 0);
      return { month, peopleReached: people(month), peopleGoal: Math.round(goal), events: events(month), followUpRequests: followUps(month) };
    }),
    byDivision: divisions.map((division) => ({
      division,
      months: monthList.map((month) => {
        const r = row.reach.find((x) => x.month === month && x.division === division);
        const goal = row.goals
          .filter((g) => g.division === division && g.periodStart <= month && month < g.periodEnd)
          .reduce((s, g) => s + (g.peopleGoal / monthsIn(g.periodStart, g.periodEnd)) * shareInPeriod(month), 0);
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
