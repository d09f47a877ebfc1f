// Device links for wall screens. One query per function; the token is never stored, only its hash.
import type { Db } from '../db/index.js';

const LINK_COLUMNS = [
  'k.id', 'k.label', 'k.dashboards', 'k.rotate_seconds as rotateSeconds', 'k.created_at as createdAt', 'k.revoked_at as revokedAt',
  'k.last_seen_at as lastSeenAt'
] as const;

export function insertKioskLink(tx: Db, l: { label: string; tokenHash: string; dashboards: string[]; rotateSeconds: number; createdBy: string; createdAt: Date }) {
  return tx
    .insertInto('kiosk_link')
    .values({
      label: l.label, token_hash: l.tokenHash, dashboards: JSON.stringify(l.dashboards), rotate_seconds: l.rotateSeconds,
      created_by: l.createdBy, created_at: l.createdAt
    })
    .returning(['id', 'created_at as createdAt'])
    .executeTakeFirstOrThrow();
}

export function listKioskLinks(db: Db) {
  return db
    .selectFrom('kiosk_link as k')
    .leftJoin('app_user as u', 'u.id', 'k.created_by')
    .select([...LINK_COLUMNS, 'u.display_name as createdByName'])
    .orderBy('k.revoked_at', (o) => o.desc().nullsFirst())
    .orderBy('k.id', 'desc')
    .execute();
}

/** Revokes a live link; undefined when there is none by that id or it is already revoked. */
export function revokeKioskLink(tx: Db, id: number, by: string, now: Date) {
  return tx
    .updateTable('kiosk_link')
    .set({ revoked_at: now, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(['id', 'label', 'revoked_at as revokedAt'])
    .executeTakeFirst();
}

export function findKioskLinkById(db: Db, id: number) {
  return db.selectFrom('kiosk_link').select(['id', 'revoked_at as revokedAt']).where('id', '=', id).executeTakeFirst();
}

export function findKioskLinkByHash(db: Db, tokenHash: string) {
  return db.selectFrom('kiosk_link as k').select([...LINK_COLUMNS]).where('k.token_hash', '=', tokenHash).executeTakeFirst();
}

/** When the screen last opened its page or connected (at most once a minute is written). */
export function touchKioskLink(db: Db, id: number, now: Date) {
  return db
    .updateTable('kiosk_link')
    .set({ last_seen_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', new Date(now.getTime() - 60_000))]))
    .execute();
}
