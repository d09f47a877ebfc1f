import type { Db } from '../db/index.js';
import { assertMayReadOperational, assertCanEditState, assertRole, OPERATIONAL_ROLES, type SessionUser } from '../auth/access.js';
import { conflictError, DomainError, fieldError } from '../errors.js';
import { databaseRefusal } from '../db/refusals.js';
import { recordAudit } from '../audit/audit.repository.js';
import { statesIn, type DivisionCode } from '../../regions.js';
import * as repo from './funding.repository.js';
import type { FundingAdvanceInput } from './funding.schemas.js';

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
