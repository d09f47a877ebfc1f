import type { Db } from '../db/index.js';
import { assertRole, type SessionUser } from '../auth/access.js';
import * as repo from './audit.repository.js';
import type { AuditListInput } from './audit.schemas.js';

/** The audit trail, newest first, one page at a time (admins only). */
export async function listAuditLog(db: Db, actor: SessionUser, filters: AuditListInput) {
  assertRole(actor, ['admin'], 'Only admins read the audit log.');
  const entries = await repo.listAudit(db, filters);
  return {
    entries,
    nextBeforeId: entries.length === filters.limit ? entries[entries.length - 1].id : null
  };
}

export async function auditEntities(db: Db, actor: SessionUser) {
  assertRole(actor, ['admin'], 'Only admins read the audit log.');
  return repo.auditedEntities(db);
}
