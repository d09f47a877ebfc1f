import type { Db } from '../db/index.js';
import type { FundingStage, NeedPriority, PartnerKind, ProgramArea } from '../db/schema.js';
import { enums } from '../db/schema.js';
import { resolvePeriod } from './dashboard.period.js';
import * as repo from './dashboard.repository.js';
import type { DashboardFilterInput } from './dashboard.filters.js';
import { publishSurvivorTotal, survivorRoundingKey } from '../disclosure/survivor-figures.service.js';

const programAreaOf: Record<string, ProgramArea> = {
  forensic_hardware: 'law_enforcement', extraction_software: 'law_enforcement', detection_k9: 'law_enforcement',
  training_scholarship: 'law_enforcement', lab_equipment: 'forensic_labs', lab_facility: 'forensic_labs',
  aftercare_equipment: 'aftercare', aftercare_facility: 'aftercare', survivor_basic_needs: 'aftercare',
  outreach_program: 'education'
};

const COMMITTED_STAGES: FundingStage[] = ['approved', 'disbursed', 'reported'];

export interface OverviewOptions {
  fiscalYearStartMonth: number;
  now?: Date;
}

/** The KPI figures of the overview, all read from the views by one statement (one snapshot). */
export async function dashboardOverview(db: Db, filters: DashboardFilterInput, options: OverviewOptions) {
  const resolved = resolvePeriod(filters, options);
  const fiscalYear = resolved.fiscalYear;
  const period = { start: resolved.start, end: resolved.end };
  const region = { division: filters.division, state: filters.state };
  const funding = { ...region, fiscalYear, fiscalYearTo: resolved.fiscalYearTo, category: filters.category };
  const months = { ...region, start: period.start, end: period.end };

  const { seq, stages, byCategory, budget, needs, oldestCritical, survivorCells, survivorCenters, outreach, units, partners, flow, mapDisbursed, mapNeeds, mapPeople } = await repo.overviewFigures(db, {
    funding,
    region,
    months,
    budgetArea: filters.category && programAreaOf[filters.category]
  });
  const survivorKey = await survivorRoundingKey(db);
  const stageRow = (stage: FundingStage) => stages.find((s) => s.stage === stage);
  const pipeline = enums.funding_stage.map((stage) => ({
    stage,
    requests: stageRow(stage)?.requests ?? 0,
    requestedCents: stageRow(stage)?.requestedCents ?? 0,
    approvedCents: stageRow(stage)?.approvedCents ?? 0,
    disbursedCents: stageRow(stage)?.disbursedCents ?? 0
  }));
  const requestedCents = pipeline.reduce((sum, s) => sum + s.requestedCents, 0);
  const committedCents = pipeline
    .filter((s) => COMMITTED_STAGES.includes(s.stage))
    .reduce((sum, s) => sum + s.approvedCents, 0);
  const disbursedCents = pipeline.reduce((sum, s) => sum + s.disbursedCents, 0);
  const needRow = (p: NeedPriority) => needs.find((n) => n.priority === p);
  const partnerCount = (kind: PartnerKind) => partners.find((p) => p.kind === kind)?.partners ?? 0;

  return {
    asOf: options.now ?? new Date(),
    seq,
    fiscalYear,
    period,
    periodLabel: resolved.label,
    filters: resolved.kind === 'fiscalYear' ? { ...filters, fiscalYear } : { ...filters },
    /** Movement since the period's first day (KPI tiles show it next to each figure). */
    sincePeriodStart: {
      approvedCents: flow.approvedCents,
      disbursedCents: flow.disbursedCents,
      requestsApproved: flow.approvedMoves,
      requestsDisbursed: flow.disbursedMoves,
      /** Needs opened minus needs closed in the period (all priorities). */
      openNeedsNet: flow.needsCreated - flow.needsClosed,
      needsFulfilled: flow.needsFulfilled
    },
    funding: {
      requests: pipeline.reduce((sum, s) => sum + s.requests, 0),
      requestedCents,
      approvedCents: committedCents,
      disbursedCents,
      budget: {
        scope: filters.category ? programAreaOf[filters.category] : 'all',
        budgetCents: budget.budgetCents,
        committedCents: budget.committedCents,
        disbursedCents: budget.disbursedCents,
        burnPercent: budget.budgetCents > 0 ? Math.round((budget.committedCents / budget.budgetCents) * 1000) / 10 : null
      }
    },
    pipeline,
    byCategory,
    needs: {
      openCritical: needRow('critical')?.needs ?? 0,
      open: needs.reduce((sum, n) => sum + n.needs, 0),
      openEstimatedCostCents: needs.reduce((sum, n) => sum + n.estimatedCostCents, 0),
      byPriority: enums.need_priority.map((priority) => ({
        priority,
        needs: needRow(priority)?.needs ?? 0,
        estimatedCostCents: needRow(priority)?.estimatedCostCents ?? 0
      })),
      oldestCritical
    },
    /** Survivor figures as published outside the operational view (rounded, withheld under 3 centers). */
    survivors: publishSurvivorTotal(survivorCells, survivorCenters, survivorKey),
    outreach,
    /** The tile map's measures per state (every state of the division filter; the state filter is not applied). */
    byState: [...new Set([...mapDisbursed, ...mapNeeds, ...mapPeople].map((r) => r.state.trim()))].sort().map((state) => ({
      state,
      disbursedCents: mapDisbursed.find((r) => r.state.trim() === state)?.disbursedCents ?? 0,
      openNeeds: mapNeeds.find((r) => r.state.trim() === state)?.openNeeds ?? 0,
      peopleReached: mapPeople.find((r) => r.state.trim() === state)?.peopleReached ?? 0
    })),
    impact: {
      disbursedCents: units.disbursedCents,
      k9sFunded: units.k9sFunded,
      officersTrained: units.officersTrained,
      extractionLicenses: units.extractionLicenses,
      forensicDevices: units.forensicDevices,
      labsSupported: partnerCount('forensic_lab'),
      centersSupported: partnerCount('aftercare_center'),
      agenciesSupported: partnerCount('law_enforcement_agency') + partnerCount('icac_task_force') + partnerCount('icac_affiliate')
    }
  };
}

export type DashboardOverview = Awaited<ReturnType<typeof dashboardOverview>>;
