import type { Db } from '../db/index.js';
import { assertRole, OPERATIONAL_ROLES, type SessionUser } from '../auth/access.js';
import type { NeedStatus } from '../db/schema.js';
import * as repo from './needs.repository.js';
import type { NeedsListInput } from './needs.schemas.js';

const OPEN: NeedStatus[] = ['open', 'in_progress', 'pledged'];
const ALL: NeedStatus[] = [...OPEN, 'fulfilled', 'cancelled'];

/** Needs, most urgent first. Coordinators read every region (they edit only their own). */
export async function listNeeds(db: Db, actor: SessionUser, input: NeedsListInput) {
  assertRole(actor, OPERATIONAL_ROLES, 'Needs are operational detail, not part of board snapshots.');
  return repo.listNeeds(db, { states: input.states, statuses: input.includeClosed ? ALL : OPEN, limit: input.limit });
}
