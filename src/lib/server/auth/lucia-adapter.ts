// Lucia's storage interface over Kysely (one code path for PGlite and Postgres). Lucia is handed
// session ids that are already SHA-256 hashes of the cookie tokens (see session.ts), so what this
// adapter stores, returns and deletes is only ever the hash.
import type { Adapter, DatabaseSession, DatabaseUser } from 'lucia';
import type { Db } from '../db/index.js';
import * as repo from './session.repository.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

function toDatabaseSession(row: repo.SessionRow): DatabaseSession {
  return {
    id: row.id,
    userId: row.userId,
    expiresAt: row.expiresAt,
    attributes: { absoluteExpiresAt: row.absoluteExpiresAt, lastActiveAt: row.lastActiveAt, userAgent: row.userAgent, address: row.address }
  };
}

export class KyselySessionAdapter implements Adapter {
  constructor(private readonly db: Db) {}

  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    if (!SHA256_HEX.test(sessionId)) return [null, null];
    const found = await repo.findSessionWithUser(this.db, sessionId);
    if (!found) return [null, null];
    const { session, owner } = found;
    // An inactive (deactivated) user comes back as null: Lucia then deletes the session.
    const user: DatabaseUser | null = owner && {
      id: owner.id,
      attributes: {
        email: owner.email, displayName: owner.displayName, role: owner.role, divisions: owner.divisions, states: owner.states, hasTotp: owner.hasTotp
      }
    };
    return [toDatabaseSession(session), user];
  }

  async getUserSessions(userId: string): Promise<DatabaseSession[]> {
    return (await repo.listUserSessions(this.db, userId)).map(toDatabaseSession);
  }

  async setSession(session: DatabaseSession): Promise<void> {
    // Defence in depth (the table has the same check): a raw token must never be stored.
    if (!SHA256_HEX.test(session.id)) throw new Error('session ids must be SHA-256 hashes of the token');
    await repo.insertSession(this.db, {
      id: session.id,
      userId: session.userId,
      expiresAt: session.expiresAt,
      absoluteExpiresAt: session.attributes.absoluteExpiresAt,
      lastActiveAt: session.attributes.lastActiveAt,
      userAgent: session.attributes.userAgent,
      address: session.attributes.address
    });
  }

  async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
    await repo.extendSession(this.db, sessionId, expiresAt);
  }

  async deleteSession(sessionId: string): Promise<void> {
    await repo.deleteSession(this.db, sessionId);
  }

  async deleteUserSessions(userId: string): Promise<void> {
    await repo.deleteUserSessions(this.db, userId);
  }

  async deleteExpiredSessions(): Promise<void> {
    await repo.deleteSessionsExpiredBy(this.db, new Date());
  }
}
