// app_user and user_region rows. Password hashes leave this file only for sign-in.
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { Role } from '../auth/access.js';

export async function findUserForSignIn(db: Db, email: string) {
  return db
    .selectFrom('app_user')
    .select((eb) => [
      'id', 'role', 'active', 'password_hash as passwordHash',
      eb.exists(eb.selectFrom('user_totp').select('user_id').whereRef('user_totp.user_id', '=', 'app_user.id').where('user_totp.confirmed_at', 'is not', null)).as('hasTotp')
    ])
    .where('email', '=', email)
    .executeTakeFirst();
}

export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  active: boolean;
  hasPassword: boolean;
  divisions: string[];
  states: string[];
}

const regionsOf = <A extends string>(column: 'division_code' | 'state', alias: A) =>
  sql<string[]>`coalesce((select array_agg(r.${sql.ref(column)}::text order by r.${sql.ref(column)}) from user_region r
    where r.user_id = u.id and r.${sql.ref(column)} is not null), '{}')`.as(alias);

/** One user with its regions; `lock` takes a row lock for the rest of the transaction. */
export async function findUser(db: Db, id: string, lock = false): Promise<UserRecord | undefined> {
  let query = db
    .selectFrom('app_user as u')
    .select([
      'u.id', 'u.email', 'u.display_name as displayName', 'u.role', 'u.active',
      sql<boolean>`u.password_hash is not null`.as('hasPassword'),
      regionsOf('division_code', 'divisions'),
      regionsOf('state', 'states')
    ])
    .where('u.id', '=', id);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function findUserIdByEmail(db: Db, email: string): Promise<string | undefined> {
  const row = await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirst();
  return row?.id;
}

export async function listUsers(db: Db) {
  return db
    .selectFrom('app_user as u')
    .select([
      'u.id', 'u.email', 'u.display_name as displayName', 'u.role', 'u.active', 'u.created_at as createdAt',
      sql<boolean>`u.password_hash is not null`.as('hasPassword'),
      regionsOf('division_code', 'divisions'),
      regionsOf('state', 'states'),
      sql<Date | null>`(select max(s.last_active_at) from user_session s where s.user_id = u.id)`.as('lastActiveAt'),
      sql<Date | null>`(select max(i.expires_at) from user_invitation i
        where i.user_id = u.id and i.used_at is null and i.revoked_at is null)`.as('inviteExpiresAt')
    ])
    .orderBy('u.role')
    .orderBy('u.email')
    .execute();
}

export async function insertUser(
  tx: Db,
  user: { id: string; email: string; displayName: string; role: Role; passwordHash: string | null }
): Promise<void> {
  await tx
    .insertInto('app_user')
    .values({ id: user.id, email: user.email, display_name: user.displayName, role: user.role, password_hash: user.passwordHash })
    .execute();
}

export async function updateUser(
  tx: Db,
  id: string,
  changes: { role?: Role; displayName?: string; active?: boolean; passwordHash?: string }
): Promise<void> {
  await tx
    .updateTable('app_user')
    .set({
      ...(changes.role !== undefined && { role: changes.role }),
      ...(changes.displayName !== undefined && { display_name: changes.displayName }),
      ...(changes.active !== undefined && { active: changes.active }),
      ...(changes.passwordHash !== undefined && { password_hash: changes.passwordHash })
    })
    .where('id', '=', id)
    .execute();
}

/** Sets the password and name of an invited user that has none yet; false when it already has one. */
export async function setInitialPassword(tx: Db, id: string, passwordHash: string, displayName: string): Promise<boolean> {
  const result = await tx
    .updateTable('app_user')
    .set({ password_hash: passwordHash, display_name: displayName })
    .where('id', '=', id)
    .where('password_hash', 'is', null)
    .where('active', '=', true)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteUserRegions(tx: Db, userId: string): Promise<void> {
  await tx.deleteFrom('user_region').where('user_id', '=', userId).execute();
}

export async function insertUserRegions(tx: Db, userId: string, regions: { divisions: string[]; states: string[] }): Promise<void> {
  const rows = [
    ...regions.divisions.map((division_code) => ({ user_id: userId, division_code, state: null })),
    ...regions.states.map((state) => ({ user_id: userId, division_code: null, state }))
  ];
  if (rows.length === 0) return;
  await tx.insertInto('user_region').values(rows).execute();
}

export async function countActiveAdminsExcept(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .where('id', '<>', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
