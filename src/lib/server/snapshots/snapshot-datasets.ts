// What a snapshot holds: EVERY dashboard dataset (overview, funding, aftercare, outreach), read by
// the dashboards' own readAllDashboardDatasets in one REPEATABLE READ transaction together with the
// change_log seq they reflect — so a snapshot equals what the dashboards showed at that seq. In the
// same read: the overview for the report's comparison periods (previous period, a year earlier),
// of which the headline figures are frozen with the snapshot.
import type { Db } from '../db/index.js';
import { readAllDashboardDatasets } from '../dashboards/datasets.js';
import type { DashboardFilterInput } from '../dashboards/dashboard.filters.js';
import { headlineValues, type FrozenComparisons } from '../../snapshot-headlines.js';
import type { ComparedPeriod } from './snapshot-period.js';

export interface DatasetOptions {
  fiscalYearStartMonth: number;
}

export async function readSnapshotDatasets(
  db: Db,
  filters: DashboardFilterInput,
  options: DatasetOptions,
  compare?: { previous: ComparedPeriod; yearEarlier: ComparedPeriod }
) {
  const { fiscalYear: _fy, from: _from, to: _to, ...region } = filters;
  const periods = compare ? [compare.previous, compare.yearEarlier] : [];
  const { seq, datasets, alsoOverviews } = await readAllDashboardDatasets(
    db,
    filters,
    options,
    periods.map((p) => ({ ...region, from: p.from, to: addDay(p.to, -1) }))
  );
  const frozen = (p: ComparedPeriod, i: number) => ({ label: p.label, from: p.from, to: p.to, figures: headlineValues(alsoOverviews[i]) });
  const comparisons: FrozenComparisons | null = compare ? { previous: frozen(compare.previous, 0), yearEarlier: frozen(compare.yearEarlier, 1) } : null;
  return { seq: Number(seq), datasets: datasets as unknown as Record<string, unknown>, comparisons };
}

function addDay(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
