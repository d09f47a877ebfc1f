import type { Db } from '../db/index.js';
import { assertMayReadOperational, assertCanEditState, assertRole, OPERATIONAL_ROLES, type SessionUser } from '../auth/access.js';
import { DomainError, fieldError } from '../errors.js';
import { refusing } from '../db/refusals.js';
import { recordAudit } from '../audit/audit.repository.js';
import { divisionOf, type RegionCode } from '../../regions.js';
import { mailInstantLater, noticesForComment } from '../notifications/notifications.service.js';
import * as repo from './comments.repository.js';
import type { CommentEntity } from './comments.repository.js';

async function stateOf(db: Db, entity: CommentEntity, id: number) {
  const state = await repo.parentState(db, entity, id);
  if (!state) throw new DomainError('NOT_FOUND', `That ${entity === 'need' ? 'need' : 'funding request'} does not exist.`);
  return state;
}

export async function listComments(db: Db, actor: SessionUser, input: { entity: CommentEntity; id: number }) {
  assertMayReadOperational(actor, 'Comments are operational detail, not part of board snapshots.');
  await stateOf(db, input.entity, input.id);
  return repo.listComments(db, input.entity, input.id);
}

/** Colleagues who work on rows in `state`: its coordinators, leadership and admins (never board). */
export async function mentionableFor(db: Db, state: string) {
  const rows = await repo.operationalUsers(db);
  const division = divisionOf(state as RegionCode);
  const users = new Map<string, { id: string; displayName: string; role: string }>();
  for (const r of rows) {
    const covers = r.role !== 'coordinator' || r.division === division || r.state === state;
    if (covers) users.set(r.id, { id: r.id, displayName: r.displayName, role: r.role });
  }
  return [...users.values()];
}

export async function mentionable(db: Db, actor: SessionUser, input: { entity: CommentEntity; id: number }) {
  assertRole(actor, OPERATIONAL_ROLES);
  return mentionableFor(db, await stateOf(db, input.entity, input.id));
}

export async function addComment(db: Db, actor: SessionUser, input: { entity: CommentEntity; id: number; body: string; mentions: string[] }) {
  assertRole(actor, OPERATIONAL_ROLES);
  const state = await stateOf(db, input.entity, input.id);
  assertCanEditState(actor, state);
  const mentions = [...new Set(input.mentions)];
  if (mentions.length) {
    const allowed = new Set((await mentionableFor(db, state)).map((u) => u.id));
    const unknown = mentions.filter((m) => !allowed.has(m));
    if (unknown.length) throw fieldError('mentions', 'You can only mention colleagues who work on this region.');
  }
  const division = divisionOf(state as RegionCode);
  const link = input.entity === 'need' ? `/needs?division=${division}&need=${input.id}` : `/pipeline?division=${division}&request=${input.id}`;
  const { created, notified } = await refusing(() =>
    db.transaction().execute(async (tx) => {
      const row = await repo.insertComment(tx, input.entity, input.id, actor.id, input.body, mentions);
      await recordAudit(tx, {
        actorId: actor.id, action: 'comments.add', entity: input.entity === 'need' ? 'need_comment' : 'funding_comment', entityId: row.id,
        state: row.state, after: { on: input.entity, id: input.id, body: input.body, mentions }
      });
      // Mentioned people and the row's followers are told in the same transaction as the comment.
      const notified = await noticesForComment(tx, { entity: input.entity, id: input.id, link, actor, body: input.body, mentions });
      return { created: { id: row.id, createdAt: row.created_at }, notified };
    })
  );
  mailInstantLater(db, notified);
  return created;
}
