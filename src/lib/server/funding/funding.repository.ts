import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { FundingCategory, FundingStage } from '../db/schema.js';
import type { InKindItem } from '../../funding-labels.js';

export async function listRequests(db: Db, states: string[], limit: number) {
  return db
    .selectFrom('funding_request as f')
    .innerJoin('partner as p', 'p.id', 'f.partner_id')
    .select([
      'f.id', 'f.title', 'f.state', 'f.category', 'f.stage', 'f.requested_cents as requestedCents', 'f.approved_cents as approvedCents',
      'f.disbursed_cents as disbursedCents', 'f.stage_entered_at as stageEnteredAt', 'f.version', 'p.id as partnerId',
      'p.name as partnerName', 'p.vetting_status as partnerVetting'
    ])
    .where('f.state', 'in', states)
    .orderBy('f.stage_entered_at', 'desc')
    .limit(limit)
    .execute();
}

export async function findRequest(db: Db, id: number) {
  return db.selectFrom('funding_request').select(['id', 'state', 'stage', 'approved_cents', 'disbursed_cents', 'version']).where('id', '=', id).executeTakeFirst();
}

const DETAIL = [
  'f.id', 'f.title', 'f.state', 'f.category', 'f.stage', 'f.fiscal_year as fiscalYear', 'f.purpose', 'f.requested_cents as requestedCents',
  'f.approved_cents as approvedCents', 'f.disbursed_cents as disbursedCents', 'f.units', 'f.report_due_on as reportDueOn',
  'f.stage_entered_at as stageEnteredAt', 'f.created_at as createdAt', 'f.version', 'f.partner_id as partnerId', 'p.name as partnerName'
] as const;

/** A request as the forms show it (no lines or needs): locked when `lock`. */
export async function requestDetail(db: Db, id: number, lock = false) {
  let q = db.selectFrom('funding_request as f').innerJoin('partner as p', 'p.id', 'f.partner_id').select(DETAIL)
    .select(sql<string | null>`to_char(f.report_due_on, 'YYYY-MM-DD')`.as('reportDue')).where('f.id', '=', id);
  if (lock) q = q.forUpdate('f');
  return q.executeTakeFirst();
}

export async function inKindLines(db: Db, requestId: number) {
  return db.selectFrom('funding_in_kind_line').select([
    'id', 'item', 'units', 'unit_cost_cents as unitCostCents', 'delivery_note as deliveryNote', 'delivered_by as deliveredBy',
    sql<string | null>`to_char(delivered_on, 'YYYY-MM-DD')`.as('deliveredOn')
  ]).where('request_id', '=', requestId).orderBy('id').execute();
}

export async function linkedNeeds(db: Db, requestId: number) {
  return db.selectFrom('funding_request_need as l').innerJoin('aftercare_need as n', 'n.id', 'l.need_id')
    .select(['n.id', 'n.title', 'n.state', 'n.status', 'n.quantity', 'n.fulfilled_quantity as fulfilledQuantity'])
    .where('l.request_id', '=', requestId).orderBy('n.id').execute();
}

export interface NewInKindLine {
  item: InKindItem;
  units: number;
  unitCostCents: number;
}

export interface NewFundingRequest {
  partnerId: number;
  title: string;
  category: FundingCategory;
  fiscalYear: number;
  requestedCents: number;
  purpose: string | null;
  inKind: NewInKindLine[];
  needIds: number[];
  /** When the request was made (imported history); the database's clock when absent. */
  createdAt?: Date;
}

/** The category an in-kind item's units count towards on the impact tiles (docs/figures.md). */
export const ITEM_OF_CATEGORY: Partial<Record<FundingCategory, InKindItem>> = {
  detection_k9: 'detection_k9', forensic_hardware: 'forensic_device', extraction_software: 'extraction_license',
  training_scholarship: 'training_seat', lab_equipment: 'lab_equipment'
};

/** A request's units: the units of its in-kind lines of the item its category funds (null when none). */
export function requestUnits(category: FundingCategory, inKind: NewInKindLine[]): number | null {
  const item = ITEM_OF_CATEGORY[category];
  const lines = inKind.filter((l) => l.item === item);
  return lines.length ? lines.reduce((a, l) => a + l.units, 0) : null;
}

/**
 * Inserts a funding request at intake with its in-kind lines and the needs it answers (one
 * transaction is the caller's: `tx`). The database fills its state from the partner and opens its
 * stage history; every rule the schema holds applies (the `imports` path reuses this).
 */
export async function insertFundingRequest(tx: Db, r: NewFundingRequest) {
  const row = await tx.insertInto('funding_request').values({
    partner_id: r.partnerId, title: r.title, category: r.category, fiscal_year: r.fiscalYear, requested_cents: r.requestedCents,
    purpose: r.purpose, units: requestUnits(r.category, r.inKind), ...(r.createdAt ? { created_at: r.createdAt } : {})
  }).returning(['id', 'state', 'version', 'stage']).executeTakeFirstOrThrow();
  await insertInKindLines(tx, row.id, r.inKind);
  await linkNeeds(tx, row.id, r.needIds);
  // Lines touch the request (its version moves): return the version it ends with.
  return r.inKind.length ? tx.selectFrom('funding_request').select(['id', 'state', 'version', 'stage']).where('id', '=', row.id).executeTakeFirstOrThrow() : row;
}

export async function insertInKindLines(tx: Db, requestId: number, lines: NewInKindLine[]) {
  if (!lines.length) return;
  await tx.insertInto('funding_in_kind_line')
    .values(lines.map((l) => ({ request_id: requestId, item: l.item, units: l.units, unit_cost_cents: l.unitCostCents })))
    .execute();
}

export async function linkNeeds(tx: Db, requestId: number, needIds: number[]) {
  if (!needIds.length) return;
  await tx.insertInto('funding_request_need').values(needIds.map((needId) => ({ request_id: requestId, need_id: needId }))).execute();
}

/** Replaces a request's in-kind lines (only while none is delivered: the caller checks the stage). */
export async function replaceInKindLines(tx: Db, requestId: number, lines: NewInKindLine[]) {
  await tx.deleteFrom('funding_in_kind_line').where('request_id', '=', requestId).execute();
  await insertInKindLines(tx, requestId, lines);
}

export async function replaceNeeds(tx: Db, requestId: number, needIds: number[]) {
  await tx.deleteFrom('funding_request_need').where('request_id', '=', requestId).execute();
  await linkNeeds(tx, requestId, needIds);
}

export async function updateRequestFields(tx: Db, id: number, values: {
  partner_id?: number; title?: string; category?: FundingCategory; requested_cents?: number; purpose?: string; units?: number | null;
}) {
  return tx.updateTable('funding_request').set(values).where('id', '=', id).returning(['id', 'version', 'state']).executeTakeFirstOrThrow();
}

/** Needs by id with who answers them already (another request), for the intake form's checks. */
export async function needsForLinking(db: Db, ids: number[]) {
  if (!ids.length) return [];
  return db.selectFrom('aftercare_need as n').leftJoin('funding_request_need as l', 'l.need_id', 'n.id')
    .select(['n.id', 'n.title', 'n.state', 'n.status', 'l.request_id as answeredBy']).where('n.id', 'in', ids).execute();
}

export async function partnerForRequest(db: Db, id: number) {
  return db.selectFrom('partner').select([
    'id', 'name', 'state', 'kind', 'vetting_status as vettingStatus',
    sql<boolean>`vetting_status = 'vetted' and vetted_until is not null and vetted_until >= local_day(now())`.as('vettingCurrent')
  ]).where('id', '=', id).executeTakeFirst();
}

export async function localToday(db: Db): Promise<string> {
  const { rows } = await sql<{ today: string }>`select to_char(local_day(now()), 'YYYY-MM-DD') as today`.execute(db);
  return rows[0].today;
}

export async function insertStageEvent(db: Db, e: { requestId: number; from: FundingStage; to: FundingStage; amountCents: number | null; actorId: string; reason?: string | null }) {
  await db
    .insertInto('funding_stage_event')
    .values({ request_id: e.requestId, from_stage: e.from, to_stage: e.to, amount_cents: e.amountCents, actor_id: e.actorId, reason: e.reason ?? null })
    .execute();
}
