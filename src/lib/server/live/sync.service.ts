// Catch-up: what a client missed in one room since the last seq it applied. A row room gets the
// missed changes from change_log, or `reset` when the log no longer reaches back that far (or the
// client's seq is from another database); a dashboard room gets its current view.
import type { Db } from '../db/index.js';
import type { SessionUser } from '../auth/session.js';
import { DomainError } from '../errors.js';
import { statesIn, type DivisionCode } from '$lib/regions.js';
import { parseRoom, type JoinResult, type RoomSpec } from '$lib/realtime/events.js';
import { mayJoinRoom } from './room-access.js';
import type { DashboardRead } from './dashboard-sources.js';
import * as changeLog from './change-log.repository.js';

/** More missed changes than this and a reload is cheaper than replaying them. */
export const MAX_CATCH_UP_CHANGES = 1000;

export type CatchUp = Extract<JoinResult, { ok: true }>['catchUp'];
export interface SyncResult {
  seq: number;
  catchUp: CatchUp;
}

export interface SyncDeps {
  db: Db;
  /** The hub's (cached, coalesced) read of a dashboard room. */
  readDashboard(room: string, spec: Extract<RoomSpec, { kind: 'dashboard' }>): Promise<DashboardRead>;
}

export async function syncSince(deps: SyncDeps, user: SessionUser, input: { topic: string; seq?: number }): Promise<SyncResult> {
  const spec = parseRoom(input.topic);
  if (!spec) throw new DomainError('BAD_REQUEST', `unknown live topic "${input.topic}"`);
  if (!mayJoinRoom(user, spec)) throw new DomainError('FORBIDDEN', 'not allowed to follow this topic');
  return catchUpRoom(deps, input.topic, spec, input.seq);
}

/** Catch-up for a room whose access has already been checked. */
export async function catchUpRoom(deps: SyncDeps, room: string, spec: RoomSpec, since: number | undefined): Promise<SyncResult> {
  if (spec.kind === 'dashboard') {
    // Always the view, even to a client that has one as new: the room's patches apply to this one.
    const { seq, view } = await deps.readDashboard(room, spec);
    return { seq, catchUp: { kind: 'view', topic: spec.topic, view } };
  }
  // An inbox has no log to replay: the client fetches its list after every join and every push.
  if (spec.kind === 'inbox') return { seq: 0, catchUp: { kind: 'none' } };
  const scope = spec.scope;
  const states = 'division' in scope ? statesIn(scope.division as DivisionCode) : 'state' in scope ? [scope.state] : null;
  // One snapshot, so the horizon, the latest seq and the changes agree with each other.
  return deps.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx): Promise<SyncResult> => {
      const latest = await changeLog.latestChangeSeq(tx);
      if (since === undefined) return { seq: latest, catchUp: { kind: 'none' } };
      if (since > latest || since < (await changeLog.prunedThrough(tx))) return { seq: latest, catchUp: { kind: 'reset' } };
      const changes = await changeLog.topicChangesAfter(tx, { topic: spec.topic, states }, since, MAX_CATCH_UP_CHANGES + 1);
      if (changes.length > MAX_CATCH_UP_CHANGES) return { seq: latest, catchUp: { kind: 'reset' } };
      return { seq: latest, catchUp: { kind: 'changes', changes } };
    });
}
