// The aftercare dashboard (`dashboard.aftercare`, docs/figures.md "/dashboard/aftercare"): read from
// the views by ONE statement for one dashboard scope; survivor counts only as published by the
// survivor disclosure control (src/lib/server/disclosure/). JSON-safe.
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Db } from '../db/index.js';
import { enums } from '../db/schema.js';
import { SURVIVOR_RULE } from '$lib/survivor-figures.js';
import { publishSurvivorMonths, survivorRoundingKey, survivorStateMonths } from '../disclosure/survivor-figures.service.js';
import type { DashboardFilterInput } from './dashboard.filters.js';
import { monthsOf } from './dashboard.period.js';
import * as repo from './dashboard.repository.js';
import { latestSeq } from './dashboard.repository.js';
import { needFlowInPeriod } from './period.repository.js';
import { datasetHeader, provisionalOf, resolveScope, type DashboardScope, type DatasetOptions } from './dashboard.scope.js';

const OLDEST_CRITICAL = 10;
const byMonth = <R extends { month: string }>(rows: R[]) => new Map(rows.map((r) => [r.month, r]));

export async function aftercareDataset(db: Db, filters: DashboardFilterInput, options: DatasetOptions) {
  return aftercareOf(db, resolveScope(filters, options));
}

/** The aftercare dashboard for one scope. */
export async function aftercareOf(db: Db, scope: DashboardScope) {
  const { now, region, months, exact, period } = scope;
  // Survivor counts are monthly reports: only the months wholly inside the period.
  const reportMonths = period.wholeMonths ?? { start: period.start, end: period.start };
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom(latestSeq(db).as('s')).select('s.seq').as('seq'),
      jsonArrayFrom(repo.openNeedsByPriorityKindDivision(db, region)).as('openNeeds'),
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
    ...datasetHeader(scope, row.seq ?? 0, await provisionalOf(db, scope)),
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


export type AftercareDataset = Awaited<ReturnType<typeof aftercareOf>>;
