// Second factor (TOTP) for sign-in: enrolment (a pending key until a typed code confirms it, then
// ten recovery codes shown once), the code step after the password, and an admin's reset.
// After the password, no session exists yet: only a sign_in_challenge row (5 minutes), which
// nothing but completeSecondFactor reads. Code guesses share the sign-in throttles.
import type { Db } from '../db/index.js';
import { DomainError, fieldError } from '../errors.js';
import { recordAudit } from '../audit/audit.repository.js';
import { assertRole, type Role, type SessionUser } from './access.js';
import { createSession, type CreatedSession, type SessionOrigin } from './session.js';
import { generateToken, hashToken, looksLikeToken } from './tokens.js';
import { rememberBrowser } from './sign-in.service.js';
import { forgiveGuesses, guessBucket, fillBuckets, secondsUntilGuess } from './guess-throttle.js';
import type { LeakyBucket } from './rate-limit.js';
import { findKnownDevice } from './sign-in-throttle.repository.js';
import * as repo from './account.repository.js';
import {
  formatTotpKey, generateRecoveryCodes, generateTotpKey, hashRecoveryCode, looksLikeRecoveryCode, matchTotp, totpQrSvg, totpUri
} from './totp.js';

export const CHALLENGE_LIFETIME_MS = 5 * 60_000;
/** A pending key is offered again (same QR code) for this long, so a page reload does not change it. */
const PENDING_KEY_REUSE_MS = 15 * 60_000;
const WRONG_CODE = 'That code is not right. Type the 6 digits your app shows now, or one of your recovery codes.';

class ChallengeGone extends Error {}

export interface SecondFactorLimits {
  /** Wrong codes for one account, from anywhere. */
  account: LeakyBucket;
  /** Wrong codes from one address, across accounts. */
  address: LeakyBucket;
}

/** Like passwords: 5 wrong codes for an account, then one a minute; 20 from an address, then one every 3 s. */
export const secondFactorLimits: SecondFactorLimits = {
  account: { capacity: 5, leakPerSecond: 1 / 60 },
  address: { capacity: 20, leakPerSecond: 1 / 3 }
};

const accountBucket = (userId: string, limits: SecondFactorLimits) => guessBucket('second-factor', limits.account, userId);

export async function secondFactorStatus(db: Db, user: SessionUser) {
  const totp = await repo.findTotp(db, user.id);
  const enabled = !!totp?.confirmedAt;
  return { enabled, enabledAt: totp?.confirmedAt ?? null, recoveryCodesLeft: enabled ? await repo.countUnusedRecoveryCodes(db, user.id) : 0 };
}

/** A key to scan (QR code) or type; it counts only once totpConfirm accepts a code from it. */
export async function totpEnroll(db: Db, user: SessionUser, now = new Date()) {
  const existing = await repo.findTotp(db, user.id);
  if (existing?.confirmedAt) throw new DomainError('CONFLICT', 'Two-factor sign-in is already on for your account.');
  let key = existing?.secret;
  if (!key || now.getTime() - existing!.createdAt.getTime() > PENDING_KEY_REUSE_MS) {
    key = generateTotpKey();
    await repo.upsertPendingTotp(db, user.id, key, now);
  }
  const uri = totpUri(key, user.email);
  return { secret: formatTotpKey(key), uri, qrSvg: totpQrSvg(uri) };
}

/** Confirms the pending key with a code from it; returns the ten recovery codes (shown once). */
export async function totpConfirm(db: Db, user: SessionUser, code: string, now = new Date(), limits: SecondFactorLimits = secondFactorLimits) {
  const buckets = [accountBucket(user.id, limits)];
  const wait = await secondsUntilGuess(db, buckets);
  if (wait > 0) throw fieldError('code', `Too many wrong codes. Try again in ${wait} seconds.`);
  const recoveryCodes = generateRecoveryCodes();
  const confirmed = await db.transaction().execute(async (tx) => {
    const pending = await repo.findTotp(tx, user.id, true);
    if (!pending) throw new DomainError('CONFLICT', 'Start the set-up first: there is no key to confirm.');
    if (pending.confirmedAt) throw new DomainError('CONFLICT', 'Two-factor sign-in is already on for your account.');
    const step = matchTotp(pending.secret, code.trim(), now.getTime(), null);
    if (step === null) return false;
    await repo.confirmTotp(tx, user.id, now, step);
    await repo.replaceRecoveryCodes(tx, user.id, recoveryCodes.map(hashRecoveryCode));
    await recordAudit(tx, { actorId: user.id, action: 'auth.totpEnroll', entity: 'app_user', entityId: user.id, after: { secondFactor: 'totp' } });
    return true;
  });
  if (!confirmed) {
    await fillBuckets(db, buckets);
    throw fieldError('code', 'That code is not right. Type the 6 digits your app shows now.');
  }
  await forgiveGuesses(db, buckets);
  return { recoveryCodes };
}

/** Admin: removes a user's second factor and recovery codes (they enrol again). */
export async function resetSecondFactor(db: Db, actor: SessionUser, userId: string) {
  assertRole(actor, ['admin'], 'Only admins manage users.');
  return db.transaction().execute(async (tx) => {
    if (!(await repo.findAccount(tx, userId))) throw new DomainError('NOT_FOUND', 'No such user.');
    const removed = await repo.deleteTotp(tx, userId);
    await repo.replaceRecoveryCodes(tx, userId, []);
    await recordAudit(tx, {
      actorId: actor.id, action: 'users.resetSecondFactor', entity: 'app_user', entityId: userId,
      before: { secondFactor: removed ? 'totp' : 'none' }, after: { secondFactor: 'none' }
    });
    return { userId, removed };
  });
}

export async function hasSecondFactor(db: Db, userId: string): Promise<boolean> {
  return !!(await repo.findTotp(db, userId))?.confirmedAt;
}

/** After a correct password: the token of the half-way step (a cookie), never a session. */
export async function beginSecondFactor(db: Db, userId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + CHALLENGE_LIFETIME_MS);
  await repo.deleteExpiredChallenges(db, now);
  await repo.insertChallenge(db, { tokenHash: hashToken(token), userId, createdAt: now, expiresAt });
  return { token, expiresAt };
}

export async function challengeIsOpen(db: Db, token: string | undefined, now = new Date()): Promise<boolean> {
  return !!token && looksLikeToken(token) && !!(await repo.findChallenge(db, hashToken(token), now));
}

export type SecondFactorResult =
  | { ok: true; userId: string; role: Role; created: CreatedSession; method: 'totp' | 'recovery_code'; knownBrowserToken: string }
  | { ok: false; reason: 'expired' }
  | { ok: false; reason: 'invalid'; message: string }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/** The code step: a TOTP code or a recovery code; the session is created only here. */
export async function completeSecondFactor(
  db: Db,
  input: { challengeToken: string | undefined; code: string; clientAddress: string; origin: SessionOrigin; knownBrowserToken?: string },
  now = new Date(),
  limits: SecondFactorLimits = secondFactorLimits
): Promise<SecondFactorResult> {
  const addressBucket = guessBucket('second-factor-address', limits.address, input.clientAddress);
  const addressWait = await secondsUntilGuess(db, [addressBucket]);
  if (addressWait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: addressWait };
  const token = input.challengeToken;
  const challenge = token && looksLikeToken(token) ? await repo.findChallenge(db, hashToken(token), now) : undefined;
  if (!token || !challenge) return { ok: false, reason: 'expired' };
  const buckets = [accountBucket(challenge.userId, limits), addressBucket];
  const wait = await secondsUntilGuess(db, buckets);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };

  const code = input.code.trim();
  let result;
  try {
    result = await db.transaction().execute(async (tx) => {
    let method: 'totp' | 'recovery_code' | null = null;
    if (/^\d{6}$/.test(code)) {
      const totp = await repo.findTotp(tx, challenge.userId, true);
      const step = totp?.confirmedAt ? matchTotp(totp.secret, code, now.getTime(), totp.lastStep) : null;
      if (step !== null && (await repo.advanceTotpStep(tx, challenge.userId, step))) method = 'totp';
    } else if (looksLikeRecoveryCode(code) && (await repo.useRecoveryCode(tx, challenge.userId, hashRecoveryCode(code), now))) {
      method = 'recovery_code';
    }
    if (!method) return null;
    // Used concurrently by another request: roll back (the recovery code stays unused).
    if (!(await repo.deleteChallenge(tx, hashToken(token)))) throw new ChallengeGone();
    const created = await createSession(tx, challenge.userId, input.origin);
    await recordAudit(tx, {
      actorId: challenge.userId, action: 'auth.signIn', entity: 'app_user', entityId: challenge.userId, after: { secondFactor: method }
    });
    return { created, method };
    });
  } catch (err) {
    if (err instanceof ChallengeGone) return { ok: false, reason: 'expired' };
    throw err;
  }
  if (!result) {
    await fillBuckets(db, buckets);
    return { ok: false, reason: 'invalid', message: WRONG_CODE };
  }
  // The owner's guesses are forgiven; the address's bucket drains by itself (others may share it).
  await forgiveGuesses(db, [buckets[0]]);
  // Only now, with both factors, does this browser count as known for sign-in throttling.
  const known = input.knownBrowserToken && looksLikeToken(input.knownBrowserToken)
    ? await findKnownDevice(db, hashToken(input.knownBrowserToken), challenge.email)
    : undefined;
  const knownBrowserToken = await rememberBrowser(db, known ? input.knownBrowserToken : undefined, challenge.userId);
  return { ok: true, userId: challenge.userId, role: challenge.role, created: result.created, method: result.method, knownBrowserToken };
}
