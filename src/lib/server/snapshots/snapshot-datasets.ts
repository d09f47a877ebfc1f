// The registry of what a snapshot holds: every dashboard dataset, read in ONE transaction together
// with the change_log seq it reflects (REPEATABLE READ on a server, so all figures and the seq belong
// to one moment; the embedded database has a single connection, so no write can interleave).
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { dashboardOverview } from '../dashboards/dashboard.service.js';
import { latestSeq } from '../dashboards/dashboard.repository.js';
import type { DashboardFilterInput } from '../dashboards/dashboard.filters.js';

export interface DatasetOptions {
  fiscalYearStartMonth: number;
}

export async function readSnapshotDatasets(db: Db, filters: DashboardFilterInput, options: DatasetOptions) {
  return db.transaction().execute(async (tx) => {
    await sql`set transaction isolation level repeatable read`.execute(tx);
    const { seq } = await latestSeq(tx).executeTakeFirstOrThrow();
    const overview = await dashboardOverview(tx, filters, options);
    return { seq: Number(seq), datasets: { overview } as Record<string, unknown> };
  });
}
