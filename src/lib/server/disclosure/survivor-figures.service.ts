// Survivor figures as every view outside the operational one publishes them (docs/figures.md,
// "Survivor counts: disclosure control"): each state-month count is rounded once to base 5 by the
// database's secret key, every figure is the SUM of the rounded state-months it covers, and a figure
// pooled from fewer than 3 reporting centers is withheld. Everything a viewer sees is then a function
// of the rounded state-months alone, so no differencing of figures can get below them.
import { MIN_REPORTING_CENTERS, SURVIVOR_RULE, WITHHELD, type PublishedCount } from '$lib/survivor-figures.js';
import type { Tx } from '../dashboards/dashboard.repository.js';
import { disclosureKey } from './survivor-figures.repository.js';
import { roundCount, roundingOffset, SURVIVOR_MEASURES } from './survivor-rounding.js';

export { reportingCenters, survivorStateMonths, type SurvivorRange } from './survivor-figures.repository.js';

export interface SurvivorStateMonth {
  month: string;
  state: string;
  reports: number;
  served: number;
  newIntakes: number;
}

const keys = new WeakMap<object, Uint8Array>();

/** The database's rounding key (read once per Db; it never changes). */
export async function survivorRoundingKey(db: Tx): Promise<Uint8Array> {
  const cached = keys.get(db);
  if (cached) return cached;
  const row = await disclosureKey(db).executeTakeFirst();
  if (!row) throw new Error('disclosure_key is empty: survivor figures cannot be published (run the migrations)');
  const key = new Uint8Array(row.key);
  keys.set(db, key);
  return key;
}

function roundedSums(cells: SurvivorStateMonth[], key: Uint8Array) {
  const out = { served: 0, newIntakes: 0 };
  for (const cell of cells) {
    for (const measure of SURVIVOR_MEASURES) {
      out[measure] += roundCount(cell[measure], roundingOffset(key, measure, cell.state, cell.month));
    }
  }
  return out;
}

function published(cells: SurvivorStateMonth[], centers: number, key: Uint8Array): { served: PublishedCount; newIntakes: PublishedCount } {
  if (centers === 0) return { served: 0, newIntakes: 0 };
  if (centers < MIN_REPORTING_CENTERS) return { served: WITHHELD, newIntakes: WITHHELD };
  return roundedSums(cells, key);
}

/** One figure per month: its centers reporting (one report per center and month) and its rounded sums. */
export function publishSurvivorMonths(cells: SurvivorStateMonth[], months: string[], key: Uint8Array) {
  return months.map((month) => {
    const inMonth = cells.filter((c) => c.month === month);
    const centersReporting = inMonth.reduce((s, c) => s + c.reports, 0);
    return { month, ...published(inMonth, centersReporting, key), centersReporting };
  });
}

/** One figure for the whole range; `centers` = distinct centers that reported in it. */
export function publishSurvivorTotal(cells: SurvivorStateMonth[], centers: number, key: Uint8Array) {
  return {
    ...published(cells, centers, key),
    /** Reports (center-months) in the range. */
    reports: cells.reduce((s, c) => s + c.reports, 0),
    centersReporting: centers,
    rule: SURVIVOR_RULE
  };
}
