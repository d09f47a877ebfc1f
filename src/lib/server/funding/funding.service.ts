import type { Db } from '../db/index.js';
import type { FundingCategory } from '../db/schema.js';
import { assertMayReadOperational, assertCanEditState, assertRole, OPERATIONAL_ROLES, type Role, type SessionUser } from '../auth/access.js';
import { conflictError, DomainError, fieldError } from '../errors.js';
import { databaseRefusal, refusing } from '../db/refusals.js';
import { fiscalYearOf } from '../fiscal-year.js';
import { label } from '../../format.js';
import { PROGRAM_AREA_OF } from './program-areas.js';
import { recordAudit } from '../audit/audit.repository.js';
import { statesOf } from '../../regions.js';
import * as repo from './funding.repository.js';
import type { FundingAdvanceInput, FundingCorrectInput, FundingCreateInput, FundingDeliverInput, FundingPayInput, FundingUpdateInput } from './funding.schemas.js';
import { approvalOvershoot, dollars, unitsOf, type InKindItem } from '../../funding-labels.js';

/** Who corrects a recorded amount. */
export const CORRECTION_ROLES: readonly Role[] = ['leadership', 'admin'];

export async function listFunding(db: Db, actor: SessionUser, input: { division?: string; limit: number }) {
  assertMayReadOperational(actor, 'The funding pipeline is operational detail, not part of board snapshots.');
  return repo.listRequests(db, statesOf(input.division), input.limit);
}

/**
 * Moves a request one stage on, as a compare-and-set on the stage the caller saw: the stage-event
 * trigger locks the request and refuses (BC001) when it is no longer in `from`. Of two people moving
 * the same request, one wins and the other gets CONFLICT with the stage it is in now.
 *
 * Guard rails: declining and withdrawing need a reason; approving above the amount requested or above
 * the program area's remaining budget for the request's fiscal year needs one too (the refusal names
 * the overshoot in dollars, as the dialog showed it). Disbursing records the first payment (amount,
 * day paid, reference) and the day the grantee's report is due.
 */
export async function advanceFunding(db: Db, actor: SessionUser, input: FundingAdvanceInput) {
  assertRole(actor, OPERATIONAL_ROLES);
  const before = await repo.requestDetail(db, input.id);
  if (!before) throw new DomainError('NOT_FOUND', `Funding request ${input.id} does not exist.`);
  assertCanEditState(actor, before.state);
  // Approving needs the amount approved. A disbursement may leave the amount out: it then pays the
  // approved amount (the database writes it onto the event, migration 2026-12-03-01).
  if (input.to === 'approved' && !input.amountCents) throw fieldError('amountCents', 'Enter the amount approved (above zero).');
  if (input.to === 'disbursed' && input.amountCents === 0) throw fieldError('amountCents', 'Enter the amount disbursed (above zero), or leave it empty to pay the approved amount.');
  if ((input.to === 'declined' || input.to === 'withdrawn') && !input.reason) {
    throw fieldError('reason', `Write why the request is ${input.to} (at least 3 characters).`);
  }
  const today = await repo.localToday(db);
  // The guard rail applies to an approval the database would take (from vetting, for a partner whose
  // vetting is current); other refusals come from the database in their own words.
  const partner = input.to === 'approved' ? await repo.partnerForRequest(db, before.partnerId) : null;
  if (input.to === 'approved' && input.from === 'vetting' && before.stage === 'vetting' && partner?.vettingCurrent) {
    const budget = await repo.budgetContext(db, before.fiscalYear, PROGRAM_AREA_OF[before.category]);
    const over = approvalOvershoot(input.amountCents!, {
      requestedCents: Number(before.requestedCents), ...budget, programArea: PROGRAM_AREA_OF[before.category], fiscalYear: before.fiscalYear
    });
    if (over.length && !input.reason) throw fieldError('reason', `${over.join(' ')} Write the reason to approve it.`);
  }
  if (input.to === 'disbursed') {
    if (input.amountCents && input.amountCents > Number(before.approvedCents)) {
      throw fieldError('amountCents', `A payment of ${dollars(input.amountCents)} cannot exceed the amount approved (${dollars(Number(before.approvedCents))}).`);
    }
    if (input.paidOn && input.paidOn > today) throw fieldError('paidOn', 'The payment date cannot be in the future.');
    if (input.paidOn && before.stageEnteredOn && input.paidOn < before.stageEnteredOn) {
      throw fieldError('paidOn', `The payment date cannot be before the approval on ${before.stageEnteredOn}.`);
    }
    if (input.reportDueOn && input.reportDueOn <= (input.paidOn ?? today)) throw fieldError('reportDueOn', 'The report is due after the payment date.');
  }
  const amount = input.to === 'approved' || input.to === 'disbursed' ? input.amountCents ?? null : null;
  const keepsReason = input.to === 'approved' || input.to === 'declined' || input.to === 'withdrawn';
  try {
    await db.transaction().execute(async (tx) => {
      await repo.insertStageEvent(tx, {
        requestId: input.id, from: input.from, to: input.to, amountCents: amount, actorId: actor.id, reason: keepsReason ? input.reason ?? null : null,
        ...(input.to === 'disbursed' ? { paidOn: input.paidOn ?? today, reference: input.reference ?? null } : {})
      });
      if (input.to === 'disbursed' && input.reportDueOn) await repo.setReportDue(tx, input.id, input.reportDueOn);
      const after = await repo.requestDetail(tx, input.id);
      await recordAudit(tx, {
        actorId: actor.id, action: 'funding.advance', entity: 'funding_request', entityId: input.id, state: before.state,
        before: { stage: input.from, ...(input.to === 'approved' ? { requestedCents: Number(before.requestedCents) } : {}) },
        after: {
          stage: input.to, ...(amount !== null || input.to === 'disbursed' ? { amountCents: input.to === 'approved' ? Number(after!.approvedCents) : Number(after!.disbursedCents) } : {}),
          ...(keepsReason && input.reason ? { reason: input.reason } : {}),
          ...(input.to === 'disbursed' ? { paidOn: input.paidOn ?? today, reference: input.reference ?? null, reportDueOn: input.reportDueOn ?? null } : {})
        }
      });
    });
  } catch (err) {
    const refusal = databaseRefusal(err);
    if (refusal?.code === 'CONFLICT') {
      const now = await repo.findRequest(db, input.id);
      throw conflictError(`Someone else moved this request first: it is now in "${now?.stage}", not "${input.from}".`, {
        entity: 'funding', id: input.id, current: { stage: now?.stage, version: now?.version }, conflictingFields: ['stage']
      });
    }
    throw refusal ?? err;
  }
  const after = await repo.findRequest(db, input.id);
  return { id: input.id, stage: after!.stage, version: after!.version };
}

/** A further payment of a disbursed request: amount, the day paid, a reference; never above approved. */
export async function payFunding(db: Db, actor: SessionUser, input: FundingPayInput) {
  assertRole(actor, OPERATIONAL_ROLES);
  const today = await repo.localToday(db);
  if (input.paidOn > today) throw fieldError('paidOn', 'The payment date cannot be in the future.');
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const before = await repo.requestDetail(tx, input.id, true);
      if (!before) throw new DomainError('NOT_FOUND', `Funding request ${input.id} does not exist.`);
      assertCanEditState(actor, before.state);
      if (before.stage !== 'disbursed' && before.stage !== 'reported') {
        throw fieldError('amountCents', `Record the first payment by disbursing the request; it is ${before.stage}.`);
      }
      const approvedOn = (await repo.moneyEvents(tx, input.id)).find((e) => e.toStage === 'approved')?.day;
      if (approvedOn && input.paidOn < approvedOn) throw fieldError('paidOn', `The payment date cannot be before the approval on ${approvedOn}.`);
      const left = Number(before.approvedCents) - Number(before.disbursedCents);
      if (input.amountCents > left) {
        throw fieldError('amountCents', `${dollars(input.amountCents)} would pay more than approved: ${dollars(left)} of the ${dollars(Number(before.approvedCents))} approved is left to pay.`);
      }
      const row = await repo.insertPayment(tx, { requestId: input.id, amountCents: input.amountCents, paidOn: input.paidOn, reference: input.reference ?? null, actorId: actor.id });
      await recordAudit(tx, {
        actorId: actor.id, action: 'funding.pay', entity: 'funding_request', entityId: input.id, state: before.state,
        before: { disbursedCents: Number(before.disbursedCents) },
        after: { disbursedCents: Number(before.disbursedCents) + input.amountCents, paymentCents: input.amountCents, paidOn: input.paidOn, reference: input.reference ?? null, eventId: row.id }
      });
      return { id: input.id, eventId: row.id };
    })
  );
}

/**
 * Corrects a recorded amount (an approval or one payment) by a correction event with a reason; the
 * original stays in the history. Leadership and admins only (the router lets no one else in).
 */
export async function correctFunding(db: Db, actor: SessionUser, input: FundingCorrectInput) {
  assertRole(actor, CORRECTION_ROLES, 'Recorded amounts are corrected by leadership and admins.');
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const before = await repo.requestDetail(tx, input.id, true);
      if (!before) throw new DomainError('NOT_FOUND', `Funding request ${input.id} does not exist.`);
      assertCanEditState(actor, before.state);
      const target = (await repo.moneyEvents(tx, input.id)).find((e) => e.id === input.eventId);
      if (!target) throw fieldError('eventId', 'Choose an approval or a payment of this request to correct.');
      const current = Number(target.amountCents);
      if (input.amountCents === current) throw fieldError('amountCents', `The amount is already ${dollars(current)}: nothing to correct.`);
      if (target.toStage === 'disbursed') {
        const total = Number(before.disbursedCents) - current + input.amountCents;
        if (total > Number(before.approvedCents)) {
          throw fieldError('amountCents', `Payments would then total ${dollars(total)}, more than the ${dollars(Number(before.approvedCents))} approved.`);
        }
      } else if (input.amountCents < Number(before.disbursedCents)) {
        throw fieldError('amountCents', `${dollars(before.disbursedCents)} is already paid: the approval cannot be corrected below it.`);
      }
      const row = await repo.insertCorrection(tx, { requestId: input.id, eventId: input.eventId, correctedToCents: input.amountCents, reason: input.reason, actorId: actor.id });
      const what = target.toStage === 'approved' ? 'approval' : 'payment';
      await recordAudit(tx, {
        actorId: actor.id, action: 'funding.correct', entity: 'funding_request', entityId: input.id, state: before.state,
        before: { [what]: current, eventId: input.eventId, day: target.day },
        after: { [what]: input.amountCents, eventId: input.eventId, day: target.day, reason: input.reason, correctionId: row.id }
      });
      return { id: input.id, eventId: row.id, differenceCents: Number(row.amount_cents) };
    })
  );
}

/** Confirms an in-kind line delivered (the day and a note), once the request is disbursed. */
export async function deliverInKind(db: Db, actor: SessionUser, input: FundingDeliverInput) {
  assertRole(actor, OPERATIONAL_ROLES);
  const today = await repo.localToday(db);
  if (input.deliveredOn > today) throw fieldError('deliveredOn', 'The delivery date cannot be in the future.');
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const line = await repo.findLine(tx, input.lineId);
      if (!line) throw new DomainError('NOT_FOUND', `In-kind line ${input.lineId} does not exist.`);
      assertCanEditState(actor, line.state);
      if (line.stage !== 'disbursed' && line.stage !== 'reported') throw fieldError('deliveredOn', `Goods are confirmed delivered once the request is disbursed; it is ${line.stage}.`);
      if (line.deliveredOn) throw fieldError('deliveredOn', `Already confirmed delivered on ${line.deliveredOn}.`);
      await repo.markDelivered(tx, input.lineId, { deliveredOn: input.deliveredOn, note: input.note, actorId: actor.id });
      const needs = await fulfilNeedsOnDelivery(tx, line.requestId);
      for (const n of needs) {
        await recordAudit(tx, {
          actorId: actor.id, action: 'needs.fulfil', entity: 'aftercare_need', entityId: n.id, state: n.state,
          before: { title: n.title, status: n.status, fulfilledQuantity: n.fulfilledQuantity },
          after: { title: n.title, status: 'fulfilled', fulfilledQuantity: n.quantity, fulfilledBy: `funding request ${line.requestId}` }
        });
      }
      const fulfilled = needs.map((n) => n.id);
      await recordAudit(tx, {
        actorId: actor.id, action: 'funding.deliver', entity: 'funding_request', entityId: line.requestId, state: line.state,
        before: { line: unitsOf(line.item as InKindItem, line.units), deliveredOn: null },
        after: { line: unitsOf(line.item as InKindItem, line.units), deliveredOn: input.deliveredOn, note: input.note, needsFulfilled: fulfilled }
      });
      return { lineId: input.lineId, needsFulfilled: fulfilled };
    })
  );
}

/**
 * When every in-kind line of a request is delivered, the needs it answers are fulfilled by that
 * delivery: their units are recorded in full and they close (pledged → fulfilled, moving through the
 * statuses the needs board allows).
 */
async function fulfilNeedsOnDelivery(tx: Db, requestId: number) {
  const lines = await repo.inKindLines(tx, requestId);
  if (lines.some((l) => !l.deliveredOn)) return [];
  return repo.fulfilAnsweredNeeds(tx, requestId);
}

export async function listOverdueReports(db: Db, actor: SessionUser, input: { division?: string; limit: number }) {
  assertMayReadOperational(actor, 'The funding pipeline is operational detail, not part of board snapshots.');
  const today = await repo.localToday(db);
  return { today, rows: await repo.overdueReports(db, statesOf(input.division), today, input.limit) };
}

export interface FundingOptions {
  fiscalYearStartMonth: number;
}

/** Stages in which a request's own fields (partner, amounts asked, lines, needs) may still change. */
export const EDITABLE_STAGES = ['intake', 'vetting'] as const;

const AREA_WORDS: Record<string, string> = { law_enforcement: 'law enforcement', forensic_labs: 'forensic labs', aftercare: 'aftercare', education: 'education' };

/** The partner a request is for: one the actor may enter requests for, vetted and current. */
async function checkPartner(db: Db, actor: SessionUser, partnerId: number) {
  const partner = await repo.partnerForRequest(db, partnerId);
  if (!partner) throw fieldError('partnerId', 'Choose a partner.');
  assertCanEditState(actor, partner.state);
  if (!partner.vettingCurrent) {
    const why = partner.vettingStatus === 'vetted' ? "'s vetting has expired" : ` is ${partner.vettingStatus === 'pending' ? 'not vetted yet' : 'suspended'}`;
    throw fieldError('partnerId', `"${partner.name}"${why}: requests are entered for vetted partners (vet or renew it on the Partners page).`);
  }
  return partner;
}

function checkArea(category: FundingCategory, programArea: string) {
  const area = PROGRAM_AREA_OF[category];
  if (area !== programArea) {
    throw fieldError('category', `${label(category)} is in the ${AREA_WORDS[area]} program area, not ${AREA_WORDS[programArea] ?? programArea}: choose a category of that area.`);
  }
}

/** The needs a request answers: in the actor's regions, open, and answered by no other request. */
async function checkNeeds(db: Db, actor: SessionUser, needIds: number[], requestId?: number) {
  const unique = [...new Set(needIds)];
  if (unique.length !== needIds.length) throw fieldError('needIds', 'A need is listed twice.');
  const needs = await repo.needsForLinking(db, unique);
  for (const id of unique) {
    const need = needs.find((n) => n.id === id);
    if (!need) throw fieldError('needIds', `Need ${id} does not exist.`);
    assertCanEditState(actor, need.state);
    if (!['open', 'in_progress', 'pledged'].includes(need.status)) throw fieldError('needIds', `"${need.title}" is ${need.status}: only open needs can be answered by a request.`);
    if (need.answeredBy !== null && need.answeredBy !== requestId) throw fieldError('needIds', `"${need.title}" is already answered by request ${need.answeredBy}.`);
  }
}

/**
 * A new funding request at intake, for a vetted partner in one of the actor's regions, with its
 * in-kind lines and the needs it answers. Its fiscal year is the one today falls in.
 */
export async function createFunding(db: Db, actor: SessionUser, input: FundingCreateInput, options: FundingOptions) {
  assertRole(actor, OPERATIONAL_ROLES);
  const partner = await checkPartner(db, actor, input.partnerId);
  checkArea(input.category, input.programArea);
  await checkNeeds(db, actor, input.needIds);
  const today = await repo.localToday(db);
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const row = await repo.insertFundingRequest(tx, {
        partnerId: input.partnerId, title: input.title, category: input.category, fiscalYear: fiscalYearOf(today, options.fiscalYearStartMonth),
        requestedCents: input.requestedCents, purpose: input.purpose, inKind: input.inKind, needIds: input.needIds
      });
      await recordAudit(tx, {
        actorId: actor.id, action: 'funding.create', entity: 'funding_request', entityId: row.id, state: row.state,
        after: { title: input.title, partner: partner.name, category: input.category, programArea: input.programArea, requestedCents: input.requestedCents,
          purpose: input.purpose, inKind: input.inKind, needIds: input.needIds }
      });
      return { id: row.id, version: row.version, stage: row.stage };
    })
  );
}

/** A request as its edit form and decision dialogs need it. */
export async function getFunding(db: Db, actor: SessionUser, id: number) {
  assertMayReadOperational(actor, 'The funding pipeline is operational detail, not part of board snapshots.');
  const request = await repo.requestDetail(db, id);
  if (!request) throw new DomainError('NOT_FOUND', `Funding request ${id} does not exist.`);
  assertCanEditState(actor, request.state);
  const area = PROGRAM_AREA_OF[request.category];
  const [inKind, needs, money, history, budget] = await Promise.all([
    repo.inKindLines(db, id), repo.linkedNeeds(db, id), repo.moneyEvents(db, id), repo.history(db, id), repo.budgetContext(db, request.fiscalYear, area)
  ]);
  return { ...request, programArea: area, inKind, needs, money, history, budget };
}

/** Edits a request while it is in intake or vetting, as a compare-and-set on the version the editor saw. */
export async function updateFunding(db: Db, actor: SessionUser, input: FundingUpdateInput) {
  assertRole(actor, OPERATIONAL_ROLES);
  const c = input.changes;
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const before = await repo.requestDetail(tx, input.id, true);
      if (!before) throw new DomainError('NOT_FOUND', `Funding request ${input.id} does not exist.`);
      assertCanEditState(actor, before.state);
      if (before.version !== input.version) {
        throw conflictError('Someone else changed this request since you opened it: reload to see their changes.', {
          entity: 'funding', id: input.id, current: { stage: before.stage, version: before.version }, conflictingFields: Object.keys(c)
        });
      }
      if (!(EDITABLE_STAGES as readonly string[]).includes(before.stage)) {
        throw new DomainError('BAD_REQUEST', `A request can be edited only in intake or vetting; this one is ${before.stage}.`);
      }
      const partner = c.partnerId !== undefined && c.partnerId !== before.partnerId ? await checkPartner(tx, actor, c.partnerId) : null;
      const category = c.category ?? before.category;
      if (c.category !== undefined || c.programArea !== undefined) checkArea(category, c.programArea ?? PROGRAM_AREA_OF[category]);
      if (c.needIds) await checkNeeds(tx, actor, c.needIds, input.id);
      const [linesBefore, needsBefore] = await Promise.all([repo.inKindLines(tx, input.id), repo.linkedNeeds(tx, input.id)]);
      const lines = c.inKind ?? linesBefore.map((l) => ({ item: l.item as repo.NewInKindLine['item'], units: l.units, unitCostCents: Number(l.unitCostCents) }));
      await repo.updateRequestFields(tx, input.id, {
        ...(partner ? { partner_id: partner.id } : {}), ...(c.title !== undefined ? { title: c.title } : {}),
        ...(c.category !== undefined ? { category: c.category } : {}), ...(c.requestedCents !== undefined ? { requested_cents: c.requestedCents } : {}),
        ...(c.purpose !== undefined ? { purpose: c.purpose } : {}), units: repo.requestUnits(category, lines)
      });
      if (c.inKind) await repo.replaceInKindLines(tx, input.id, c.inKind);
      if (c.needIds) await repo.replaceNeeds(tx, input.id, c.needIds);
      const after = await repo.requestDetail(tx, input.id);
      const pick = (r: Record<string, unknown>, inKind: unknown, needIds: unknown) => ({
        ...(c.partnerId !== undefined ? { partner: r.partnerName } : {}), ...(c.title !== undefined ? { title: r.title } : {}),
        ...(c.category !== undefined ? { category: r.category } : {}), ...(c.requestedCents !== undefined ? { requestedCents: Number(r.requestedCents) } : {}),
        ...(c.purpose !== undefined ? { purpose: r.purpose } : {}), ...(c.inKind ? { inKind } : {}), ...(c.needIds ? { needIds } : {})
      });
      await recordAudit(tx, {
        actorId: actor.id, action: 'funding.update', entity: 'funding_request', entityId: input.id, state: after!.state,
        before: pick(before, linesBefore.map((l) => ({ item: l.item, units: l.units, unitCostCents: Number(l.unitCostCents) })), needsBefore.map((n) => n.id)),
        after: pick(after!, c.inKind, c.needIds)
      });
      return { id: input.id, version: after!.version, stage: after!.stage };
    })
  );
}
