// Device links for wall screens: an admin makes one for a set of dashboards and a rotation; the
// screen holds the token (in its URL) and reads exactly those dashboards, with no personal session.
// Only the token's SHA-256 is stored; revoking is immediate (announced to the live engine).
import type { Db } from '../db/index.js';
import { assertRole, type SessionUser } from '../auth/access.js';
import { DomainError } from '../errors.js';
import { generateToken, hashToken, looksLikeToken } from '../auth/tokens.js';
import { recordAudit } from '../audit/audit.repository.js';
import { dashboardTopics, type DashboardTopic } from '$lib/realtime/events.js';
import * as repo from './kiosk.repository.js';
import type { CreateKioskLinkInput } from './kiosk.schemas.js';
import { announceKioskLinkRevoked } from './kiosk-revocations.js';

/** Who a wall screen is, for the procedures and rooms it may use: its dashboards and nothing else. */
export interface KioskIdentity {
  linkId: number;
  label: string;
  dashboards: DashboardTopic[];
  rotateSeconds: number;
}

const ADMINS = ['admin'] as const;

/** The stored list, kept to the known dashboards in their order (the database checks it too). */
const dashboardsOf = (stored: unknown): DashboardTopic[] =>
  Array.isArray(stored) ? dashboardTopics.filter((t) => stored.includes(t)).sort((a, b) => stored.indexOf(a) - stored.indexOf(b)) : [];

export async function createKioskLink(db: Db, actor: SessionUser, input: CreateKioskLinkInput, now = new Date()) {
  assertRole(actor, ADMINS, 'Only admins make wall screen links.');
  const token = generateToken();
  return db.transaction().execute(async (tx) => {
    const link = await repo.insertKioskLink(tx, {
      label: input.label, tokenHash: hashToken(token), dashboards: input.dashboards, rotateSeconds: input.rotateSeconds, createdBy: actor.id, createdAt: now
    });
    await recordAudit(tx, {
      actorId: actor.id, action: 'kiosk.create', entity: 'kiosk_link', entityId: link.id,
      after: { label: input.label, dashboards: input.dashboards, rotateSeconds: input.rotateSeconds }
    });
    return { id: link.id, label: input.label, dashboards: input.dashboards, rotateSeconds: input.rotateSeconds, token, path: `/kiosk/${token}` };
  });
}

export async function listKioskLinks(db: Db, actor: SessionUser) {
  assertRole(actor, ADMINS, 'Only admins see wall screen links.');
  return (await repo.listKioskLinks(db)).map((l) => ({ ...l, dashboards: dashboardsOf(l.dashboards) }));
}

export async function revokeKioskLink(db: Db, actor: SessionUser, id: number, now = new Date()) {
  assertRole(actor, ADMINS, 'Only admins revoke wall screen links.');
  const revoked = await db.transaction().execute(async (tx) => {
    const row = await repo.revokeKioskLink(tx, id, actor.id, now);
    if (!row) {
      if (!(await repo.findKioskLinkById(tx, id))) throw new DomainError('NOT_FOUND', `There is no wall screen link ${id}.`);
      throw new DomainError('CONFLICT', 'This link is already revoked.');
    }
    await recordAudit(tx, { actorId: actor.id, action: 'kiosk.revoke', entity: 'kiosk_link', entityId: id, after: { label: row.label, revokedAt: row.revokedAt } });
    return row;
  });
  // After the commit: a screen that re-checks now finds the link revoked.
  announceKioskLinkRevoked(id);
  return revoked;
}

export type KioskLookup = { status: 'active'; identity: KioskIdentity } | { status: 'revoked' } | null;

/** The screen behind a token: active, revoked, or null for anything else (malformed or unknown). */
export async function findKioskLink(db: Db, token: string): Promise<KioskLookup> {
  if (typeof token !== 'string' || !looksLikeToken(token)) return null;
  const link = await repo.findKioskLinkByHash(db, hashToken(token));
  if (!link) return null;
  if (link.revokedAt) return { status: 'revoked' };
  return { status: 'active', identity: { linkId: link.id, label: link.label, dashboards: dashboardsOf(link.dashboards), rotateSeconds: link.rotateSeconds } };
}

/** As findKioskLink, noting that the screen was seen (its page opened, its socket connected). */
export async function openKioskLink(db: Db, token: string, now = new Date()): Promise<KioskLookup> {
  const found = await findKioskLink(db, token);
  if (found?.status === 'active') await repo.touchKioskLink(db, found.identity.linkId, now);
  return found;
}
