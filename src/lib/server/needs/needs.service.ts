import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { assertMayReadOperational, assertCanEditState, assertRole, canEditState, OPERATIONAL_ROLES, type SessionUser } from '../auth/access.js';
import type { NeedStatus } from '../db/schema.js';
import { conflictError, DomainError, fieldError } from '../errors.js';
import { refusing } from '../db/refusals.js';
import { recordAudit } from '../audit/audit.repository.js';
import { divisionOf, statesIn, type DivisionCode, type RegionCode } from '../../regions.js';
import { mentionableFor } from '../comments/comments.service.js';
import { mailInstantLater, noticeForAssignment } from '../notifications/notifications.service.js';
import * as repo from './needs.repository.js';
import type {
  NeedAssignInput, NeedChanges, NeedCreateInput, NeedField, NeedFulfilInput, NeedMoveInput, NeedPledgeInput, NeedsListInput, NeedsPageInput, NeedUpdateInput
} from './needs.schemas.js';

const OPEN: NeedStatus[] = ['open', 'in_progress', 'pledged'];
const ALL: NeedStatus[] = [...OPEN, 'fulfilled', 'cancelled'];
const WRITERS = OPERATIONAL_ROLES;

/** camelCase field ↔ column. */
export const NEED_COLUMNS: Record<NeedField, string> = {
  title: 'title',
  centerId: 'center_id',
  kind: 'kind',
  basicNeedType: 'basic_need_type',
  quantity: 'quantity',
  priority: 'priority',
  neededBy: 'needed_by',
  estimatedCostCents: 'estimated_cost_cents'
};
const FIELD_OF: Record<string, string> = {
  ...Object.fromEntries(Object.entries(NEED_COLUMNS).map(([f, c]) => [c, f])),
  status: 'status', fulfilled_quantity: 'fulfilledQuantity', pledged_by: 'pledgedBy', pledged_cents: 'pledgedCents',
  pledge_expected_on: 'pledgeExpectedOn', assigned_to: 'assignedTo', center_id: 'centerId', version: 'version', state: 'state', id: 'id', updated_at: 'updatedAt'
};

/** A row as to_jsonb gives it (snake_case) → the fields the client knows. */
export function needFromRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k]) => k in FIELD_OF).map(([k, v]) => [FIELD_OF[k], v]));
}

/** Needs, most urgent first. Coordinators read every region (they edit only their own). */
export async function listNeeds(db: Db, actor: SessionUser, input: NeedsListInput) {
  assertMayReadOperational(actor, 'Needs are operational detail, not part of board snapshots.');
  const states = input.division ? [...statesIn(input.division as DivisionCode), ...(input.states ?? [])] : input.states;
  return repo.listNeeds(db, { states, statuses: input.includeClosed ? ALL : OPEN, limit: input.limit });
}

/**
 * One page of the needs table with the count under each chip: search, filters and order over every
 * need in scope, answered by the database so a page never carries a division's thousands of needs.
 */
export async function pageNeeds(db: Db, actor: SessionUser, input: NeedsPageInput) {
  assertMayReadOperational(actor, 'Needs are operational detail, not part of board snapshots.');
  const filters = { states: input.division ? statesIn(input.division as DivisionCode) : undefined, text: input.text.trim().toLowerCase(), priority: input.priority, kind: input.kind };
  const statuses = input.status === 'all' ? ALL : input.status === 'active' ? OPEN : [input.status];
  const [byStatus, rows] = await Promise.all([
    repo.countNeedsByStatus(db, filters),
    repo.pageOfNeeds(db, { ...filters, statuses, sort: input.sort, dir: input.dir, offset: input.offset, limit: input.limit })
  ]);
  const counts: Record<string, number> = Object.fromEntries([...ALL, 'active', 'all'].map((s) => [s, 0]));
  for (const { status, n } of byStatus) {
    counts[status] = Number(n);
    counts.all += Number(n);
    if (OPEN.includes(status)) counts.active += Number(n);
  }
  return { rows, total: counts[input.status], counts };
}

export async function getNeed(db: Db, actor: SessionUser, id: number) {
  assertMayReadOperational(actor, 'Needs are operational detail, not part of board snapshots.');
  const need = await repo.findNeed(db, id);
  if (!need) throw new DomainError('NOT_FOUND', `Need ${id} does not exist.`);
  return { ...need, editable: canEditState(actor, need.state) };
}

export async function listCenters(db: Db, actor: SessionUser, division?: string) {
  assertRole(actor, OPERATIONAL_ROLES);
  return repo.listCenters(db, division ? statesIn(division as DivisionCode) : undefined);
}

/** The center a need is for must exist, be an aftercare center, and lie in the actor's regions. */
async function checkCenter(db: Db, actor: SessionUser, centerId: number) {
  const center = await repo.findCenter(db, centerId);
  if (!center) throw fieldError('centerId', `There is no center with id ${centerId}.`);
  if (center.kind !== 'aftercare_center') throw fieldError('centerId', `"${center.name}" is not an aftercare center.`);
  assertCanEditState(actor, center.state);
  return center;
}

function checkKind(kind: string | undefined, basicNeedType: string | null | undefined) {
  if (kind === undefined) return;
  if (kind === 'basic_needs' && !basicNeedType) throw fieldError('basicNeedType', 'Say which basic need (housing, food…).');
  if (kind !== 'basic_needs' && basicNeedType) throw fieldError('basicNeedType', 'Only basic needs take a type.');
}

export async function createNeed(db: Db, actor: SessionUser, input: NeedCreateInput) {
  assertRole(actor, WRITERS);
  checkKind(input.kind, input.basicNeedType);
  await checkCenter(db, actor, input.centerId);
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const row = await repo.insertNeed(tx, {
        center_id: input.centerId, title: input.title, kind: input.kind, basic_need_type: input.basicNeedType,
        quantity: input.quantity, priority: input.priority, needed_by: input.neededBy,
        estimated_cost_cents: input.estimatedCostCents, created_by: actor.id
      });
      await recordAudit(tx, { actorId: actor.id, action: 'needs.create', entity: 'aftercare_need', entityId: row.id, after: { ...input, version: 1 }, state: row.state });
      return row;
    })
  );
}

const toColumns = (changes: NeedChanges) =>
  Object.fromEntries(Object.entries(changes).map(([f, v]) => [NEED_COLUMNS[f as NeedField], v]));

/**
 * The one write path for a need: applied at `version`, or — when it moved on — if none of the changed
 * columns differ from `base` (the caller's view of them). Otherwise CONFLICT with the current row.
 */
export async function writeNeed(
  db: Db,
  actor: SessionUser,
  target: { id: number; version: number; set: Record<string, unknown>; base?: Record<string, unknown>; compare: string[] },
  action: string
) {
  assertRole(actor, WRITERS);
  const allowedStates = actor.role === 'coordinator' ? actor.states : null;
  const result = await refusing(() =>
    repo.updateNeedVersioned(db, { id: target.id, version: target.version, base: target.base, set: target.set, allowedStates, actorId: actor.id, action })
  );
  if (!result.current) throw new DomainError('NOT_FOUND', `Need ${target.id} does not exist.`);
  if (result.updated) return needFromRow(result.updated) as { id: number; version: number; state: string } & Record<string, unknown>;
  const current = result.current;
  assertCanEditState(actor, current.state as string);
  const base = target.base ?? {};
  const conflictingFields = target.compare
    .filter((col) => (col in base ? !same(current[col], base[col]) : true))
    .map((col) => FIELD_OF[col] ?? col);
  throw conflictError(`Someone else changed this need (now at version ${current.version as number}).`, {
    entity: 'need',
    id: target.id,
    current: needFromRow(current),
    conflictingFields
  });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export async function updateNeed(db: Db, actor: SessionUser, input: NeedUpdateInput) {
  const changes = input.changes;
  checkKind(changes.kind, changes.basicNeedType);
  if (changes.centerId !== undefined) await checkCenter(db, actor, changes.centerId);
  const set = toColumns(changes);
  return writeNeed(db, actor, { id: input.id, version: input.version, set, base: input.base && toColumns(input.base), compare: Object.keys(set) }, 'needs.update');
}

export async function moveNeed(db: Db, actor: SessionUser, input: NeedMoveInput) {
  // A need is fulfilled only when all its units are (the database refuses less): moving it to
  // fulfilled records the units still missing, so its units and its status agree.
  const set = input.to === 'fulfilled' ? { status: input.to, fulfilled_quantity: sql<number>`n.quantity` } : { status: input.to };
  return writeNeed(db, actor, { id: input.id, version: input.version, set, compare: ['status'] }, 'needs.move');
}

/**
 * Gives a need to a colleague who works on its region (or to nobody). The assignee is told in the
 * same transaction (an inbox notice, and mail as they chose) unless they assigned it to themselves.
 */
export async function assignNeed(db: Db, actor: SessionUser, input: NeedAssignInput) {
  assertRole(actor, WRITERS);
  const need = await repo.findNeed(db, input.id);
  if (!need) throw new DomainError('NOT_FOUND', `Need ${input.id} does not exist.`);
  assertCanEditState(actor, need.state);
  if (input.assigneeId !== null) {
    const allowed = (await mentionableFor(db, need.state)).some((u) => u.id === input.assigneeId);
    if (!allowed) throw fieldError('assigneeId', 'Choose a colleague who works on this region.');
  }
  const link = `/needs?division=${divisionOf(need.state as RegionCode)}&need=${input.id}`;
  const { updated, notified } = await db.transaction().execute(async (tx) => {
    const updated = await writeNeed(tx, actor, { id: input.id, version: input.version, set: { assigned_to: input.assigneeId }, compare: ['assigned_to'] }, 'needs.assign');
    const changed = need.assignedTo !== input.assigneeId;
    const notified = input.assigneeId && changed ? await noticeForAssignment(tx, { needId: input.id, assigneeId: input.assigneeId, actor, link }) : [];
    return { updated, notified };
  });
  mailInstantLater(db, notified);
  return updated;
}

export async function pledgeNeed(db: Db, actor: SessionUser, input: NeedPledgeInput) {
  return writeNeed(db, actor, {
    id: input.id,
    version: input.version,
    set: {
      pledged_by: input.pledgedBy,
      pledged_cents: input.amountCents,
      pledge_expected_on: input.expectedOn,
      // A need being worked on becomes pledged; an open one records the pledge and stays open.
      status: sql`case when n.status = 'in_progress' then 'pledged'::need_status else n.status end`
    },
    compare: ['pledged_by', 'pledged_cents', 'pledge_expected_on']
  }, 'needs.pledge');
}

export async function fulfilNeed(db: Db, actor: SessionUser, input: NeedFulfilInput) {
  return writeNeed(db, actor, {
    id: input.id,
    version: input.version,
    set: {
      fulfilled_quantity: sql`n.fulfilled_quantity + ${input.quantity}`,
      // Fully fulfilled and pledged: the need is done.
      status: sql`case when n.fulfilled_quantity + ${input.quantity} >= n.quantity and n.status = 'pledged'
        then 'fulfilled'::need_status else n.status end`
    },
    compare: ['fulfilled_quantity']
  }, 'needs.fulfil');
}
