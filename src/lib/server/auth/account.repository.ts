// Rows of the account tables: password_reset, user_totp, user_recovery_code, sign_in_challenge, and
// the user's own password and name. Secrets arrive here already hashed (tokens, recovery codes).
import type { Db } from '../db/index.js';

export async function findAccount(db: Db, userId: string) {
  return db
    .selectFrom('app_user')
    .select(['id', 'email', 'display_name as displayName', 'role', 'active', 'password_hash as passwordHash'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

export async function findActiveUserByEmail(db: Db, email: string) {
  return db
    .selectFrom('app_user')
    .select(['id', 'email', 'display_name as displayName'])
    .where('email', '=', email)
    .where('active', '=', true)
    .executeTakeFirst();
}

export async function setPasswordHash(tx: Db, userId: string, passwordHash: string): Promise<void> {
  await tx.updateTable('app_user').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

export async function setDisplayName(tx: Db, userId: string, displayName: string): Promise<void> {
  await tx.updateTable('app_user').set({ display_name: displayName }).where('id', '=', userId).execute();
}

// --- password_reset ---

export async function insertPasswordReset(
  tx: Db,
  reset: { tokenHash: string; userId: string; createdBy: string | null; createdAt: Date; expiresAt: Date }
): Promise<void> {
  await tx
    .insertInto('password_reset')
    .values({ token_hash: reset.tokenHash, user_id: reset.userId, created_by: reset.createdBy, created_at: reset.createdAt, expires_at: reset.expiresAt })
    .execute();
}

export async function revokeOpenPasswordResets(tx: Db, userId: string, now: Date): Promise<void> {
  await tx
    .updateTable('password_reset')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

/** The usable reset for a token hash, with the account it resets. */
export async function findOpenPasswordReset(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('password_reset as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .select(['r.user_id as userId', 'u.email', 'u.display_name as displayName', 'r.expires_at as expiresAt'])
    .where('r.token_hash', '=', tokenHash)
    .where('r.used_at', 'is', null)
    .where('r.revoked_at', 'is', null)
    .where('r.expires_at', '>', now)
    .where('u.active', '=', true)
    .executeTakeFirst();
}

/** Uses the link up, atomically: of two concurrent uses, exactly one gets the user id. */
export async function claimPasswordReset(tx: Db, tokenHash: string, now: Date): Promise<string | undefined> {
  const row = await tx
    .updateTable('password_reset')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

// --- user_totp and user_recovery_code ---

export async function findTotp(db: Db, userId: string, lock = false) {
  let query = db.selectFrom('user_totp').select(['secret', 'created_at as createdAt', 'confirmed_at as confirmedAt', 'last_step as lastStep']).where('user_id', '=', userId);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** A new pending key (replacing an unconfirmed one). */
export async function upsertPendingTotp(tx: Db, userId: string, secret: Uint8Array, now: Date): Promise<void> {
  await tx
    .insertInto('user_totp')
    .values({ user_id: userId, secret, created_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret, created_at: now, confirmed_at: null, last_step: null }))
    .execute();
}

export async function confirmTotp(tx: Db, userId: string, now: Date, step: number): Promise<void> {
  await tx.updateTable('user_totp').set({ confirmed_at: now, last_step: step }).where('user_id', '=', userId).execute();
}

/** Records the step of an accepted code; false when a concurrent use got there first. */
export async function advanceTotpStep(tx: Db, userId: string, step: number): Promise<boolean> {
  const rows = await tx
    .updateTable('user_totp')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .returning('user_id')
    .execute();
  return rows.length > 0;
}

export async function deleteTotp(tx: Db, userId: string): Promise<boolean> {
  const rows = await tx.deleteFrom('user_totp').where('user_id', '=', userId).returning('user_id').execute();
  return rows.length > 0;
}

export async function replaceRecoveryCodes(tx: Db, userId: string, codeHashes: string[]): Promise<void> {
  await tx.deleteFrom('user_recovery_code').where('user_id', '=', userId).execute();
  if (codeHashes.length) await tx.insertInto('user_recovery_code').values(codeHashes.map((h) => ({ user_id: userId, code_hash: h }))).execute();
}

/** Uses up one recovery code, atomically; false when it is unknown or already used. */
export async function useRecoveryCode(tx: Db, userId: string, codeHash: string, now: Date): Promise<boolean> {
  const rows = await tx
    .updateTable('user_recovery_code')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('user_recovery_code')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// --- sign_in_challenge ---

export async function insertChallenge(db: Db, c: { tokenHash: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await db.insertInto('sign_in_challenge').values({ token_hash: c.tokenHash, user_id: c.userId, created_at: c.createdAt, expires_at: c.expiresAt }).execute();
}

export async function findChallenge(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('sign_in_challenge as c')
    .innerJoin('app_user as u', 'u.id', 'c.user_id')
    .select(['c.user_id as userId', 'u.role', 'u.email'])
    .where('c.token_hash', '=', tokenHash)
    .where('c.expires_at', '>', now)
    .where('u.active', '=', true)
    .executeTakeFirst();
}

/** Consumes the challenge; false when it was already used (or is gone). */
export async function deleteChallenge(tx: Db, tokenHash: string): Promise<boolean> {
  const rows = await tx.deleteFrom('sign_in_challenge').where('token_hash', '=', tokenHash).returning('user_id').execute();
  return rows.length > 0;
}

export async function deleteExpiredChallenges(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('sign_in_challenge').where('expires_at', '<=', now).execute();
}
