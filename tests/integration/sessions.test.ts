// Sessions: only hashes are stored, expiry (idle and absolute) is enforced, and sign-out and
// deactivation end sessions at once (with an announcement for live connections).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import {
  createSession, invalidateUserSessions, SECURE_SESSION_COOKIE_NAME, SESSION_COOKIE_NAME, SESSION_IDLE_TIMEOUT_MS,
  sessionCookieName, sessionCookieOptions, sessionTokenFromCookieHeader, validateSessionToken
} from '../../src/lib/server/auth/session.js';
import { KyselySessionAdapter } from '../../src/lib/server/auth/lucia-adapter.js';
import { onSessionsRevoked, type SessionsRevoked } from '../../src/lib/server/auth/revocations.js';
import { signIn, signOut } from '../../src/lib/server/auth/sign-in.service.js';
import { createUser, deactivateUser, updateUser } from '../../src/lib/server/users/users.service.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const PASSWORD = 'correct horse battery staple';

describe('session cookie', () => {
  it('is __Host- prefixed and Secure in production off localhost, plain on localhost', () => {
    const prod = new URL('https://beacon.example.org/dashboard');
    expect(sessionCookieName(prod, true)).toBe(SECURE_SESSION_COOKIE_NAME);
    expect(sessionCookieOptions(prod)).toMatchObject({ secure: true, httpOnly: true, sameSite: 'lax', path: '/' });
    expect(sessionCookieName(new URL('http://127.0.0.1:3000/'), true)).toBe(SESSION_COOKIE_NAME);
    expect(sessionCookieOptions(new URL('http://localhost:5173/'))).toMatchObject({ secure: false, httpOnly: true });
    expect(sessionCookieName(prod, false)).toBe(SESSION_COOKIE_NAME);
  });

  it('is found in a Cookie header by its name only', () => {
    const url = new URL('https://beacon.example.org/');
    expect(sessionTokenFromCookieHeader('a=1; __Host-beacon_session=tok; beacon_session=other', url)).toBe('other');
    expect(sessionTokenFromCookieHeader('a=1; beacon_session=tok', new URL('http://localhost/'))).toBe('tok');
    expect(sessionTokenFromCookieHeader(undefined, url)).toBeUndefined();
  });
});

for (const target of targets) {
  describe(`sessions on ${target.name}`, () => {
    let h: TestDb;
    let user: SessionUser;
    const revoked: SessionsRevoked[] = [];
    let stopListening: () => void;

    beforeAll(async () => {
      h = await target.open();
      user = await testUser(h.db, 'coordinator', { divisions: ['mountain'], states: ['WA'] });
      stopListening = onSessionsRevoked((e) => revoked.push(e));
    });
    afterAll(async () => {
      stopListening?.();
      await h?.drop();
    });

    const setTimes = (id: string, times: Record<string, Date>) => h.db.updateTable('user_session').set(times).where('id', '=', id).execute();
    const ago = (ms: number) => new Date(Date.now() - ms);
    const ahead = (ms: number) => new Date(Date.now() + ms);

    it('stores only the SHA-256 of the token: the table never contains the cookie value', async () => {
      const { token, session } = await createSession(h.db, user.id);
      expect(session.id).toBe(sha256(token));
      const { rows } = await sql<Record<string, unknown>>`select * from user_session`.execute(h.db);
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(rows.some((r) => r.id === sha256(token))).toBe(true);
    });

    it('refuses to store anything but a hash (adapter and table both)', async () => {
      const adapter = new KyselySessionAdapter(h.db);
      const raw = { id: 'a-raw-token-not-a-hash', userId: user.id, expiresAt: ahead(1000), attributes: { absoluteExpiresAt: ahead(2000), lastActiveAt: new Date(), userAgent: null, address: null } };
      await expect(adapter.setSession(raw)).rejects.toThrow(/SHA-256/);
      await expect(
        h.db.insertInto('user_session').values({ id: 'plain-token', user_id: user.id, expires_at: ahead(1000), absolute_expires_at: ahead(2000) }).execute()
      ).rejects.toThrow(/user_session_id_is_sha256/);
    });

    it('validates a token into the session user, with every state of its divisions', async () => {
      const { token, session } = await createSession(h.db, user.id);
      const v = await validateSessionToken(h.db, token);
      expect(v?.session).toMatchObject({ id: session.id, userId: user.id });
      expect(v?.user).toMatchObject({ id: user.id, role: 'coordinator', divisions: ['mountain'] });
      expect(v?.user.states).toEqual(['AZ', 'CO', 'ID', 'MT', 'NM', 'NV', 'UT', 'WA', 'WY']);
      // The hash itself (what a database leak would reveal) is not a usable token.
      expect(await validateSessionToken(h.db, session.id)).toBeNull();
      expect(await validateSessionToken(h.db, 'x'.repeat(43))).toBeNull();
    });

    it('slides the idle expiry forward on use', async () => {
      const { token, session } = await createSession(h.db, user.id);
      await setTimes(session.id, { last_active_at: ago(5 * 60_000), expires_at: ahead(60 * 60_000) });
      const v = await validateSessionToken(h.db, token);
      expect(v!.session.expiresAt.getTime()).toBeGreaterThan(Date.now() + SESSION_IDLE_TIMEOUT_MS - 60_000);
      const row = await h.db.selectFrom('user_session').select(['expires_at', 'last_active_at']).where('id', '=', session.id).executeTakeFirstOrThrow();
      expect(row.last_active_at.getTime()).toBeGreaterThan(Date.now() - 10_000);
    });

    it('refuses a session idle for longer than the idle timeout, and deletes it', async () => {
      const { token, session } = await createSession(h.db, user.id);
      await setTimes(session.id, { last_active_at: ago(SESSION_IDLE_TIMEOUT_MS + 60_000), expires_at: ago(60_000) });
      expect(await validateSessionToken(h.db, token)).toBeNull();
      expect(await h.db.selectFrom('user_session').select('id').where('id', '=', session.id).executeTakeFirst()).toBeUndefined();
    });

    it('refuses an active session past its absolute lifetime, and use never extends past it', async () => {
      const { token, session } = await createSession(h.db, user.id);
      // 29 days old and in use: activity slides the expiry only up to the absolute limit.
      await setTimes(session.id, { created_at: ago(29 * 86_400_000), absolute_expires_at: ahead(30_000), last_active_at: ago(2 * 60_000), expires_at: ahead(20_000) });
      const v = await validateSessionToken(h.db, token);
      const row = await h.db.selectFrom('user_session').select(['expires_at', 'absolute_expires_at']).where('id', '=', session.id).executeTakeFirstOrThrow();
      expect(row.expires_at.getTime()).toBe(row.absolute_expires_at.getTime());
      expect(v!.session.expiresAt.getTime()).toBeLessThanOrEqual(row.absolute_expires_at.getTime());
      // Then the lifetime is over, although the session was used a moment ago.
      // One instant for both (two Date.now() calls a millisecond apart broke expires_at ≤ absolute_expires_at).
      const past = ago(1000);
      await setTimes(session.id, { absolute_expires_at: past, expires_at: past, last_active_at: ago(5000) });
      expect(await validateSessionToken(h.db, token)).toBeNull();
    });

    it('gives every sign-in a fresh session', async () => {
      await createUser(h.db, { email: 'fresh@test.example', displayName: 'Fresh', role: 'board', password: PASSWORD }, { actorId: null });
      const a = await signIn(h.db, { email: 'fresh@test.example', password: PASSWORD, clientAddress: '10.0.0.1' });
      const b = await signIn(h.db, { email: 'Fresh@Test.example ', password: PASSWORD, clientAddress: '10.0.0.1' });
      expect(a.ok && b.ok).toBe(true);
      if (!a.ok || !b.ok) return;
      expect(a.created.token).not.toBe(b.created.token);
      expect(a.created.session.id).not.toBe(b.created.session.id);
    });

    it('sign-out ends the session: a copied cookie is useless afterwards', async () => {
      const { token, session } = await createSession(h.db, user.id);
      const stolen = token;
      await signOut(h.db, session);
      expect(await validateSessionToken(h.db, stolen)).toBeNull();
      expect(revoked.at(-1)).toEqual({ userId: user.id, sessionIds: [session.id] });
    });

    it('deactivation ends every session of the user at once and announces them', async () => {
      const admin = await testUser(h.db, 'admin');
      const victim = await testUser(h.db, 'leadership');
      const one = await createSession(h.db, victim.id);
      const two = await createSession(h.db, victim.id);
      await deactivateUser(h.db, admin, victim.id);
      expect(await validateSessionToken(h.db, one.token)).toBeNull();
      expect(await validateSessionToken(h.db, two.token)).toBeNull();
      expect(await h.db.selectFrom('user_session').select('id').where('user_id', '=', victim.id).execute()).toEqual([]);
      const event = revoked.at(-1)!;
      expect(event.userId).toBe(victim.id);
      expect(event.sessionIds).toEqual(expect.arrayContaining([one.session.id, two.session.id]));
      // And a session created behind the service's back is refused while the account is inactive.
      const sneaky = await createSession(h.db, victim.id);
      expect(await validateSessionToken(h.db, sneaky.token)).toBeNull();
    });

    it('a role or region change is seen on the next request and announced for live connections', async () => {
      const admin = await testUser(h.db, 'admin');
      const coordinator = await testUser(h.db, 'coordinator', { divisions: ['pacific'] });
      const { token } = await createSession(h.db, coordinator.id);
      await updateUser(h.db, admin, { userId: coordinator.id, divisions: ['mountain'] });
      expect(revoked.at(-1)).toEqual({ userId: coordinator.id });
      expect((await validateSessionToken(h.db, token))!.user.divisions).toEqual(['mountain']);
      await updateUser(h.db, admin, { userId: coordinator.id, role: 'board' });
      expect((await validateSessionToken(h.db, token))!.user).toMatchObject({ role: 'board', divisions: [], states: [] });
    });

    it('invalidateUserSessions returns the ended ids', async () => {
      const other = await testUser(h.db, 'board');
      const s = await createSession(h.db, other.id);
      const ids = await invalidateUserSessions(h.db, other.id);
      expect(ids).toContain(s.session.id);
    });
  });
}
