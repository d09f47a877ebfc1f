// Password reset links: an admin issues one for a user (users.resetLink), or "Forgot password?"
// mails one when mail is on. 256-bit token, only its SHA-256 stored, one hour, single use; a newer
// link revokes the older ones. Using it sets the password and ends every session of the account.
import type { Db } from '../db/index.js';
import { DomainError, fieldError } from '../errors.js';
import { recordAudit } from '../audit/audit.repository.js';
import { assertRole, type SessionUser } from './access.js';
import { hashPassword, passwordProblem } from './password.js';
import { invalidateUserSessions } from './session.js';
import { announceSessionsRevoked } from './revocations.js';
import { generateToken, hashToken, looksLikeToken } from './tokens.js';
import type { LeakyBucket } from './rate-limit.js';
import { fillBuckets, guessBucket, secondsUntilGuess } from './guess-throttle.js';
import { normaliseEmail } from './sign-in.service.js';
import { mailEnabled, mailSettings, sendMail, type MailSettings } from '../mail/mail.js';
import * as repo from './account.repository.js';

export const RESET_LINK_LIFETIME_MS = 60 * 60_000;
export const INVALID_RESET_LINK = 'This reset link is invalid, has expired, was already used or was replaced by a newer one. Ask for a new one.';

async function issue(tx: Db, userId: string, createdBy: string | null, now: Date) {
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + RESET_LINK_LIFETIME_MS);
  await repo.revokeOpenPasswordResets(tx, userId, now);
  await repo.insertPasswordReset(tx, { tokenHash: hashToken(token), userId, createdBy, createdAt: now, expiresAt });
  return { token, expiresAt };
}

/** Admin: a reset link for an active user who has set a password (invited users get a new invitation). */
export async function issueResetLink(db: Db, actor: SessionUser, userId: string, now = new Date()) {
  assertRole(actor, ['admin'], 'Only admins manage users.');
  return db.transaction().execute(async (tx) => {
    const user = await repo.findAccount(tx, userId);
    if (!user) throw new DomainError('NOT_FOUND', 'No such user.');
    if (!user.active) throw new DomainError('CONFLICT', 'This account is deactivated; reactivate it first.');
    if (!user.passwordHash) throw new DomainError('CONFLICT', 'This user has not accepted the invitation yet; send a new invitation instead.');
    const link = await issue(tx, userId, actor.id, now);
    await recordAudit(tx, { actorId: actor.id, action: 'users.resetLink', entity: 'app_user', entityId: userId, after: { resetExpiresAt: link.expiresAt } });
    return { userId, email: user.email, ...link };
  });
}

export interface ForgotPasswordLimits {
  /** Requests from one client address. */
  address: LeakyBucket;
  /** Requests naming one email address (known or not). */
  email: LeakyBucket;
}

/** 5 requests per client address, then one a minute; 3 per email address, then one per 10 minutes. */
export const forgotPasswordLimits: ForgotPasswordLimits = {
  address: { capacity: 5, leakPerSecond: 1 / 60 },
  email: { capacity: 3, leakPerSecond: 1 / 600 }
};

export type ForgotPasswordResult =
  | { ok: true; delivery: Promise<void> }
  | { ok: false; reason: 'mail-off' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * "Forgot password?": the same answer whether or not the address has an account. The mail goes out
 * after the answer (`delivery`, which callers do not await), so the answer's timing does not depend
 * on the SMTP server either. A throttled email address is answered the same, and nothing is sent.
 */
export async function requestPasswordReset(
  db: Db,
  input: { email: string; clientAddress: string; baseUrl: string },
  options: { mail?: MailSettings; limits?: ForgotPasswordLimits; now?: Date } = {}
): Promise<ForgotPasswordResult> {
  const mail = options.mail ?? mailSettings();
  const limits = options.limits ?? forgotPasswordLimits;
  const now = options.now ?? new Date();
  if (!mailEnabled(mail)) return { ok: false, reason: 'mail-off' };
  const byAddress = guessBucket('forgot-password-address', limits.address, input.clientAddress);
  const wait = await secondsUntilGuess(db, [byAddress]);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
  await fillBuckets(db, [byAddress]);
  const email = normaliseEmail(input.email);
  if (email.length > 254) return { ok: true, delivery: Promise.resolve() };
  // Known or not, the same count per email: one address cannot be flooded with mail.
  const byEmail = guessBucket('forgot-password-email', limits.email, email);
  if ((await secondsUntilGuess(db, [byEmail])) > 0) return { ok: true, delivery: Promise.resolve() };
  await fillBuckets(db, [byEmail]);
  const user = await repo.findActiveUserByEmail(db, email);
  const account = user && (await repo.findAccount(db, user.id));
  if (!user || !account?.passwordHash) return { ok: true, delivery: Promise.resolve() };
  const link = await db.transaction().execute(async (tx) => {
    const issued = await issue(tx, user.id, null, now);
    await recordAudit(tx, { actorId: null, action: 'auth.forgotPassword', entity: 'app_user', entityId: user.id, after: { resetExpiresAt: issued.expiresAt } });
    return issued;
  });
  const url = `${input.baseUrl}/reset/${link.token}`;
  const delivery = sendMail(
    {
      to: user.email,
      subject: 'Reset your Beacon password',
      text: `Hello ${user.displayName},\n\nSomeone (we hope you) asked to reset the password of your Beacon account.\n` +
        `Open this link within one hour to choose a new password:\n\n${url}\n\n` +
        'The link works once. If you did not ask for it, ignore this mail: your password stays as it is.\n'
    },
    mail
  ).then(
    () => undefined,
    (err) => console.error('[mail] password reset mail failed:', err instanceof Error ? err.message : err)
  );
  return { ok: true, delivery };
}

/** What the reset page may show; null when the link is not usable. */
export async function resetForToken(db: Db, token: string, now = new Date()) {
  if (!looksLikeToken(token)) return null;
  return (await repo.findOpenPasswordReset(db, hashToken(token), now)) ?? null;
}

/** Sets the new password, uses the link up and ends every session of the account, in one transaction. */
export async function completePasswordReset(db: Db, input: { token: string; password: string }, now = new Date()) {
  const reset = await resetForToken(db, input.token, now);
  if (!reset) throw new DomainError('NOT_FOUND', INVALID_RESET_LINK);
  const problem = passwordProblem(input.password, { email: reset.email, displayName: reset.displayName });
  if (problem) throw fieldError('password', problem);
  const passwordHash = await hashPassword(input.password);
  const ended = await db.transaction().execute(async (tx) => {
    const userId = await repo.claimPasswordReset(tx, hashToken(input.token), now);
    if (!userId) throw new DomainError('NOT_FOUND', INVALID_RESET_LINK);
    await repo.setPasswordHash(tx, userId, passwordHash);
    const ids = await invalidateUserSessions(tx, userId);
    await recordAudit(tx, { actorId: userId, action: 'auth.resetPassword', entity: 'app_user', entityId: userId, after: { sessionsEnded: ids.length } });
    return ids;
  });
  announceSessionsRevoked({ userId: reset.userId, sessionIds: ended });
  return { userId: reset.userId, sessionsEnded: ended.length };
}
