import type { Db } from '../db/index.js';
import { assertMayReadOperational, type SessionUser } from '../auth/access.js';
import { statesIn, type DivisionCode } from '../../regions.js';
import { listActivity as read } from './activity.repository.js';

export async function listActivity(db: Db, actor: SessionUser, input: { division: string; limit: number; beforeId?: number }) {
  assertMayReadOperational(actor, 'Activity is operational detail, not part of board snapshots.');
  return read(db, statesIn(input.division as DivisionCode), input.limit, input.beforeId);
}
