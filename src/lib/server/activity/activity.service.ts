import type { Db } from '../db/index.js';
import { assertMayReadOperational, type SessionUser } from '../auth/access.js';
import { statesIn, type DivisionCode } from '../../regions.js';
import { listActivity as read } from './activity.repository.js';

/** A division's activity (every division when none is named), or one need's history. */
export async function listActivity(db: Db, actor: SessionUser, input: { division?: string; needId?: number; limit: number; beforeId?: number }) {
  assertMayReadOperational(actor, 'Activity is operational detail, not part of board snapshots.');
  const states = input.division ? statesIn(input.division as DivisionCode) : null;
  return read(db, { states, needId: input.needId }, input.limit, input.beforeId);
}
