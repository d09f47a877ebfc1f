// Undo of one's own last change (within a minute) is a NEW change that writes the old values back,
// through the same versioned path as any edit: the audit trail keeps both, nothing is rewritten. If
// someone else has changed those fields since, the undo is refused with CONFLICT like any stale edit.
import type { Db } from '../db/index.js';
import { assertRole, OPERATIONAL_ROLES, type SessionUser } from '../auth/access.js';
import { DomainError } from '../errors.js';
import { writeNeed } from '../needs/needs.service.js';
import { updateOutreach } from '../outreach/outreach.service.js';
import { lastChangeWithinMinute } from './undo.repository.js';

const NEED_ACTIONS = ['needs.update', 'needs.move', 'needs.pledge', 'needs.fulfil'];
/** What "my last change" can be: an edit undo reverts, or an undo (refused: no redo of a redo). */
const CONSIDERED = [...NEED_ACTIONS, 'outreach.update', 'needs.undo', 'outreach.undo'];

function split(values: unknown) {
  const { version, ...fields } = (values ?? {}) as Record<string, unknown> & { version?: number };
  return { version: version ?? 0, fields };
}

export async function undoLast(db: Db, actor: SessionUser) {
  assertRole(actor, OPERATIONAL_ROLES);
  const last = await lastChangeWithinMinute(db, actor.id, CONSIDERED);
  if (!last) throw new DomainError('NOT_FOUND', 'Nothing to undo: you have made no change in the last minute.');
  const id = Number(last.entityId);
  const before = split(last.before);
  const after = split(last.after);
  if (NEED_ACTIONS.includes(last.action)) {
    const row = await writeNeed(
      db, actor, { id, version: after.version, set: before.fields, base: after.fields, compare: Object.keys(before.fields) }, 'needs.undo'
    );
    return { undid: last.action, entity: 'need' as const, id, version: row.version };
  }
  if (last.action === 'outreach.update') {
    const row = await updateOutreach(db, actor, { id, version: after.version, changes: before.fields }, 'outreach.undo');
    return { undid: last.action, entity: 'outreach' as const, id, version: row.version };
  }
  throw new DomainError('BAD_REQUEST', last.action.endsWith('.undo')
    ? 'Your last change was already an undo.'
    : `Your last change (${last.action}) cannot be undone here.`);
}
