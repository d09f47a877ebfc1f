// Annotations on the time charts (issue 21, item 5). Who sees what: whoever reads the dashboards —
// leadership and admins every annotation, a coordinator everyone's and their own regions' (their
// divisions and states, and the divisions of their states). Who writes: leadership and admins for
// anyone (everyone, any division, any state); a coordinator only for their own divisions or states.
// Who removes: leadership and admins any; a coordinator their own. Every write is one transaction
// with its audit row; the change_log triggers announce it (topic `annotation`), so it reaches every
// dashboard live. A snapshot stores the annotations of its period and place as they were when it
// was made (snapshotAnnotations).
import type { Db } from '../db/index.js';
import { assertMayReadOperational, assertRole, type Role, type SessionUser } from '../auth/access.js';
import { recordAudit } from '../audit/audit.repository.js';
import { refusing } from '../db/refusals.js';
import { DomainError, fieldError } from '../errors.js';
import { divisionName, regions } from '../../regions.js';
import { annotationApplies, scopeLabel, type ChartAnnotation } from '../../annotations.js';
import * as repo from './annotations.repository.js';
import type { AnnotationCreateInput, AnnotationsListInput } from './annotations.schemas.js';

export const ANNOTATORS: readonly Role[] = ['leadership', 'admin', 'coordinator'];
const ANYWHERE: readonly Role[] = ['leadership', 'admin'];

type Scope = { division: string | null; state: string | null };
type Viewer = Pick<SessionUser, 'id' | 'role' | 'divisions' | 'states'>;

const divisionOfState = (s: string) => regions.find((r) => r.code === s)?.division ?? null;

/** May this person see an annotation with this scope (on a dashboard, in a list)? */
export function maySee(user: Viewer, a: Scope): boolean {
  if (ANYWHERE.includes(user.role)) return true;
  if (!a.division && !a.state) return true;
  if (a.state) return user.states.includes(a.state);
  return user.divisions.includes(a.division!) || user.states.some((s) => divisionOfState(s) === a.division);
}

/** May this person write an annotation for this scope? */
export function mayAnnotate(user: Viewer, a: Scope): boolean {
  if (ANYWHERE.includes(user.role)) return true;
  if (user.role !== 'coordinator') return false;
  if (a.state) return user.states.includes(a.state);
  if (a.division) return user.divisions.includes(a.division);
  return false;
}

/** The annotations of a period (days from..to, both included) a dashboard with these filters shows this person. */
export async function listAnnotations(db: Db, user: SessionUser, input: AnnotationsListInput) {
  assertMayReadOperational(user, 'Your role sees board snapshots, not live operational data.');
  const rows = await repo.annotationsBetween(db, input.from, input.to);
  return rows
    .filter((a) => maySee(user, a) && annotationApplies(a, input))
    .map((a) => ({
      id: Number(a.id),
      day: a.day,
      note: a.note,
      division: a.division,
      state: a.state,
      scope: scopeLabel(a),
      createdByName: a.createdByName,
      createdAt: a.createdAt,
      mine: a.createdBy === user.id,
      canRemove: ANYWHERE.includes(user.role) || a.createdBy === user.id
    }));
}

const scopeWords = (s: Scope) => (s.state ? (regions.find((r) => r.code === s.state)?.name ?? s.state) : s.division ? `the ${divisionName(s.division)} division` : 'everyone');

export async function createAnnotation(db: Db, user: SessionUser, input: AnnotationCreateInput) {
  assertRole(user, ANNOTATORS, 'Leadership and coordinators add notes to the charts.');
  if (!mayAnnotate(user, input.scope)) {
    throw fieldError('scope', input.scope.division || input.scope.state
      ? `You can add notes only for your own regions, not for ${scopeWords(input.scope)}.`
      : 'Only leadership adds notes for everyone; choose one of your regions.', 'FORBIDDEN');
  }
  return refusing(
    () =>
      db.transaction().execute(async (tx) => {
        const row = await repo.insertAnnotation(tx, { day: input.day, note: input.note, ...input.scope, createdBy: user.id });
        await recordAudit(tx, {
          actorId: user.id, action: 'annotations.create', entity: 'annotation', entityId: row.id, state: row.state,
          after: { day: row.day, note: row.note, division: row.division, state: row.state }
        });
        return { id: Number(row.id), day: row.day, note: row.note, division: row.division, state: row.state, scope: scopeLabel(row) };
      })
  );
}

export async function removeAnnotation(db: Db, user: SessionUser, input: { id: number }) {
  assertRole(user, ANNOTATORS, 'Leadership and coordinators remove notes from the charts.');
  return db.transaction().execute(async (tx) => {
    const before = await repo.findForUpdate(tx, input.id);
    if (!before || before.deletedAt) throw new DomainError('NOT_FOUND', 'That note is not on the charts any more.');
    if (!ANYWHERE.includes(user.role) && before.createdBy !== user.id) {
      throw new DomainError('FORBIDDEN', 'You can remove only the notes you wrote; ask leadership to remove this one.');
    }
    await repo.markRemoved(tx, input.id, user.id);
    await recordAudit(tx, {
      actorId: user.id, action: 'annotations.remove', entity: 'annotation', entityId: input.id, state: before.state,
      before: { day: before.day, note: before.note, division: before.division, state: before.state, createdBy: before.createdBy }, after: null
    });
    return { id: input.id, removed: true as const };
  });
}

/**
 * What a snapshot stores: the annotations of its period (days first..last, both included) that belong
 * to its place filters (everyone's, the division's and its states', or the state's and its
 * division's; all with no place filter), as they stood at `at` (made by then, not yet removed).
 */
export async function snapshotAnnotations(db: Db, filters: { division?: string | null; state?: string | null }, from: string, lastDay: string, at: Date): Promise<ChartAnnotation[]> {
  const rows = await repo.annotationsBetween(db, from, lastDay, at);
  return rows
    .filter((a) => annotationApplies(a, filters))
    .map((a) => ({ id: Number(a.id), day: a.day, note: a.note, division: a.division, state: a.state }));
}
