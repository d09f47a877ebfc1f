import type { Db } from '../db/index.js';
import type { FundingCategory } from '../db/schema.js';
import { assertMayReadOperational, assertCanEditState, assertRole, OPERATIONAL_ROLES, type SessionUser } from '../auth/access.js';
import { conflictError, DomainError, fieldError } from '../errors.js';
import { databaseRefusal, refusing } from '../db/refusals.js';
import { fiscalYearOf } from '../fiscal-year.js';
import { label } from '../../format.js';
import { PROGRAM_AREA_OF } from './program-areas.js';
import { recordAudit } from '../audit/audit.repository.js';
import { statesIn, type DivisionCode } from '../../regions.js';
import * as repo from './funding.repository.js';
import type { FundingAdvanceInput, FundingCreateInput, FundingUpdateInput } from './funding.schemas.js';

export async function listFunding(db: Db, actor: SessionUser, input: { division: string; limit: number }) {
  assertMayReadOperational(actor, 'The funding pipeline is operational detail, not part of board snapshots.');
  return repo.listRequests(db, statesIn(input.division as DivisionCode), input.limit);
}

/**
 * Moves a request one stage on, as a compare-and-set on the stage the caller saw: the stage-event
 * trigger locks the request and refuses (BC001) when it is no longer in `from`. Of two people moving
 * the same request, one wins and the other gets CONFLICT with the stage it is in now.
 */
export async function advanceFunding(db: Db, actor: SessionUser, input: FundingAdvanceInput) {
  assertRole(actor, OPERATIONAL_ROLES);
  const before = await repo.findRequest(db, input.id);
  if (!before) throw new DomainError('NOT_FOUND', `Funding request ${input.id} does not exist.`);
  assertCanEditState(actor, before.state);
  // Approving needs the amount approved. A disbursement may leave the amount out: it then pays the
  // approved amount (the database writes it onto the event, migration 2026-12-03-01).
  if (input.to === 'approved' && !input.amountCents) throw fieldError('amountCents', 'Enter the amount approved (above zero).');
  if (input.to === 'disbursed' && input.amountCents === 0) throw fieldError('amountCents', 'Enter the amount disbursed (above zero), or leave it empty to pay the approved amount.');
  const amount = input.to === 'approved' || input.to === 'disbursed' ? input.amountCents ?? null : null;
  try {
    await db.transaction().execute(async (tx) => {
      await repo.insertStageEvent(tx, { requestId: input.id, from: input.from, to: input.to, amountCents: amount, actorId: actor.id });
      await recordAudit(tx, {
        actorId: actor.id, action: 'funding.advance', entity: 'funding_request', entityId: input.id, state: before.state,
        before: { stage: input.from }, after: { stage: input.to, ...(amount !== null ? { amountCents: amount } : {}) }
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
  const [inKind, needs] = await Promise.all([repo.inKindLines(db, id), repo.linkedNeeds(db, id)]);
  return { ...request, programArea: PROGRAM_AREA_OF[request.category], inKind, needs };
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
