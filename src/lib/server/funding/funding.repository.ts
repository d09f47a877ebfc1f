import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { FundingCategory, FundingStage, ProgramArea } from '../db/schema.js';
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
    .select(sql<string | null>`to_char(f.report_due_on, 'YYYY-MM-DD')`.as('reportDue'))
    .select(sql<string>`to_char(local_day(f.stage_entered_at), 'YYYY-MM-DD')`.as('stageEnteredOn')).where('f.id', '=', id);
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

/**
 * The moment a payment dated `day` is recorded at: now when it is today; otherwise noon of that day in
 * the organisation's time zone, never before the request entered its current stage (a stage move
 * cannot predate it).
 */
const paidAt = (requestId: number, day: string) => sql<Date>`(select case when ${day}::date = local_day(now()) then now()
  else greatest((${day}::date + time '12:00') at time zone beacon_tz(), f.stage_entered_at) end from funding_request f where f.id = ${requestId})`;

export async function insertStageEvent(db: Db, e: {
  requestId: number; from: FundingStage; to: FundingStage; amountCents: number | null; actorId: string; reason?: string | null;
  paidOn?: string; reference?: string | null;
}) {
  await db
    .insertInto('funding_stage_event')
    .values({
      request_id: e.requestId, from_stage: e.from, to_stage: e.to, amount_cents: e.amountCents, actor_id: e.actorId, reason: e.reason ?? null,
      reference: e.reference ?? null, ...(e.paidOn ? { occurred_at: paidAt(e.requestId, e.paidOn) } : {})
    })
    .execute();
}

/** A further payment of a disbursed request (the database refuses one above the amount approved). */
export async function insertPayment(db: Db, p: { requestId: number; amountCents: number; paidOn: string; reference: string | null; actorId: string }) {
  return db.insertInto('funding_stage_event')
    .values({ request_id: p.requestId, kind: 'payment', to_stage: 'disbursed', amount_cents: p.amountCents, reference: p.reference, actor_id: p.actorId,
      occurred_at: paidAt(p.requestId, p.paidOn) })
    .returning(['id', 'amount_cents']).executeTakeFirstOrThrow();
}

/** A correction of one approval or payment to `correctedToCents` (the database writes the difference and dates it). */
export async function insertCorrection(db: Db, c: { requestId: number; eventId: number; correctedToCents: number; reason: string; actorId: string }) {
  return db.insertInto('funding_stage_event')
    .values({ request_id: c.requestId, kind: 'correction', to_stage: 'approved', corrects_event_id: c.eventId, corrected_to_cents: c.correctedToCents,
      reason: c.reason, actor_id: c.actorId })
    .returning(['id', 'amount_cents', 'to_stage']).executeTakeFirstOrThrow();
}

/** The approvals and payments of a request with their amounts now (after corrections), oldest first. */
export async function moneyEvents(db: Db, requestId: number) {
  return db.selectFrom('funding_stage_event as e').where('e.request_id', '=', requestId)
    .where('e.to_stage', 'in', ['approved', 'disbursed']).where('e.kind', '<>', 'correction')
    .select(['e.id', 'e.kind', 'e.to_stage as toStage', 'e.amount_cents as recordedCents', 'e.reference', 'e.occurred_at as occurredAt',
      sql<string>`to_char(local_day(e.occurred_at), 'YYYY-MM-DD')`.as('day'),
      sql<number>`(e.amount_cents + coalesce((select sum(c.amount_cents) from funding_stage_event c where c.corrects_event_id = e.id), 0))::bigint`.as('amountCents')])
    .orderBy('e.occurred_at').orderBy('e.id').execute();
}

/** Every event of a request (moves, payments, corrections) with who wrote it, for its history. */
export async function history(db: Db, requestId: number) {
  return db.selectFrom('funding_stage_event as e').leftJoin('app_user as u', 'u.id', 'e.actor_id').where('e.request_id', '=', requestId)
    .select(['e.id', 'e.kind', 'e.from_stage as fromStage', 'e.to_stage as toStage', 'e.amount_cents as amountCents', 'e.corrects_event_id as correctsEventId',
      'e.corrected_to_cents as correctedToCents', 'e.reason', 'e.reference', 'e.occurred_at as occurredAt', 'e.recorded_at as recordedAt', 'u.display_name as actorName'])
    .orderBy('e.recorded_at').orderBy('e.id').execute();
}

export async function budgetContext(db: Db, fiscalYear: number, programArea: ProgramArea) {
  const row = await db.selectFrom('v_budget').select(['budget_cents as budgetCents', 'remaining_cents as remainingCents'])
    .where('fiscal_year', '=', fiscalYear).where('program_area', '=', programArea).executeTakeFirst();
  return { budgetCents: Number(row?.budgetCents ?? 0), remainingCents: Number(row?.remainingCents ?? 0) };
}

export async function setReportDue(db: Db, id: number, day: string | null) {
  await db.updateTable('funding_request').set({ report_due_on: day }).where('id', '=', id).execute();
}

/** Disbursed requests whose grantee report is past due (due before `today`), oldest due first. */
export async function overdueReports(db: Db, states: string[], today: string, limit: number) {
  return db.selectFrom('funding_request as f').innerJoin('partner as p', 'p.id', 'f.partner_id')
    .select(['f.id', 'f.title', 'f.state', 'f.category', 'p.name as partnerName', 'f.disbursed_cents as disbursedCents',
      sql<string>`to_char(f.report_due_on, 'YYYY-MM-DD')`.as('reportDueOn'), sql<number>`(${today}::date - f.report_due_on)::int`.as('daysOverdue')])
    .where('f.stage', '=', 'disbursed').where(sql<boolean>`f.report_due_on < ${today}::date`).where('f.state', 'in', states)
    .orderBy('f.report_due_on').orderBy('f.id').limit(limit).execute();
}

export async function findLine(db: Db, lineId: number) {
  return db.selectFrom('funding_in_kind_line as l').innerJoin('funding_request as f', 'f.id', 'l.request_id')
    .select(['l.id', 'l.request_id as requestId', 'l.item', 'l.units', 'f.state', 'f.stage', 'f.title',
      sql<string | null>`to_char(l.delivered_on, 'YYYY-MM-DD')`.as('deliveredOn'), 'l.delivery_note as deliveryNote'])
    .where('l.id', '=', lineId).forUpdate('l').executeTakeFirst();
}

export async function markDelivered(db: Db, lineId: number, d: { deliveredOn: string; note: string; actorId: string }) {
  await db.updateTable('funding_in_kind_line').set({ delivered_on: d.deliveredOn, delivery_note: d.note, delivered_by: d.actorId }).where('id', '=', lineId).execute();
}

/**
 * The open needs a request answers, fulfilled by its delivery: their units recorded in full, moved
 * along the statuses the board allows (open → in progress → pledged → fulfilled). Returns them as they were.
 */
export async function fulfilAnsweredNeeds(tx: Db, requestId: number) {
  const needs = await tx.selectFrom('funding_request_need as l').innerJoin('aftercare_need as n', 'n.id', 'l.need_id')
    .select(['n.id', 'n.state', 'n.title', 'n.status', 'n.quantity', 'n.fulfilled_quantity as fulfilledQuantity'])
    .where('l.request_id', '=', requestId).where('n.status', 'in', ['open', 'in_progress', 'pledged']).forUpdate('n').execute();
  const ids = needs.map((n) => n.id);
  if (!ids.length) return needs;
  await tx.updateTable('aftercare_need').set({ status: 'in_progress' }).where('id', 'in', ids).where('status', '=', 'open').execute();
  await tx.updateTable('aftercare_need').set({ status: 'pledged', pledged_by: sql<string>`coalesce(pledged_by, ${`Funding request ${requestId}`})` })
    .where('id', 'in', ids).where('status', '=', 'in_progress').execute();
  await tx.updateTable('aftercare_need').set({ status: 'fulfilled', fulfilled_quantity: sql<number>`quantity` }).where('id', 'in', ids).execute();
  return needs;
}
