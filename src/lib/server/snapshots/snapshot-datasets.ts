// What a snapshot holds: EVERY dashboard dataset (overview, funding, aftercare, outreach), read by
// the dashboards' own readAllDashboardDatasets in one REPEATABLE READ transaction together with the
// change_log seq they reflect — so a snapshot equals what the dashboards showed at that seq.
import type { Db } from '../db/index.js';
import { readAllDashboardDatasets } from '../dashboards/datasets.js';
import type { DashboardFilterInput } from '../dashboards/dashboard.filters.js';

export interface DatasetOptions {
  fiscalYearStartMonth: number;
}

export async function readSnapshotDatasets(db: Db, filters: DashboardFilterInput, options: DatasetOptions) {
  const { seq, datasets } = await readAllDashboardDatasets(db, filters, options);
  return { seq: Number(seq), datasets: datasets as unknown as Record<string, unknown> };
}
