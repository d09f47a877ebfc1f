import type { Db } from '../db/index.js';
import { assertMayReadOperational, assertCanEditState, assertRole, OPERATIONAL_ROLES, type SessionUser } from '../auth/access.js';
import { DomainError, fieldError } from '../errors.js';
import { refusing } from '../db/refusals.js';
import { recordAudit } from '../audit/audit.repository.js';
import { statesOf } from '../../regions.js';
import * as repo from './partners.repository.js';
import { CITY_ONLY_MESSAGE, type PartnerCreateInput, type PartnerUpdateInput, type PartnerVetInput } from './partners.schemas.js';

/** Longest a single vetting may run (from today). */
const MAX_VETTING_YEARS = 5;

export async function listPartners(db: Db, actor: SessionUser, division?: string) {
  assertMayReadOperational(actor, 'Partners are operational detail, not part of board snapshots.');
  return repo.listPartners(db, statesOf(division));
}

/** A new partner in one of the actor's regions; it starts pending vetting. */
export async function createPartner(db: Db, actor: SessionUser, input: PartnerCreateInput) {
  assertRole(actor, OPERATIONAL_ROLES);
  assertCanEditState(actor, input.state);
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const row = await repo.insertPartner(tx, { name: input.name, kind: input.kind, state: input.state, city: input.city });
      await recordAudit(tx, { actorId: actor.id, action: 'partners.create', entity: 'partner', entityId: row.id, state: row.state,
        after: { name: row.name, kind: row.kind, state: row.state, city: row.city } });
      return row;
    })
  );
}

/** Name, state and city; a move to another state needs the actor to hold both (its requests and needs follow). */
export async function updatePartner(db: Db, actor: SessionUser, input: PartnerUpdateInput) {
  assertRole(actor, OPERATIONAL_ROLES);
  if (input.changes.state) assertCanEditState(actor, input.changes.state);
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const current = await repo.lockPartner(tx, input.id);
      if (!current) throw new DomainError('NOT_FOUND', `Partner ${input.id} does not exist.`);
      assertCanEditState(actor, current.state);
      if (current.kind === 'aftercare_center' && input.changes.city && /\d/.test(input.changes.city)) throw fieldError('city', CITY_ONLY_MESSAGE);
      const fields = Object.keys(input.changes) as Array<keyof PartnerUpdateInput['changes']>;
      const row = await repo.updatePartner(tx, input.id, input.changes);
      const pick = (p: Record<string, unknown>) => Object.fromEntries(['name', ...fields.filter((f) => f !== 'name')].map((f) => [f, p[f] ?? null]));
      await recordAudit(tx, { actorId: actor.id, action: 'partners.update', entity: 'partner', entityId: input.id, state: row.state,
        before: pick(current), after: pick(row) });
      return row;
    })
  );
}

/**
 * Vets a partner (with what the vetting rests on and the last day it is good for), renews a
 * vetting, or suspends a partner (with why). Pending is only where partners start. A partner whose
 * vetting has expired cannot be approved for funds until it is renewed (the database refuses).
 */
export async function vetPartner(db: Db, actor: SessionUser, input: PartnerVetInput) {
  assertRole(actor, OPERATIONAL_ROLES);
  const partner = await repo.findPartner(db, input.id);
  if (!partner) throw new DomainError('NOT_FOUND', `Partner ${input.id} does not exist.`);
  assertCanEditState(actor, partner.state);
  if (partner.vetting_status === 'suspended' && input.status === 'suspended') throw fieldError('status', `"${partner.name}" is already suspended.`);
  if (input.status === 'vetted') {
    const today = await repo.localToday(db);
    const latest = `${Number(today.slice(0, 4)) + MAX_VETTING_YEARS}${today.slice(4)}`;
    if (input.vettedUntil! < today) throw fieldError('vettedUntil', 'The vetted-until date has passed: choose today or a later day.');
    if (input.vettedUntil! > latest) throw fieldError('vettedUntil', `A vetting runs at most ${MAX_VETTING_YEARS} years: choose a day up to ${latest}.`);
  }
  const renew = partner.vetting_status === 'vetted' && input.status === 'vetted';
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const row = await repo.setVetting(tx, input.id, { status: input.status, note: input.note, vettedUntil: input.vettedUntil, renew });
      await recordAudit(tx, { actorId: actor.id, action: renew ? 'partners.renewVetting' : 'partners.vet', entity: 'partner', entityId: input.id,
        state: partner.state,
        before: { name: partner.name, vetting_status: partner.vetting_status, vetted_until: partner.vettedUntil, vetting_note: partner.vettingNote },
        after: { name: row.name, vetting_status: row.vettingStatus, vetted_until: row.vettedUntil, vetting_note: row.vettingNote } });
      return row;
    })
  );
}
