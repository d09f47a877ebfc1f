// The dashboard scope: a dashboard's filters resolved ONCE into what every dataset reads — the exact
// period (fiscal year or days, whole months + edge days, in the organisation's time zone), the region
// (division / state), the funding category and "now". The four dataset modules (overview, funding,
// aftercare, outreach) take a scope, never raw filters, so they cannot disagree about what a filter
// means; each dataset's header (asOf, seq, period, filters) is made here too.
import { config } from '../config.js';
import type { FundingCategory } from '../db/schema.js';
import { divisionCodes, divisionOf, regionCodes, statesIn, type RegionCode } from '$lib/regions.js';
import type { Db } from '../db/index.js';
import { provisionalMonths } from '../periods/periods.repository.js';
import type { DashboardFilterInput } from './dashboard.filters.js';
import { addDays, resolvePeriod, type DashboardPeriod } from './dashboard.period.js';
import type { FundingFilter, MonthRange, RegionFilter } from './dashboard.repository.js';
import type { PeriodScope } from './period.repository.js';

export interface DatasetOptions {
  fiscalYearStartMonth: number;
  /** The organisation's time zone (BEACON_TIME_ZONE): which fiscal year "now" is in. */
  timeZone?: string;
  /** "Now" for the current fiscal year and for how long a request has been in its stage. */
  now?: Date;
  /** A request in intake, vetting or approved longer than this is listed as stuck (default 30). */
  stuckAfterDays?: number;
}

export interface DashboardScope {
  /** The filters as given (validated by dashboardFilterInput). */
  filters: DashboardFilterInput;
  period: DashboardPeriod;
  region: RegionFilter;
  category?: FundingCategory;
  /** Region, category and the fiscal years the period overlaps (budgets are set per fiscal year). */
  funding: FundingFilter;
  /** Region and the period's days (monthly series: one point per month it touches). */
  months: MonthRange;
  /** The exact period with the region and category filters (whole months + edge days). */
  exact: PeriodScope & { period: DashboardPeriod };
  /** The states the overview's tile map shows: the division's, or all (the state filter does not narrow it). */
  mapStates: string[];
  timeZone: string;
  now: Date;
}

/** The zone days and "as of" times are told in: the option, else BEACON_TIME_ZONE. */
export const organisationTimeZone = (options: { timeZone?: string }) => options.timeZone ?? config().timeZone;

export function resolveScope(filters: DashboardFilterInput, options: DatasetOptions): DashboardScope {
  const timeZone = organisationTimeZone(options);
  const now = options.now ?? new Date();
  const period = resolvePeriod(filters, { fiscalYearStartMonth: options.fiscalYearStartMonth, timeZone, now });
  const region: RegionFilter = { division: filters.division, state: filters.state };
  return {
    filters,
    period,
    region,
    category: filters.category,
    funding: { ...region, fiscalYear: period.fiscalYear, fiscalYearTo: period.fiscalYearTo, category: filters.category },
    months: { ...region, start: period.start, end: period.end },
    exact: { ...region, period, category: filters.category },
    mapStates: filters.division ? statesIn(filters.division) : [...regionCodes],
    timeZone,
    now
  };
}

/** Whether a region filter applies (budgets are organisation-wide: no percentage of them beside a regional amount). */
export const isRegional = (scope: DashboardScope) => Boolean(scope.region.division || scope.region.state);

/**
 * The months of the scope's period (every month it touches, 'YYYY-MM') not yet signed off for every
 * division its place covers (a state: its division; a division; else all): while there is one, the
 * period's figures are provisional (docs/figures.md, "Provisional").
 */
export async function provisionalOf(db: Db, scope: DashboardScope): Promise<string[]> {
  const { divisions, from, to } = provisionalRange(scope);
  return provisionalMonths(db, divisions, from, to);
}

/** The divisions and months (first days, `from`..`to`) `provisionalOf` looks at for a scope. */
export function provisionalRange(scope: DashboardScope): { divisions: string[]; from: string; to: string } {
  const divisions = scope.region.state ? [divisionOf(scope.region.state as RegionCode)] : scope.region.division ? [scope.region.division] : [...divisionCodes];
  const last = addDays(scope.period.end, -1);
  return { divisions, from: `${scope.period.start.slice(0, 7)}-01`, to: `${last.slice(0, 7)}-01` };
}

/** What every dataset says about itself: when it was read, which change it reflects, for what (JSON-safe). */
export function datasetHeader(scope: DashboardScope, seq: number, provisionalMonths: string[] = []) {
  const p = scope.period;
  return {
    asOf: scope.now.toISOString(),
    /** The organisation's time zone: periods are its calendar days, "as of" is told in it. */
    timeZone: scope.timeZone,
    seq,
    period: { kind: p.kind, label: p.label, start: p.start, end: p.end, fiscalYear: p.fiscalYear, fiscalYearTo: p.fiscalYearTo },
    /**
     * The period's months not yet signed off for every division in scope ('YYYY-MM', oldest first):
     * while any is listed, the period's figures are provisional.
     */
    provisionalMonths,
    /** The filters as applied: a fiscal-year period names its year even when it was the default. */
    filters: p.kind === 'fiscalYear' ? { ...scope.filters, fiscalYear: p.fiscalYear } : { ...scope.filters }
  };
}
