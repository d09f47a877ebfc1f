// user_invitation rows: only the SHA-256 of a link's token is stored; a link works once, until it expires.
import type { Db } from '../db/index.js';

export async function insertInvitation(
  tx: Db,
  invitation: { tokenHash: string; userId: string; invitedBy: string | null; createdAt: Date; expiresAt: Date }
): Promise<void> {
  await tx
    .insertInto('user_invitation')
    .values({
      token_hash: invitation.tokenHash,
      user_id: invitation.userId,
      invited_by: invitation.invitedBy,
      created_at: invitation.createdAt,
      expires_at: invitation.expiresAt
    })
    .execute();
}

export async function revokeOpenInvitations(tx: Db, userId: string, now: Date): Promise<void> {
  await tx
    .updateTable('user_invitation')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

/** The still-usable invitation for a token hash, with the invited account's email and name. */
export async function findOpenInvitation(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('user_invitation as i')
    .innerJoin('app_user as u', 'u.id', 'i.user_id')
    .select(['i.user_id as userId', 'u.email', 'u.display_name as displayName', 'u.role', 'i.expires_at as expiresAt'])
    .where('i.token_hash', '=', tokenHash)
    .where('i.used_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', now)
    .where('u.active', '=', true)
    .where('u.password_hash', 'is', null)
    .executeTakeFirst();
}

/** Marks the invitation used, atomically: of two concurrent uses, exactly one gets the user id. */
export async function claimInvitation(tx: Db, tokenHash: string, now: Date): Promise<string | undefined> {
  const row = await tx
    .updateTable('user_invitation')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}
