// Signing in and out. Unknown email, wrong password, no password yet and deactivated account all
// get the same answer after the same argon2 work; throttles answer before any password is checked.
import type { Db } from '../db/index.js';
import type { Role } from './access.js';
import { recordAudit } from '../audit/audit.repository.js';
import { findUserForSignIn } from '../users/users.repository.js';
import { verifyAgainstDummy, verifyPassword, PASSWORD_MAX_LENGTH } from './password.js';
import { createSession, invalidateSession, type CreatedSession, type SessionOrigin } from './session.js';
import { announceSessionsRevoked } from './revocations.js';
import { LoginThrottle, TokenBucket } from './rate-limit.js';

export interface SignInLimits {
  accounts: LoginThrottle;
  addresses: TokenBucket;
}

/** Per instance, in memory (see rate-limit.ts): 20 failed attempts per address at once, then one per 3 s. */
export const signInLimits: SignInLimits = {
  accounts: new LoginThrottle(),
  addresses: new TokenBucket(20, 1 / 3)
};

export type SignInResult =
  | { ok: true; userId: string; role: Role; created: CreatedSession }
  /** Password right, second factor owed: no session yet, only the id for the code step. */
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
  input: { email: string; password: string; clientAddress: string; userAgent?: string | null },
  limits: SignInLimits = signInLimits
): Promise<SignInResult> {
  const email = normaliseEmail(input.email);
  const byAddress = limits.addresses.consume(input.clientAddress);
  if (!byAddress.ok) return { ok: false, reason: 'throttled', retryAfterSeconds: byAddress.retryAfterSeconds };
  const byAccount = limits.accounts.check(email);
  if (!byAccount.ok) return { ok: false, reason: 'throttled', retryAfterSeconds: byAccount.retryAfterSeconds };

  const user = email.length <= 254 && input.password.length <= PASSWORD_MAX_LENGTH ? await findUserForSignIn(db, email) : undefined;
  const valid = user?.active && user.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstDummy(input.password);
  if (!user || !valid) {
    limits.accounts.fail(email);
    return { ok: false, reason: 'invalid' };
  }
  limits.accounts.succeed(email);
  limits.addresses.refund(input.clientAddress);
  if (user.hasTotp) return { ok: false, reason: 'second-factor', userId: user.id };
  const origin = { userAgent: input.userAgent ?? null, address: input.clientAddress };
  return { ok: true, userId: user.id, role: user.role, created: await startSession(db, user.id, origin) };
}

export async function signOut(db: Db, session: { id: string; userId: string }): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await invalidateSession(tx, session.id);
    await recordAudit(tx, { actorId: session.userId, action: 'auth.signOut', entity: 'app_user', entityId: session.userId });
  });
  announceSessionsRevoked({ userId: session.userId, sessionIds: [session.id] });
}
