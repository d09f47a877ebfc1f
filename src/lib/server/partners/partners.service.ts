import type { Db } from '../db/index.js';
import { assertMayReadOperational, assertCanEditState, assertRole, OPERATIONAL_ROLES, type SessionUser } from '../auth/access.js';
import { DomainError, fieldError } from '../errors.js';
import { refusing } from '../db/refusals.js';
import { recordAudit } from '../audit/audit.repository.js';
import { statesIn, type DivisionCode } from '../../regions.js';
import * as repo from './partners.repository.js';

export async function listPartners(db: Db, actor: SessionUser, division: string) {
  assertMayReadOperational(actor, 'Partners are operational detail, not part of board snapshots.');
  return repo.listPartners(db, statesIn(division as DivisionCode));
}

/** Vetting a partner (or suspending one) in the actor's regions; pending is only where partners start. */
export async function vetPartner(db: Db, actor: SessionUser, input: { id: number; status: 'vetted' | 'suspended' }) {
  assertRole(actor, OPERATIONAL_ROLES);
  const partner = await repo.findPartner(db, input.id);
  if (!partner) throw new DomainError('NOT_FOUND', `Partner ${input.id} does not exist.`);
  assertCanEditState(actor, partner.state);
  if (partner.vetting_status === input.status) throw fieldError('status', `"${partner.name}" is already ${input.status}.`);
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const row = await repo.setVetting(tx, input.id, input.status);
      await recordAudit(tx, { actorId: actor.id, action: 'partners.vet', entity: 'partner', entityId: input.id, state: partner.state,
        before: { vetting_status: partner.vetting_status }, after: { vetting_status: input.status } });
      return row;
    })
  );
}
