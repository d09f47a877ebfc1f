// The data behind every leadership dashboard, one module per dashboard (overview.dataset.ts,
// funding.dataset.ts, aftercare.dataset.ts, outreach.dataset.ts), each reading its views by ONE
// statement for one dashboard scope (dashboard.scope.ts: the filters resolved once into period,
// region and category). `readAllDashboardDatasets` reads all four in one REPEATABLE READ transaction
// (board snapshots store its result). Every dataset is JSON-safe: dates are ISO strings, money integer
// cents, survivor counts as published by the survivor disclosure control.
import type { Db } from '../db/index.js';
import type { DashboardFilterInput } from './dashboard.filters.js';
import { latestSeq } from './dashboard.repository.js';
import { resolveScope, type DatasetOptions } from './dashboard.scope.js';
import { overviewOf, type OverviewDataset } from './overview.dataset.js';
import { fundingOf, type FundingDataset } from './funding.dataset.js';
import { aftercareOf, type AftercareDataset } from './aftercare.dataset.js';
import { outreachOf, type OutreachDataset } from './outreach.dataset.js';

export type { DatasetOptions } from './dashboard.scope.js';
export { organisationTimeZone } from './dashboard.scope.js';
export { overviewDataset, type OverviewDataset } from './overview.dataset.js';
export { fundingDataset, percentilesOf, type FundingDataset } from './funding.dataset.js';
export { aftercareDataset, type AftercareDataset } from './aftercare.dataset.js';
export { outreachDataset, type OutreachDataset } from './outreach.dataset.js';

export type DashboardName = 'overview' | 'funding' | 'aftercare' | 'outreach';

export interface AllDashboardDatasets {
  /** The change_log seq every dataset reflects (one snapshot). */
  seq: number;
  asOf: string;
  datasets: { overview: OverviewDataset; funding: FundingDataset; aftercare: AftercareDataset; outreach: OutreachDataset };
  /** The overview for each of `alsoOverviews` (a snapshot report's comparison periods), same read. */
  alsoOverviews: OverviewDataset[];
}

/**
 * All four dashboards in one REPEATABLE READ transaction: every statement sees the same snapshot,
 * so the datasets agree with each other and with the one seq returned.
 */
export async function readAllDashboardDatasets(db: Db, filters: DashboardFilterInput, options: DatasetOptions, alsoOverviews: DashboardFilterInput[] = []): Promise<AllDashboardDatasets> {
  const now = options.now ?? new Date();
  const opts = { ...options, now };
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const { seq } = await latestSeq(trx).executeTakeFirstOrThrow();
      // One scope for the four: the same period, region and "now".
      const scope = resolveScope(filters, opts);
      const overview = await overviewOf(trx, scope);
      const funding = await fundingOf(trx, scope, opts.stuckAfterDays);
      const aftercare = await aftercareOf(trx, scope);
      const outreach = await outreachOf(trx, scope);
      const others: OverviewDataset[] = [];
      for (const f of alsoOverviews) others.push(await overviewOf(trx, resolveScope(f, opts)));
      return { seq: seq ?? 0, asOf: now.toISOString(), datasets: { overview, funding, aftercare, outreach }, alsoOverviews: others };
    });
}
