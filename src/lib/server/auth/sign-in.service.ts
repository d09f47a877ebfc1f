// Signing in and out. Unknown email, wrong password, no password yet and deactivated account all
// get the same answer after the same argon2 work; throttles answer before any password is checked.
import type { Db } from '../db/index.js';
import type { Role } from './access.js';
import { recordAudit } from '../audit/audit.repository.js';
import { findUserForSignIn } from '../users/users.repository.js';
import { verifyAgainstDummy, verifyPassword, PASSWORD_MAX_LENGTH } from './password.js';
import { createSession, invalidateSession, type CreatedSession, type SessionOrigin } from './session.js';
import { announceSessionsRevoked } from './revocations.js';
import { bucketsFor, secondsUntilRoom, signInLimits, type SignInLimits } from './rate-limit.js';
import { generateToken, hashToken, looksLikeToken } from './tokens.js';
import * as throttle from './sign-in-throttle.repository.js';

export { signInLimits, type SignInLimits };

export type SignInResult =
  | { ok: true; userId: string; role: Role; created: CreatedSession; knownBrowserToken: string }
  /** Password right, second factor owed: no session yet (and the browser is not remembered yet). */
  | { ok: false; reason: 'second-factor'; userId: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A new session for a user whose identity is already proven, audited with it. */
export async function startSession(db: Db, userId: string, origin?: SessionOrigin): Promise<CreatedSession> {
  return db.transaction().execute(async (tx) => {
    const created = await createSession(tx, userId, origin);
    await recordAudit(tx, { actorId: userId, action: 'auth.signIn', entity: 'app_user', entityId: userId });
    return created;
  });
}

export async function signIn(
  db: Db,
  input: { email: string; password: string; clientAddress: string; knownBrowserToken?: string; userAgent?: string | null },
  limits: SignInLimits = signInLimits
): Promise<SignInResult> {
  const email = normaliseEmail(input.email);
  // A browser that signed in to this account before (its cookie, checked against the table) has its
  // own budget: an attacker filling this account's buckets does not lock its owner out.
  const browserToken = input.knownBrowserToken && looksLikeToken(input.knownBrowserToken) ? input.knownBrowserToken : null;
  const known = browserToken && email.length <= 254 ? await throttle.findKnownDevice(db, hashToken(browserToken), email) : undefined;
  const buckets = bucketsFor(limits, email, input.clientAddress, known ? hashToken(browserToken!) : null);
  const states = await throttle.bucketStates(db, buckets.map((b) => b.key));
  const wait = Math.max(...buckets.map((b) => secondsUntilRoom(b, states.get(b.key))));
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };

  const user = email.length <= 254 && input.password.length <= PASSWORD_MAX_LENGTH ? await findUserForSignIn(db, email) : undefined;
  const valid = user?.active && user.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstDummy(input.password);
  if (!user || !valid) {
    for (const b of buckets) await throttle.addToBucket(db, b.key, b.leakPerSecond);
    await throttle.pruneBuckets(db);
    return { ok: false, reason: 'invalid' };
  }
  // The owner's own tries are forgiven; the account-wide bucket is left to drain (someone else may be
  // filling it).
  await throttle.clearBuckets(db, buckets.filter((b) => !b.key.startsWith('account:') && !b.key.startsWith('address:')).map((b) => b.key));
  if (user.hasTotp) return { ok: false, reason: 'second-factor', userId: user.id };
  const knownBrowserToken = await rememberBrowser(db, known ? browserToken! : undefined, user.id);
  const origin = { userAgent: input.userAgent ?? null, address: input.clientAddress };
  return { ok: true, userId: user.id, role: user.role, created: await startSession(db, user.id, origin), knownBrowserToken };
}

/**
 * After a complete sign-in: the browser's known-browser token (kept when it already is one for this
 * user, a new one otherwise), for its cookie.
 */
export async function rememberBrowser(db: Db, knownToken: string | undefined, userId: string): Promise<string> {
  const token = knownToken && looksLikeToken(knownToken) ? knownToken : generateToken();
  await throttle.rememberKnownDevice(db, hashToken(token), userId);
  return token;
}

export async function signOut(db: Db, session: { id: string; userId: string }): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await invalidateSession(tx, session.id);
    await recordAudit(tx, { actorId: session.userId, action: 'auth.signOut', entity: 'app_user', entityId: session.userId });
  });
  announceSessionsRevoked({ userId: session.userId, sessionIds: [session.id] });
}
