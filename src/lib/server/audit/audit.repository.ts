// The audit trail: append-only (a trigger refuses UPDATE and DELETE). Every service mutation writes
// its row with recordAudit in the same transaction as the change, so neither exists without the other.
import { sql } from 'kysely';
import type { Db } from '../db/index.js';

export interface AuditEntry {
  /** null = the system (start-up, a script). */
  actorId: string | null;
  /** `domain.verb`, e.g. 'users.invite' (the table checks the shape). */
  action: string;
  entity: string;
  entityId: string | number | null;
  before?: unknown;
  after?: unknown;
  /** The state/province of the row described, for the activity feed per division. */
  state?: string | null;
}

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

export async function recordAudit(tx: Db, entry: AuditEntry): Promise<void> {
  await recordAudits(tx, [entry]);
}

/** Several entries in one statement (in this order). */
export async function recordAudits(tx: Db, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  await tx
    .insertInto('audit_log')
    .values(entries.map((entry) => ({
      actor_id: entry.actorId,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId === null ? null : String(entry.entityId),
      before: json(entry.before),
      after: json(entry.after),
      state: entry.state ?? null
    })))
    .execute();
}

export interface AuditFilters {
  actorId?: string;
  entity?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  /** Keyset paging: rows with a smaller id than this. */
  beforeId?: number;
  limit: number;
}

export async function listAudit(db: Db, f: AuditFilters) {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin('app_user as u', 'u.id', 'a.actor_id')
    .select([
      'a.id', 'a.at', 'a.action', 'a.entity', 'a.entity_id as entityId', 'a.before', 'a.after',
      'a.actor_id as actorId', 'u.email as actorEmail', 'u.display_name as actorName'
    ]);
  if (f.actorId) query = query.where('a.actor_id', '=', f.actorId);
  if (f.entity) query = query.where('a.entity', '=', f.entity);
  if (f.entityId) query = query.where('a.entity_id', '=', f.entityId);
  if (f.from) query = query.where('a.at', '>=', f.from);
  if (f.to) query = query.where('a.at', '<', f.to);
  if (f.beforeId) query = query.where('a.id', '<', f.beforeId);
  return query.orderBy('a.id', 'desc').limit(f.limit).execute();
}

export async function auditedEntities(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select(sql<string>`distinct entity`.as('entity')).orderBy('entity').execute();
  return rows.map((r) => r.entity);
}
