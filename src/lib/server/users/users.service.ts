// User management: admins invite, change roles and regions, deactivate. Every change is one
// transaction with its audit row; rights that change are announced so live connections drop.
import type { Db } from '../db/index.js';
import { DomainError } from '../errors.js';
import { assertRole, type Role, type SessionUser } from '../auth/access.js';
import { hashPassword, passwordProblem } from '../auth/password.js';
import { invalidateUserSessions } from '../auth/session.js';
import { announceSessionsRevoked } from '../auth/revocations.js';
import { generateToken, generateUserId, hashToken, looksLikeToken } from '../auth/tokens.js';
import { recordAudit } from '../audit/audit.repository.js';
import * as repo from './users.repository.js';
import * as invitations from './invitation.repository.js';
import type { InviteUserInput, UpdateUserInput } from './users.schemas.js';

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
const INVALID_INVITATION = 'This invitation link is invalid, has expired or was already used. Ask an admin for a new one.';
const ADMINS_ONLY = 'Only admins manage users.';

export type UserStatus = 'active' | 'invited' | 'deactivated';

interface Regions {
  divisions: string[];
  states: string[];
}

/** Regions mean something only for coordinators, and a coordinator without one could edit nothing. */
function assertScopeFits(role: Role, regions: Regions): void {
  const count = regions.divisions.length + regions.states.length;
  if (role === 'coordinator' && count === 0) {
    throw new DomainError('BAD_REQUEST', 'A coordinator needs at least one division or state.');
  }
  if (role !== 'coordinator' && count > 0) {
    throw new DomainError('BAD_REQUEST', 'Only coordinators are assigned divisions or states.');
  }
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

function statusOf(u: { active: boolean; hasPassword: boolean }): UserStatus {
  if (!u.active) return 'deactivated';
  return u.hasPassword ? 'active' : 'invited';
}

/** What the audit trail records of a user: never the password hash. */
function auditView(u: repo.UserRecord) {
  return { email: u.email, displayName: u.displayName, role: u.role, divisions: u.divisions, states: u.states, active: u.active };
}

export async function listUsers(db: Db, actor: SessionUser) {
  assertRole(actor, ['admin'], ADMINS_ONLY);
  const rows = await repo.listUsers(db);
  return rows.map(({ hasPassword, ...u }) => ({ ...u, status: statusOf({ active: u.active, hasPassword }) }));
}

async function issueInvitation(tx: Db, userId: string, invitedBy: string | null, now: Date) {
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + INVITATION_LIFETIME_MS);
  await invitations.insertInvitation(tx, { tokenHash: hashToken(token), userId, invitedBy, createdAt: now, expiresAt });
  return { token, expiresAt };
}

/** Creates the account (no password yet) and a single-use link; the token is returned once, never stored. */
export async function inviteUser(db: Db, actor: SessionUser, input: InviteUserInput, now = new Date()) {
  assertRole(actor, ['admin'], ADMINS_ONLY);
  assertScopeFits(input.role, input);
  const userId = generateUserId();
  const displayName = input.displayName ?? input.email.split('@')[0].slice(0, 100);
  try {
    return await db.transaction().execute(async (tx) => {
      if (await repo.findUserIdByEmail(tx, input.email)) {
        throw new DomainError('CONFLICT', `${input.email} already has an account.`);
      }
      await repo.insertUser(tx, { id: userId, email: input.email, displayName, role: input.role, passwordHash: null });
      await repo.insertUserRegions(tx, userId, input);
      const invitation = await issueInvitation(tx, userId, actor.id, now);
      await recordAudit(tx, {
        actorId: actor.id, action: 'users.invite', entity: 'app_user', entityId: userId,
        after: { email: input.email, displayName, role: input.role, divisions: input.divisions, states: input.states, active: true, inviteExpiresAt: invitation.expiresAt }
      });
      return { userId, ...invitation };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('CONFLICT', `${input.email} already has an account.`);
    throw err;
  }
}

/** A new link for an invited user who has not set a password yet; earlier links stop working. */
export async function reissueInvitation(db: Db, actor: SessionUser, userId: string, now = new Date()) {
  assertRole(actor, ['admin'], ADMINS_ONLY);
  return db.transaction().execute(async (tx) => {
    const user = await repo.findUser(tx, userId, true);
    if (!user) throw new DomainError('NOT_FOUND', 'No such user.');
    if (!user.active) throw new DomainError('CONFLICT', 'This account is deactivated; reactivate it first.');
    if (user.hasPassword) throw new DomainError('CONFLICT', 'This user has already accepted an invitation.');
    await invitations.revokeOpenInvitations(tx, userId, now);
    const invitation = await issueInvitation(tx, userId, actor.id, now);
    await recordAudit(tx, {
      actorId: actor.id, action: 'users.reissueInvite', entity: 'app_user', entityId: userId,
      after: { inviteExpiresAt: invitation.expiresAt }
    });
    return { userId, ...invitation };
  });
}

async function assertAnotherAdminRemains(tx: Db, user: repo.UserRecord): Promise<void> {
  if (user.role !== 'admin' || !user.active) return;
  if ((await repo.countActiveAdminsExcept(tx, user.id)) === 0) {
    throw new DomainError('CONFLICT', 'Beacon needs at least one active admin.');
  }
}

export async function updateUser(db: Db, actor: SessionUser, input: UpdateUserInput) {
  assertRole(actor, ['admin'], ADMINS_ONLY);
  const result = await db.transaction().execute(async (tx) => {
    const before = await repo.findUser(tx, input.userId, true);
    if (!before) throw new DomainError('NOT_FOUND', 'No such user.');
    const role = input.role ?? before.role;
    const regionsGiven = input.divisions !== undefined || input.states !== undefined;
    // Leaving the coordinator role without naming regions clears them.
    const keep = role === 'coordinator' || regionsGiven;
    const regions = {
      divisions: input.divisions ?? (keep ? before.divisions : []),
      states: input.states ?? (keep ? before.states : [])
    };
    assertScopeFits(role, regions);
    if (role !== 'admin') await assertAnotherAdminRemains(tx, before);
    const rightsChanged =
      role !== before.role || !sameSet(regions.divisions, before.divisions) || !sameSet(regions.states, before.states);
    await repo.updateUser(tx, before.id, { role, displayName: input.displayName });
    if (rightsChanged) {
      await repo.deleteUserRegions(tx, before.id);
      await repo.insertUserRegions(tx, before.id, regions);
    }
    const after = (await repo.findUser(tx, before.id))!;
    await recordAudit(tx, {
      actorId: actor.id, action: 'users.update', entity: 'app_user', entityId: before.id,
      before: auditView(before), after: auditView(after)
    });
    return { user: { ...after, status: statusOf(after) }, rightsChanged };
  });
  // After commit: open sessions re-read the user on their next request; live sockets must reconnect.
  if (result.rightsChanged) announceSessionsRevoked({ userId: input.userId });
  return result.user;
}

/** Deactivates the account and ends every one of its sessions at once. */
export async function deactivateUser(db: Db, actor: SessionUser, userId: string, now = new Date()) {
  assertRole(actor, ['admin'], ADMINS_ONLY);
  if (userId === actor.id) throw new DomainError('CONFLICT', 'You cannot deactivate your own account.');
  const result = await db.transaction().execute(async (tx) => {
    const before = await repo.findUser(tx, userId, true);
    if (!before) throw new DomainError('NOT_FOUND', 'No such user.');
    if (!before.active) return { user: { ...before, status: statusOf(before) }, sessionIds: [] as string[] };
    await assertAnotherAdminRemains(tx, before);
    await repo.updateUser(tx, userId, { active: false });
    const sessionIds = await invalidateUserSessions(tx, userId);
    await invitations.revokeOpenInvitations(tx, userId, now);
    const after = (await repo.findUser(tx, userId))!;
    await recordAudit(tx, {
      actorId: actor.id, action: 'users.deactivate', entity: 'app_user', entityId: userId,
      before: auditView(before), after: { ...auditView(after), sessionsEnded: sessionIds.length }
    });
    return { user: { ...after, status: statusOf(after) }, sessionIds };
  });
  announceSessionsRevoked({ userId, sessionIds: result.sessionIds });
  return result.user;
}

export async function reactivateUser(db: Db, actor: SessionUser, userId: string) {
  assertRole(actor, ['admin'], ADMINS_ONLY);
  return db.transaction().execute(async (tx) => {
    const before = await repo.findUser(tx, userId, true);
    if (!before) throw new DomainError('NOT_FOUND', 'No such user.');
    if (before.active) return { ...before, status: statusOf(before) };
    await repo.updateUser(tx, userId, { active: true });
    const after = (await repo.findUser(tx, userId))!;
    await recordAudit(tx, {
      actorId: actor.id, action: 'users.reactivate', entity: 'app_user', entityId: userId,
      before: auditView(before), after: auditView(after)
    });
    return { ...after, status: statusOf(after) };
  });
}

/** What the invitation page may show before the password is set; null when the link is not usable. */
export async function invitationForToken(db: Db, token: string, now = new Date()) {
  if (!looksLikeToken(token)) return null;
  return (await invitations.findOpenInvitation(db, hashToken(token), now)) ?? null;
}

/** The invited person sets name and password; the link is used up in the same transaction. */
export async function acceptInvitation(db: Db, input: { token: string; displayName: string; password: string }, now = new Date()) {
  const invitation = await invitationForToken(db, input.token, now);
  if (!invitation) throw new DomainError('NOT_FOUND', INVALID_INVITATION);
  const problem = passwordProblem(input.password, { email: invitation.email, displayName: input.displayName });
  if (problem) throw new DomainError('BAD_REQUEST', problem, { field: 'password' });
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (tx) => {
    const userId = await invitations.claimInvitation(tx, hashToken(input.token), now);
    if (!userId || !(await repo.setInitialPassword(tx, userId, passwordHash, input.displayName))) {
      throw new DomainError('NOT_FOUND', INVALID_INVITATION);
    }
    await recordAudit(tx, {
      actorId: userId, action: 'users.acceptInvite', entity: 'app_user', entityId: userId,
      before: { displayName: invitation.displayName, hasPassword: false },
      after: { displayName: input.displayName, hasPassword: true }
    });
    return { userId, role: invitation.role };
  });
}

export interface NewUser {
  email: string;
  displayName: string;
  role: Role;
  password: string;
  divisions?: string[];
  states?: string[];
}

/**
 * Creates an active user with a password directly (the first admin via `npm run user:create`, demo
 * users). `skipPasswordPolicy` exists for demo users only, whose shared password is public anyway.
 */
export async function createUser(db: Db, input: NewUser, options: { actorId: string | null; skipPasswordPolicy?: boolean }) {
  const regions = { divisions: input.divisions ?? [], states: input.states ?? [] };
  assertScopeFits(input.role, regions);
  if (!options.skipPasswordPolicy) {
    const problem = passwordProblem(input.password, input);
    if (problem) throw new DomainError('BAD_REQUEST', problem, { field: 'password' });
  }
  const passwordHash = await hashPassword(input.password);
  const id = generateUserId();
  try {
    await db.transaction().execute(async (tx) => {
      if (await repo.findUserIdByEmail(tx, input.email)) throw new DomainError('CONFLICT', `${input.email} already has an account.`);
      await repo.insertUser(tx, { id, email: input.email, displayName: input.displayName, role: input.role, passwordHash });
      await repo.insertUserRegions(tx, id, regions);
      await recordAudit(tx, {
        actorId: options.actorId, action: 'users.create', entity: 'app_user', entityId: id,
        after: { email: input.email, displayName: input.displayName, role: input.role, ...regions, active: true }
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('CONFLICT', `${input.email} already has an account.`);
    throw err;
  }
  return id;
}
