// The overview dashboard (`dashboard.overview`, docs/figures.md "/dashboard — overview"): every
// figure read from the views by ONE statement (one snapshot, one seq), for one dashboard scope.
// JSON-safe like the other three datasets: dates are ISO strings, money integer cents.
import type { Db } from '../db/index.js';
import type { FundingCategory, FundingStage, NeedPriority, PartnerKind } from '../db/schema.js';
import { enums } from '../db/schema.js';
import * as repo from './dashboard.repository.js';
import type { DashboardFilterInput } from './dashboard.filters.js';
import { datasetHeader, provisionalRange, isRegional, resolveScope, type DashboardScope, type DatasetOptions } from './dashboard.scope.js';
import { PROGRAM_AREA_OF } from '../funding/program-areas.js';
import { publishSurvivorTotal, survivorRoundingKey } from '../disclosure/survivor-figures.service.js';

/** Categories in the order the schema lists them (a category read as plain text sorts by it too). */
const CATEGORY_ORDER: readonly string[] = enums.funding_category;

const sumBy = <R>(rows: R[], pick: (r: R) => number) => rows.reduce((s, r) => s + pick(r), 0);

/** The overview for a dashboard's filters. */
export async function overviewDataset(db: Db, filters: DashboardFilterInput, options: DatasetOptions) {
  return overviewOf(db, resolveScope(filters, options));
}

/** The KPI figures of the overview for one scope. */
export async function overviewOf(db: Db, scope: DashboardScope) {
  const { filters, period } = scope;
  const budgetArea = scope.category && PROGRAM_AREA_OF[scope.category];

  const { seq, provisionalMonths, requests, moves, orgMoves, budget, needs, oldestCritical, survivorCells, survivorCenters, outreach, units, delivered, partners, needFlow, mapDisbursed, mapNeeds, mapPeople } =
    await repo.overviewFigures(db, { ...scope, provisional: provisionalRange(scope) });
  const pipeline = enums.funding_stage.map((stage) => {
    const rows = requests.filter((r) => r.stage === stage);
    return {
      stage,
      requests: sumBy(rows, (r) => r.requests),
      requestedCents: sumBy(rows, (r) => r.requestedCents),
      approvedCents: sumBy(rows, (r) => r.approvedCents),
      disbursedCents: sumBy(rows, (r) => r.disbursedCents)
    };
  });
  const moved = (rows: typeof moves, stage: FundingStage, what: 'amountCents' | 'moves') => sumBy(rows.filter((m) => m.to_stage === stage), (m) => m[what]);
  const approvedCents = moved(moves, 'approved', 'amountCents');
  const disbursedCents = moved(moves, 'disbursed', 'amountCents');
  const inArea = orgMoves.filter((m) => !budgetArea || PROGRAM_AREA_OF[m.category as FundingCategory] === budgetArea);
  const budgetCents = sumBy(budget.filter((b) => !budgetArea || b.programArea === budgetArea), (b) => b.budgetCents);
  const budgetCommitted = moved(inArea, 'approved', 'amountCents');
  const budgetDisbursed = moved(inArea, 'disbursed', 'amountCents');
  // Budgets are organisation-wide: no percentage of them beside a regional amount.
  const regional = isRegional(scope);
  const categories = [...new Set([...requests.map((r) => r.category), ...moves.filter((m) => m.to_stage === 'approved' || m.to_stage === 'disbursed').map((m) => m.category)])]
    .sort((a, b) => CATEGORY_ORDER.indexOf(a) - CATEGORY_ORDER.indexOf(b));
  const survivorKey = await survivorRoundingKey(db);
  const needRow = (p: NeedPriority) => needs.find((n) => n.priority === p);
  const partnerCount = (kind: PartnerKind) => partners.find((p) => p.kind === kind)?.partners ?? 0;
  const unitsOf = (category: FundingCategory) => Number(units.find((u) => u.category === category)?.units ?? 0);
  const deliveredOf = (category: FundingCategory) => Number(delivered.find((u) => u.category === category)?.units ?? 0);

  return {
    ...datasetHeader(scope, seq, provisionalMonths),
    fiscalYear: period.fiscalYear,
    periodLabel: period.label,
    /**
     * Movement from the period's first day to its last: the same events as the totals beside them
     * (approvals and payments dated in the period), so the two can never disagree.
     */
    sincePeriodStart: {
      approvedCents,
      disbursedCents,
      requestsApproved: moved(moves, 'approved', 'moves'),
      requestsDisbursed: moved(moves, 'disbursed', 'moves'),
      /** Needs opened minus needs closed in the period (all priorities). */
      openNeedsNet: sumBy(needFlow, (f) => f.created - f.fulfilled - f.cancelled),
      needsFulfilled: sumBy(needFlow, (f) => f.fulfilled)
    },
    funding: {
      /** Requests created in the period. */
      requests: sumBy(pipeline, (s) => s.requests),
      requestedCents: sumBy(pipeline, (s) => s.requestedCents),
      /** Approvals dated in the period. */
      approvedCents,
      /** Payments dated in the period. */
      disbursedCents,
      budget: {
        scope: filters.category ? PROGRAM_AREA_OF[filters.category] : 'all',
        /** Budgets are set for the whole organisation: region filters never apply to them. */
        orgWide: true,
        budgetCents,
        committedCents: budgetCommitted,
        disbursedCents: budgetDisbursed,
        /** The tile's approvals (with the category filter) over the budget beside them; none under a region filter. */
        burnPercent: !regional && budgetCents > 0 ? Math.round((approvedCents / budgetCents) * 1000) / 10 : null,
        disbursedPercent: !regional && budgetCents > 0 ? Math.round((disbursedCents / budgetCents) * 1000) / 10 : null
      }
    },
    pipeline,
    byCategory: categories.map((category) => ({
      category,
      requestedCents: sumBy(requests.filter((r) => r.category === category), (r) => r.requestedCents),
      committedCents: moved(moves.filter((m) => m.category === category), 'approved', 'amountCents'),
      disbursedCents: moved(moves.filter((m) => m.category === category), 'disbursed', 'amountCents')
    })),
    needs: {
      openCritical: needRow('critical')?.needs ?? 0,
      open: needs.reduce((sum, n) => sum + n.needs, 0),
      openEstimatedCostCents: needs.reduce((sum, n) => sum + n.estimatedCostCents, 0),
      byPriority: enums.need_priority.map((priority) => ({
        priority,
        needs: needRow(priority)?.needs ?? 0,
        estimatedCostCents: needRow(priority)?.estimatedCostCents ?? 0
      })),
      oldestCritical: oldestCritical.map((n) => ({ ...n, createdAt: new Date(n.createdAt).toISOString() }))
    },
    /** Survivor figures as published outside the operational view (rounded, withheld under 3 centers). */
    survivors: publishSurvivorTotal(survivorCells, survivorCenters, survivorKey),
    outreach: {
      events: sumBy(outreach, (o) => o.event_count),
      peopleReached: sumBy(outreach, (o) => o.attendees),
      followUpRequests: sumBy(outreach, (o) => o.follow_up_requests)
    },
    /** The tile map's measures per state (every state of the division filter; the state filter is not applied). */
    byState: byStateOf(mapDisbursed, mapNeeds, mapPeople),
    impact: {
      disbursedCents,
      k9sFunded: unitsOf('detection_k9'),
      officersTrained: unitsOf('training_scholarship'),
      extractionLicenses: unitsOf('extraction_software'),
      forensicDevices: unitsOf('forensic_hardware'),
      labEquipment: unitsOf('lab_equipment'),
      // In-kind units confirmed delivered in the period (delivery day), of the item each figure above
      // counts. Flat, like the rest of `impact`: a snapshot shows them among its key figures.
      k9sDelivered: deliveredOf('detection_k9'),
      trainingSeatsDelivered: deliveredOf('training_scholarship'),
      extractionLicensesDelivered: deliveredOf('extraction_software'),
      forensicDevicesDelivered: deliveredOf('forensic_hardware'),
      labEquipmentDelivered: deliveredOf('lab_equipment'),
      labsSupported: partnerCount('forensic_lab'),
      centersSupported: partnerCount('aftercare_center'),
      agenciesSupported: partnerCount('law_enforcement_agency') + partnerCount('icac_task_force') + partnerCount('icac_affiliate')
    }
  };
}

/** The tile map's rows: every state with any of the three measures, by code (one pass per measure, not a search per state). */
function byStateOf(disbursed: Array<{ state: string; disbursedCents: number }>, needs: Array<{ state: string; openNeeds: number }>,
  people: Array<{ state: string; peopleReached: number }>) {
  const rows = new Map<string, { state: string; disbursedCents: number; openNeeds: number; peopleReached: number }>();
  const row = (state: string) => {
    const code = state.trim();
    let r = rows.get(code);
    if (!r) rows.set(code, (r = { state: code, disbursedCents: 0, openNeeds: 0, peopleReached: 0 }));
    return r;
  };
  // The first row of a state counts, as a search would find it (each measure has one row per state).
  const seen = (set: Set<string>, state: string) => !set.has(state.trim()) && Boolean(set.add(state.trim()));
  const d = new Set<string>(), n = new Set<string>(), p = new Set<string>();
  for (const r of disbursed) if (seen(d, r.state)) row(r.state).disbursedCents = r.disbursedCents;
  for (const r of needs) if (seen(n, r.state)) row(r.state).openNeeds = r.openNeeds;
  for (const r of people) if (seen(p, r.state)) row(r.state).peopleReached = r.peopleReached;
  return [...rows.values()].sort((a, b) => (a.state < b.state ? -1 : a.state > b.state ? 1 : 0));
}

export type OverviewDataset = Awaited<ReturnType<typeof overviewOf>>;
