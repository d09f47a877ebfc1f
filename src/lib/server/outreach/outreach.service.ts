import type { Db } from '../db/index.js';
import { assertMayReadOperational, assertCanEditState, assertRole, OPERATIONAL_ROLES, type SessionUser } from '../auth/access.js';
import { conflictError, DomainError } from '../errors.js';
import { refusing } from '../db/refusals.js';
import { recordAudit } from '../audit/audit.repository.js';
import { statesOf } from '../../regions.js';
import * as repo from './outreach.repository.js';
import type { OutreachChanges, OutreachCreateInput, OutreachUpdateInput } from './outreach.schemas.js';

type Event = NonNullable<Awaited<ReturnType<typeof repo.findEvent>>>;

/** The columns of an event's fields; a field left out stays undefined, which Kysely leaves out of the SQL. */
const toColumns = (c: OutreachChanges) => ({
  occurred_on: c.occurredOn, state: c.state, format: c.format, audience: c.audience, title: c.title, attendees: c.attendees,
  partner_professionals: c.partnerProfessionals, follow_up_requests: c.followUpRequests
});

export async function listOutreach(db: Db, actor: SessionUser, input: { division?: string; limit: number }) {
  assertMayReadOperational(actor, 'Outreach detail is operational, not part of board snapshots.');
  return repo.listEvents(db, statesOf(input.division), input.limit);
}

export async function createOutreach(db: Db, actor: SessionUser, input: OutreachCreateInput) {
  assertRole(actor, OPERATIONAL_ROLES);
  assertCanEditState(actor, input.state);
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const row = await repo.insertEvent(tx, {
        occurred_on: input.occurredOn, state: input.state, format: input.format, audience: input.audience, title: input.title,
        attendees: input.attendees, partner_professionals: input.partnerProfessionals, follow_up_requests: input.followUpRequests,
        created_by: actor.id
      });
      await recordAudit(tx, { actorId: actor.id, action: 'outreach.create', entity: 'outreach_event', entityId: row.id, state: row.state, after: input });
      return row;
    })
  );
}

/** Locks the event and checks version and region (both the event's state and, when moved, the new one). */
async function lockForWrite(tx: Db, actor: SessionUser, id: number, version: number, changed: string[]): Promise<Event> {
  const current = await repo.lockEvent(tx, id);
  if (!current) throw new DomainError('NOT_FOUND', `Outreach event ${id} does not exist.`);
  assertCanEditState(actor, current.state);
  if (current.version !== version) {
    throw conflictError(`Someone else changed this event (now at version ${current.version}).`, {
      entity: 'outreach', id, current: current as unknown as Record<string, unknown>, conflictingFields: changed
    });
  }
  return current;
}

export async function updateOutreach(db: Db, actor: SessionUser, input: OutreachUpdateInput, action = 'outreach.update') {
  assertRole(actor, OPERATIONAL_ROLES);
  if (input.changes.state) assertCanEditState(actor, input.changes.state);
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const fields = Object.keys(input.changes);
      const current = await lockForWrite(tx, actor, input.id, input.version, fields);
      const row = await repo.updateEvent(tx, input.id, toColumns(input.changes));
      const pick = (e: Record<string, unknown>) => Object.fromEntries(['version', ...fields].map((f) => [f, e[f]]));
      await recordAudit(tx, { actorId: actor.id, action, entity: 'outreach_event', entityId: input.id, state: row.state,
        before: pick(current), after: pick(row) });
      return row;
    })
  );
}

export async function deleteOutreach(db: Db, actor: SessionUser, input: { id: number; version: number }) {
  assertRole(actor, OPERATIONAL_ROLES);
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const current = await lockForWrite(tx, actor, input.id, input.version, []);
      await repo.deleteEvent(tx, input.id);
      await recordAudit(tx, { actorId: actor.id, action: 'outreach.delete', entity: 'outreach_event', entityId: input.id, state: current.state, before: current });
      return { id: input.id };
    })
  );
}
