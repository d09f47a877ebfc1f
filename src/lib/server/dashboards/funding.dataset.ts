// The funding dashboard (`dashboard.funding`, docs/figures.md "/dashboard/funding"): read from the
// views by ONE statement (one snapshot, one seq) for one dashboard scope. JSON-safe: dates are ISO
// strings, money integer cents.
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Db } from '../db/index.js';
import { enums, type FundingCategory, type FundingStage } from '../db/schema.js';
import type { DashboardFilterInput } from './dashboard.filters.js';
import { monthsOf } from './dashboard.period.js';
import * as repo from './dashboard.repository.js';
import { latestSeq } from './dashboard.repository.js';
import { stageDaysInPeriod, topPartnersPaid } from './period.repository.js';
import { datasetHeader, provisionalOf, resolveScope, type DashboardScope, type DatasetOptions } from './dashboard.scope.js';
import { PROGRAM_AREA_OF } from '../funding/program-areas.js';

const STUCK_LIMIT = 20;
const TOP_PARTNERS = 10;
const DEFAULT_STUCK_DAYS = 30;

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
  return fundingOf(db, resolveScope(filters, options), options.stuckAfterDays);
}

/** The funding dashboard for one scope. */
export async function fundingOf(db: Db, scope: DashboardScope, stuckAfterDays = DEFAULT_STUCK_DAYS) {
  const { now, funding, months, exact } = scope;
  const stuckDays = stuckAfterDays;
  const stuck = repo.stuckRequests(db, exact, new Date(now.getTime() - stuckDays * 86_400_000));

  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom(latestSeq(db).as('s')).select('s.seq').as('seq'),
      jsonArrayFrom(repo.requestsByStageAndCategory(db, exact).orderBy('x.stage').orderBy('x.category')).as('pipeline'),
      jsonArrayFrom(stageDaysInPeriod(db, exact)).as('durations'),
      jsonArrayFrom(repo.oldestStuck(stuck, STUCK_LIMIT)).as('stuck'),
      eb.selectFrom(repo.countOf(stuck).as('c')).select('c.n').as('stuckCount'),
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
    ...datasetHeader(scope, row.seq ?? 0, await provisionalOf(db, scope)),
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


export type FundingDataset = Awaited<ReturnType<typeof fundingOf>>;
