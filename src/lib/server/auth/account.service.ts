// A signed-in person's own account: name, password, and the sessions they have open. Ending a
// session (or changing the password, which ends all the others) is announced, so live sockets of
// those sessions are dropped within moments, not at their next check.
import type { Db } from '../db/index.js';
import { fieldError, DomainError } from '../errors.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { SessionUser } from './access.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import { invalidateOwnSession, invalidateUserSessions, listUserSessions } from './session.js';
import { announceSessionsRevoked } from './revocations.js';
import { describeDevice } from './devices.js';
import { forgiveGuesses, guessBucket, fillBuckets, secondsUntilGuess } from './guess-throttle.js';
import type { LeakyBucket } from './rate-limit.js';
import * as repo from './account.repository.js';

export async function changeName(db: Db, user: SessionUser, displayName: string) {
  await db.transaction().execute(async (tx) => {
    await repo.setDisplayName(tx, user.id, displayName);
    await recordAudit(tx, {
      actorId: user.id, action: 'auth.changeName', entity: 'app_user', entityId: user.id,
      before: { displayName: user.displayName }, after: { displayName }
    });
  });
  return { displayName };
}

/** Wrong current passwords: 5, then one a minute (as one address against one account at sign-in). */
export const CURRENT_PASSWORD_GUESSES: LeakyBucket = { capacity: 5, leakPerSecond: 1 / 60 };

/**
 * Current password required (a stolen session alone cannot take the account over); wrong guesses
 * fill a shared leaky bucket like sign-in's. Every other session ends.
 */
export async function changePassword(
  db: Db,
  user: SessionUser,
  currentSessionId: string | null,
  input: { currentPassword: string; newPassword: string },
  limit: LeakyBucket = CURRENT_PASSWORD_GUESSES
) {
  const buckets = [guessBucket('change-password', limit, user.id)];
  const wait = await secondsUntilGuess(db, buckets);
  if (wait > 0) throw fieldError('currentPassword', `Too many wrong passwords. Try again in ${wait} seconds.`);
  const account = await repo.findAccount(db, user.id);
  if (!account?.passwordHash || !(await verifyPassword(account.passwordHash, input.currentPassword))) {
    await fillBuckets(db, buckets);
    throw fieldError('currentPassword', 'Your current password is not right.');
  }
  await forgiveGuesses(db, buckets);
  const problem = passwordProblem(input.newPassword, { email: account.email, displayName: account.displayName });
  if (problem) throw fieldError('newPassword', problem);
  if (input.newPassword === input.currentPassword) throw fieldError('newPassword', 'Choose a password different from your current one.');
  const passwordHash = await hashPassword(input.newPassword);
  const ended = await db.transaction().execute(async (tx) => {
    await repo.setPasswordHash(tx, user.id, passwordHash);
    const ids = await invalidateUserSessions(tx, user.id, currentSessionId ?? undefined);
    // A reset link issued before the change must not undo it.
    await repo.revokeOpenPasswordResets(tx, user.id, new Date());
    await recordAudit(tx, {
      actorId: user.id, action: 'auth.changePassword', entity: 'app_user', entityId: user.id, after: { otherSessionsEnded: ids.length }
    });
    return ids;
  });
  announceSessionsRevoked({ userId: user.id, sessionIds: ended });
  return { otherSessionsEnded: ended.length };
}

export async function listSessions(db: Db, user: SessionUser, currentSessionId: string | null) {
  const rows = await listUserSessions(db, user.id);
  return rows.map((s) => ({
    id: s.id,
    device: describeDevice(s.userAgent),
    address: s.address,
    lastSeenAt: s.lastActiveAt,
    current: s.id === currentSessionId
  }));
}

export async function revokeSession(db: Db, user: SessionUser, sessionId: string) {
  const ended = await db.transaction().execute(async (tx) => {
    if (!(await invalidateOwnSession(tx, user.id, sessionId))) return false;
    await recordAudit(tx, { actorId: user.id, action: 'auth.revokeSession', entity: 'app_user', entityId: user.id });
    return true;
  });
  // Someone else's session id gets the same answer as one that does not exist.
  if (!ended) throw new DomainError('NOT_FOUND', 'That session has already ended.');
  announceSessionsRevoked({ userId: user.id, sessionIds: [sessionId] });
  return { ended: 1 };
}

/** "Sign out everywhere else": every session of the user but the one making the request. */
export async function revokeOtherSessions(db: Db, user: SessionUser, currentSessionId: string | null) {
  const ended = await db.transaction().execute(async (tx) => {
    const ids = await invalidateUserSessions(tx, user.id, currentSessionId ?? undefined);
    await recordAudit(tx, { actorId: user.id, action: 'auth.revokeOtherSessions', entity: 'app_user', entityId: user.id, after: { sessionsEnded: ids.length } });
    return ids;
  });
  announceSessionsRevoked({ userId: user.id, sessionIds: ended });
  return { ended: ended.length };
}
