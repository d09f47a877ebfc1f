// Every dashboard figure is read from the v_* views (over trigger-kept rollups), never from base
// tables, so a read costs the same however long the history grows. One query per function.
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database, FundingCategory, FundingStage, NeedPriority, PartnerKind } from '../db/schema.js';

export type Tx = Kysely<Database>;

export interface RegionFilter {
  division?: string;
  state?: string;
}
export interface FundingFilter extends RegionFilter {
  fiscalYear: number;
  category?: FundingCategory;
}
export interface MonthRange extends RegionFilter {
  /** First month included, YYYY-MM-DD. */
  start: string;
  /** First month excluded, YYYY-MM-DD. */
  end: string;
}

type RegionalView = 'v_pipeline' | 'v_needs' | 'v_outreach_monthly' | 'v_survivors_monthly' | 'v_impact_funding' | 'v_impact_partners' | 'v_oldest_open_critical_needs';

function whereRegion<V extends RegionalView, O>(q: SelectQueryBuilder<Database, V, O>, f: RegionFilter) {
  let out = q;
  if (f.division) out = out.where('division_code' as any, '=', f.division);
  if (f.state) out = out.where('state' as any, '=', f.state);
  return out;
}

function whereFunding<V extends 'v_pipeline' | 'v_impact_funding' | 'v_impact_partners', O>(
  q: SelectQueryBuilder<Database, V, O>,
  f: FundingFilter
) {
  let out = whereRegion(q, f).where('fiscal_year' as any, '=', f.fiscalYear);
  if (f.category) out = out.where('category' as any, '=', f.category);
  return out;
}

const sumOf = (col: string) => sql<number>`coalesce(sum(${sql.ref(col)}), 0)::bigint`;

export async function pipelineByStage(db: Tx, f: FundingFilter) {
  return whereFunding(db.selectFrom('v_pipeline'), f)
    .select([
      'stage',
      sumOf('request_count').as('requests'),
      sumOf('requested_cents').as('requestedCents'),
      sumOf('approved_cents').as('approvedCents'),
      sumOf('disbursed_cents').as('disbursedCents')
    ])
    .groupBy('stage')
    .execute() as Promise<Array<{ stage: FundingStage; requests: number; requestedCents: number; approvedCents: number; disbursedCents: number }>>;
}

export async function moneyByCategory(db: Tx, f: FundingFilter) {
  return whereFunding(db.selectFrom('v_pipeline'), f)
    .select([
      'category',
      sumOf('requested_cents').as('requestedCents'),
      sql<number>`coalesce(sum(approved_cents) filter (where stage in ('approved', 'disbursed', 'reported')), 0)::bigint`.as('committedCents'),
      sumOf('disbursed_cents').as('disbursedCents')
    ])
    .groupBy('category')
    .orderBy('category')
    .execute() as Promise<Array<{ category: FundingCategory; requestedCents: number; committedCents: number; disbursedCents: number }>>;
}

export async function budgetForYear(db: Tx, fiscalYear: number, programArea?: string) {
  let q = db.selectFrom('v_budget').where('fiscal_year', '=', fiscalYear);
  if (programArea) q = q.where('program_area', '=', programArea as any);
  return q
    .select([
      sumOf('budget_cents').as('budgetCents'),
      sumOf('committed_cents').as('committedCents'),
      sumOf('disbursed_cents').as('disbursedCents')
    ])
    .executeTakeFirstOrThrow();
}

export async function openNeedsByPriority(db: Tx, f: RegionFilter) {
  return whereRegion(db.selectFrom('v_needs'), f)
    .where('status', 'in', ['open', 'in_progress', 'pledged'])
    .select(['priority', sumOf('need_count').as('needs'), sumOf('estimated_cost_cents').as('estimatedCostCents')])
    .groupBy('priority')
    .execute() as Promise<Array<{ priority: NeedPriority; needs: number; estimatedCostCents: number }>>;
}

export async function oldestOpenCriticalNeeds(db: Tx, f: RegionFilter, limit: number) {
  return whereRegion(db.selectFrom('v_oldest_open_critical_needs'), f)
    .select(['id', 'title', 'kind', 'status', 'state', 'center_name as centerName', 'estimated_cost_cents as estimatedCostCents', 'needed_by as neededBy', 'created_at as createdAt'])
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function survivorsServed(db: Tx, r: MonthRange) {
  return whereRegion(db.selectFrom('v_survivors_monthly'), r)
    .where('month', '>=', r.start)
    .where('month', '<', r.end)
    .select([sumOf('served').as('served'), sumOf('new_intakes').as('newIntakes'), sumOf('bed_nights').as('bedNights'), sumOf('reports').as('reports')])
    .executeTakeFirstOrThrow();
}

export async function outreachReach(db: Tx, r: MonthRange) {
  return whereRegion(db.selectFrom('v_outreach_monthly'), r)
    .where('month', '>=', r.start)
    .where('month', '<', r.end)
    .select([sumOf('event_count').as('events'), sumOf('attendees').as('peopleReached'), sumOf('follow_up_requests').as('followUpRequests')])
    .executeTakeFirstOrThrow();
}

export async function fundedUnits(db: Tx, f: FundingFilter) {
  return whereFunding(db.selectFrom('v_impact_funding'), f)
    .select([
      sumOf('disbursed_cents').as('disbursedCents'),
      sumOf('k9s_funded').as('k9sFunded'),
      sumOf('officers_trained').as('officersTrained'),
      sumOf('extraction_licenses').as('extractionLicenses'),
      sumOf('forensic_devices').as('forensicDevices')
    ])
    .executeTakeFirstOrThrow();
}

export async function partnersSupported(db: Tx, f: FundingFilter) {
  return whereFunding(db.selectFrom('v_impact_partners'), f)
    .select(['partner_kind as kind', sql<number>`count(distinct partner_id)::bigint`.as('partners')])
    .groupBy('partner_kind')
    .execute() as Promise<Array<{ kind: PartnerKind; partners: number }>>;
}

export async function latestSeq(db: Tx): Promise<number> {
  const row = await db.selectFrom('change_log').select(sql<number>`coalesce(max(seq), 0)::bigint`.as('seq')).executeTakeFirstOrThrow();
  return row.seq;
}
