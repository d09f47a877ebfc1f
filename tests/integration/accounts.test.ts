// Accounts (issue 19): password change, the session list, reset links, TOTP second factor with
// recovery codes, BEACON_REQUIRE_2FA, and mail through a real SMTP server started here.
// TOTP codes come from tests/helpers/totp-oracle.ts (our own RFC 6238), never from the app.
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TRPCError } from '@trpc/server';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { base32Decode, hotp, totp } from '../helpers/totp-oracle.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { createSession, validateSessionToken } from '../../src/lib/server/auth/session.js';
import { onSessionsRevoked, type SessionsRevoked } from '../../src/lib/server/auth/revocations.js';
import { signIn } from '../../src/lib/server/auth/sign-in.service.js';
import { beginSecondFactor, completeSecondFactor, secondFactorLimits } from '../../src/lib/server/auth/two-factor.service.js';
import {
  completePasswordReset, requestPasswordReset, resetForToken, RESET_LINK_LIFETIME_MS
} from '../../src/lib/server/auth/password-reset.service.js';
import { acceptInvitation } from '../../src/lib/server/users/users.service.js';
import { mailInvitation } from '../../src/lib/server/users/invitation-mail.js';
import { DomainError } from '../../src/lib/server/errors.js';
import type { Db } from '../../src/lib/server/db/index.js';

const createCaller = createCallerFactory(appRouter);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const PASSWORD = 'lantern-orchard-quietly-73';
const NEW_PASSWORD = 'copper-kettle-evening-19';

// Throttle state lives in the database: each test signs in from its own documentation address.
let addressCounter = 0;
const freshAddress = () => `198.18.0.${++addressCounter}`;
const HOUR = 60 * 60_000;

/** A user with a real password (testUser's is not checked against the policy). */
async function userWithPassword(db: Db, admin: SessionUser, role: 'leadership' | 'board' = 'leadership', name = 'Quinn Example') {
  const email = `${role}.${Math.random().toString(36).slice(2)}@test.example`;
  const invited = await createCaller({ db, dbKind: 'pglite', user: admin }).users.invite({ email, role });
  await acceptInvitation(db, { token: invited.token, displayName: name, password: PASSWORD });
  const { token } = await createSession(db, invited.userId, { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', address: '192.0.2.10' });
  const validated = (await validateSessionToken(db, token, []))!;
  return { user: validated.user, email, sessionId: validated.session.id, token };
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; fields: string[] }> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (err instanceof TRPCError) {
    const details = (err.cause as DomainError | undefined)?.details as { fieldErrors?: Record<string, string[]> } | undefined;
    const issues = (err.cause as { issues?: Array<{ path: string[] }> } | undefined)?.issues ?? [];
    return { code: err.code, message: err.message, fields: [...Object.keys(details?.fieldErrors ?? {}), ...issues.map((i) => i.path.join('.'))] };
  }
  if (err instanceof DomainError) {
    return { code: err.code, message: err.message, fields: Object.keys((err.details?.fieldErrors as object | undefined) ?? {}) };
  }
  throw new Error(`expected a refusal, got ${String(err)}`);
}

for (const target of targets) {
  describe(`accounts on ${target.name}`, () => {
    let h: TestDb;
    let admin: SessionUser;
    const caller = (user: SessionUser | null, sessionId: string | null = null) => createCaller({ db: h.db, dbKind: h.kind, user, sessionId });
    const audits = async (action: string, entityId: string) =>
      (await sql<{ n: number }>`select count(*)::int as n from audit_log where action = ${action} and entity_id = ${entityId}`.execute(h.db)).rows[0].n;

    beforeAll(async () => {
      h = await target.open();
      admin = await testUser(h.db, 'admin');
    });
    afterAll(() => h?.drop());

    describe('password change and sessions', () => {
      it('needs the current password, applies the password rules, and ends every other session (announced)', async () => {
        const a = await userWithPassword(h.db, admin);
        const other1 = await createSession(h.db, a.user.id, { userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1', address: '198.51.100.7' });
        const other2 = await createSession(h.db, a.user.id);
        const me = caller(a.user, a.sessionId);

        const wrong = await refusal(me.auth.changePassword({ currentPassword: 'not-my-password-at-all', newPassword: NEW_PASSWORD }));
        expect(wrong).toMatchObject({ code: 'BAD_REQUEST', fields: ['currentPassword'] });
        const weak = await refusal(me.auth.changePassword({ currentPassword: PASSWORD, newPassword: 'short' }));
        expect(weak.fields).toEqual(['newPassword']);
        expect(weak.message).toMatch(/at least 12 characters/);
        const common = await refusal(me.auth.changePassword({ currentPassword: PASSWORD, newPassword: 'password1234567' }));
        expect(common.message).toMatch(/too common/);
        // Nothing changed by the refusals: every session still valid.
        expect(await validateSessionToken(h.db, other1.token, [])).not.toBeNull();

        const heard: SessionsRevoked[] = [];
        const stop = onSessionsRevoked((e) => heard.push(e));
        try {
          expect(await me.auth.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).toEqual({ otherSessionsEnded: 2 });
        } finally {
          stop();
        }
        expect(await validateSessionToken(h.db, other1.token, [])).toBeNull();
        expect(await validateSessionToken(h.db, other2.token, [])).toBeNull();
        expect(await validateSessionToken(h.db, a.token, [])).not.toBeNull();
        expect(heard).toEqual([{ userId: a.user.id, sessionIds: expect.arrayContaining([other1.session.id, other2.session.id]) }]);
        expect(heard[0].sessionIds).toHaveLength(2);
        expect(await audits('auth.changePassword', a.user.id)).toBe(1);

        const old = await signIn(h.db, { email: a.email, password: PASSWORD, clientAddress: freshAddress() });
        expect(old).toEqual({ ok: false, reason: 'invalid' });
        const fresh = await signIn(h.db, { email: a.email, password: NEW_PASSWORD, clientAddress: freshAddress() });
        expect(fresh.ok).toBe(true);
      });

      it('lists sessions with device, address, last seen and this device; revokes only the caller\'s own', async () => {
        const a = await userWithPassword(h.db, admin);
        const phone = await createSession(h.db, a.user.id, { userAgent: 'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', address: '203.0.113.5' });
        const me = caller(a.user, a.sessionId);
        const sessions = await me.auth.sessions();
        expect(sessions).toHaveLength(2);
        const current = sessions.find((s) => s.current)!;
        expect(current).toMatchObject({ id: a.sessionId, device: 'Firefox on Linux', address: '192.0.2.10' });
        expect(sessions.find((s) => !s.current)).toMatchObject({ id: phone.session.id, device: 'Chrome on Android', address: '203.0.113.5' });
        expect(current.lastSeenAt).toBeInstanceOf(Date);

        const b = await userWithPassword(h.db, admin);
        expect((await refusal(caller(b.user, b.sessionId).auth.revokeSession({ sessionId: phone.session.id }))).code).toBe('NOT_FOUND');
        expect(await validateSessionToken(h.db, phone.token, [])).not.toBeNull();

        expect(await me.auth.revokeSession({ sessionId: phone.session.id })).toEqual({ ended: 1 });
        expect(await validateSessionToken(h.db, phone.token, [])).toBeNull();
        expect(await audits('auth.revokeSession', a.user.id)).toBe(1);

        await createSession(h.db, a.user.id);
        await createSession(h.db, a.user.id);
        expect(await me.auth.revokeOtherSessions()).toEqual({ ended: 2 });
        expect((await me.auth.sessions()).map((s) => s.id)).toEqual([a.sessionId]);
      });

      it('changes the name (audited); a blank name gets a message beside the field', async () => {
        const a = await userWithPassword(h.db, admin);
        const me = caller(a.user, a.sessionId);
        expect(await me.auth.changeName({ displayName: '  Rowan Example ' })).toEqual({ displayName: 'Rowan Example' });
        expect((await refusal(me.auth.changeName({ displayName: '   ' }))).fields).toEqual(['displayName']);
        expect(await audits('auth.changeName', a.user.id)).toBe(1);
      });
    });

    describe('reset links', () => {
      it('works once, stores only the hash, is audited, and ends every session', async () => {
        const a = await userWithPassword(h.db, admin);
        const link = await caller(admin).users.resetLink({ userId: a.user.id });
        expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes = 256 bits
        expect(link.expiresAt.getTime() - Date.now()).toBeGreaterThan(HOUR - 60_000);
        expect(link.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(HOUR);
        const { rows } = await sql<Record<string, unknown>>`select * from password_reset where user_id = ${a.user.id}`.execute(h.db);
        expect(JSON.stringify(rows)).not.toContain(link.token);
        expect(rows[0].token_hash).toBe(sha256(link.token));
        expect(await audits('users.resetLink', a.user.id)).toBe(1);

        const weak = await refusal(completePasswordReset(h.db, { token: link.token, password: 'tiny' }));
        expect(weak.fields).toEqual(['password']);
        expect(await resetForToken(h.db, link.token)).not.toBeNull(); // a refused password does not use the link

        const done = await completePasswordReset(h.db, { token: link.token, password: NEW_PASSWORD });
        expect(done).toMatchObject({ userId: a.user.id, sessionsEnded: 1 });
        expect(await validateSessionToken(h.db, a.token, [])).toBeNull();
        expect((await signIn(h.db, { email: a.email, password: NEW_PASSWORD, clientAddress: freshAddress() })).ok).toBe(true);
        expect(await audits('auth.resetPassword', a.user.id)).toBe(1);

        expect(await resetForToken(h.db, link.token)).toBeNull();
        expect((await refusal(completePasswordReset(h.db, { token: link.token, password: 'another-fine-passphrase-42' }))).code).toBe('NOT_FOUND');
      });

      it('is refused after an hour and after a newer link', async () => {
        const a = await userWithPassword(h.db, admin);
        const first = await caller(admin).users.resetLink({ userId: a.user.id });
        const justBefore = new Date(first.expiresAt.getTime() - 1000);
        expect(await resetForToken(h.db, first.token, justBefore)).not.toBeNull();
        const anHourLater = new Date(first.expiresAt.getTime() - RESET_LINK_LIFETIME_MS + HOUR);
        expect(await resetForToken(h.db, first.token, anHourLater)).toBeNull();
        expect((await refusal(completePasswordReset(h.db, { token: first.token, password: NEW_PASSWORD }, anHourLater))).code).toBe('NOT_FOUND');

        const second = await caller(admin).users.resetLink({ userId: a.user.id });
        expect(await resetForToken(h.db, first.token)).toBeNull();
        expect((await refusal(completePasswordReset(h.db, { token: first.token, password: NEW_PASSWORD }))).code).toBe('NOT_FOUND');
        expect(await resetForToken(h.db, second.token)).not.toBeNull();
      });

      it('is not issued for invited users (they get a new invitation) or unknown ones', async () => {
        const invited = await caller(admin).users.invite({ email: `pending.${Date.now()}@test.example`, role: 'board' });
        expect((await refusal(caller(admin).users.resetLink({ userId: invited.userId }))).code).toBe('CONFLICT');
        expect((await refusal(caller(admin).users.resetLink({ userId: 'no-such-user' }))).code).toBe('NOT_FOUND');
      });
    });

    describe('two-factor sign-in', () => {
      async function enrol(a: { user: SessionUser; sessionId: string }) {
        const me = caller(a.user, a.sessionId);
        const key = await me.auth.totpEnroll();
        const secret = base32Decode(key.secret);
        expect(secret).toHaveLength(20);
        expect(key.uri).toMatch(/^otpauth:\/\/totp\/Beacon:/);
        expect(key.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);
        return { me, key, secret };
      }

      it('the test oracle agrees with RFC 6238 appendix B', () => {
        const seed = Buffer.from('12345678901234567890');
        expect(totp(seed, 59_000, 8)).toBe('94287082');
        expect(totp(seed, 1_111_111_109_000, 8)).toBe('07081804');
        expect(totp(seed, 2_000_000_000_000, 8)).toBe('69279037');
      });

      it('enrols with a typed code; ten recovery codes, stored hashed, each works once', async () => {
        const a = await userWithPassword(h.db, admin);
        const { me, key, secret } = await enrol(a);
        // A reload before confirming offers the same key.
        expect((await me.auth.totpEnroll()).secret).toBe(key.secret);
        const wrong = await refusal(me.auth.totpConfirm({ code: hotp(secret, Math.floor(Date.now() / 30_000) + 5) }));
        expect(wrong).toMatchObject({ code: 'BAD_REQUEST', fields: ['code'] });
        expect((await me.auth.secondFactor()).enabled).toBe(false);

        const { recoveryCodes } = await me.auth.totpConfirm({ code: totp(secret) });
        expect(recoveryCodes).toHaveLength(10);
        expect(new Set(recoveryCodes).size).toBe(10);
        expect(await me.auth.secondFactor()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
        const stored = await sql<Record<string, unknown>>`select * from user_recovery_code where user_id = ${a.user.id}`.execute(h.db);
        expect(stored.rows).toHaveLength(10);
        for (const code of recoveryCodes) expect(JSON.stringify(stored.rows)).not.toContain(code.replace('-', ''));
        expect(await audits('auth.totpEnroll', a.user.id)).toBe(1);
        expect((await refusal(me.auth.totpEnroll())).code).toBe('CONFLICT');

        // Sign-in: the password alone creates no session.
        const sessionsBefore = (await me.auth.sessions()).length;
        const first = await signIn(h.db, { email: a.email, password: PASSWORD, clientAddress: freshAddress() });
        expect(first).toEqual({ ok: false, reason: 'second-factor', userId: a.user.id });
        expect((await me.auth.sessions()).length).toBe(sessionsBefore);

        const limits = secondFactorLimits;
        const origin = { userAgent: null, address: '192.0.2.3' };
        const challenge = await beginSecondFactor(h.db, a.user.id);
        expect(await completeSecondFactor(h.db, { challengeToken: challenge.token, code: '000000', clientAddress: '192.0.2.3', origin }, new Date(), limits))
          .toMatchObject({ ok: false, reason: 'invalid' });
        // The code accepted at enrolment is not accepted again (replay); the next step's is.
        const later = new Date(Date.now() + 30_000);
        const ok = await completeSecondFactor(h.db, { challengeToken: challenge.token, code: totp(secret, later.getTime()), clientAddress: '192.0.2.3', origin }, later, limits);
        expect(ok).toMatchObject({ ok: true, userId: a.user.id, method: 'totp' });
        // The challenge is used up.
        expect(await completeSecondFactor(h.db, { challengeToken: challenge.token, code: recoveryCodes[0], clientAddress: '192.0.2.3', origin }, later, limits))
          .toEqual({ ok: false, reason: 'expired' });

        const again = await beginSecondFactor(h.db, a.user.id, later);
        expect(await completeSecondFactor(h.db, { challengeToken: again.token, code: totp(secret, later.getTime()), clientAddress: '192.0.2.3', origin }, later, limits))
          .toMatchObject({ ok: false, reason: 'invalid' });
        const recovered = await completeSecondFactor(h.db, { challengeToken: again.token, code: recoveryCodes[0].toUpperCase(), clientAddress: '192.0.2.3', origin }, later, limits);
        expect(recovered).toMatchObject({ ok: true, method: 'recovery_code' });
        const third = await beginSecondFactor(h.db, a.user.id, later);
        expect(await completeSecondFactor(h.db, { challengeToken: third.token, code: recoveryCodes[0], clientAddress: '192.0.2.3', origin }, later, limits))
          .toMatchObject({ ok: false, reason: 'invalid' });
        expect(await me.auth.secondFactor()).toMatchObject({ recoveryCodesLeft: 9 });
      });

      it('throttles code guesses like passwords (five wrong, then locked even for the right code)', async () => {
        const a = await userWithPassword(h.db, admin);
        const { me, secret } = await enrol(a);
        await me.auth.totpConfirm({ code: totp(secret) });
        const limits = secondFactorLimits;
        const origin = { userAgent: null, address: '192.0.2.4' };
        const challenge = await beginSecondFactor(h.db, a.user.id);
        const later = new Date(Date.now() + 60_000);
        for (let i = 0; i < 5; i++) {
          const r = await completeSecondFactor(h.db, { challengeToken: challenge.token, code: String(100000 + i), clientAddress: '192.0.2.4', origin }, later, limits);
          expect(r.ok).toBe(false);
        }
        const locked = await completeSecondFactor(h.db, { challengeToken: challenge.token, code: totp(secret, later.getTime()), clientAddress: '192.0.2.4', origin }, later, limits);
        expect(locked).toMatchObject({ ok: false, reason: 'throttled' });
      });

      it('an admin resets a user\'s second factor (audited); the password then signs in alone', async () => {
        const a = await userWithPassword(h.db, admin);
        const { me, secret } = await enrol(a);
        await me.auth.totpConfirm({ code: totp(secret) });
        expect(await caller(admin).users.resetSecondFactor({ userId: a.user.id })).toEqual({ userId: a.user.id, removed: true });
        expect(await audits('users.resetSecondFactor', a.user.id)).toBe(1);
        expect((await signIn(h.db, { email: a.email, password: PASSWORD, clientAddress: freshAddress() })).ok).toBe(true);
        expect(await me.auth.secondFactor()).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
      });

      it('BEACON_REQUIRE_2FA: no procedure but enrolment answers until the second factor is set up', async () => {
        const a = await userWithPassword(h.db, admin);
        const required = (await validateSessionToken(h.db, a.token, ['leadership']))!.user;
        expect(required.mustEnrolSecondFactor).toBe(true);
        expect((await validateSessionToken(h.db, a.token, ['admin']))!.user.mustEnrolSecondFactor).toBeUndefined();
        const me = caller(required, a.sessionId);
        const paths = Object.keys(appRouter._def.procedures).sort();
        const answered: string[] = [];
        for (const path of paths) {
          if (path === 'auth.totpEnroll' || path === 'auth.totpConfirm') continue;
          const fn = path.split('.').reduce<any>((node, key) => node[key], me) as (input?: unknown) => Promise<unknown>;
          const err = await fn({}).then(() => null, (e: unknown) => e);
          if (!(err instanceof TRPCError && err.code === 'FORBIDDEN' && /two-factor/i.test(err.message))) answered.push(path);
        }
        expect(answered).toEqual([]);
        const key = await me.auth.totpEnroll();
        await me.auth.totpConfirm({ code: totp(base32Decode(key.secret)) });
        const after = (await validateSessionToken(h.db, a.token, ['leadership']))!.user;
        expect(after.mustEnrolSecondFactor).toBeUndefined();
        expect(await caller(after, a.sessionId).auth.me()).toMatchObject({ id: a.user.id });
      });
    });

    describe('mail (a real SMTP server)', () => {
      let smtp: SMTPServer;
      let smtpUrl: string;
      const received: ParsedMail[] = [];
      const mail = () => ({ smtpUrl, from: 'Beacon <beacon@test.example>' });

      beforeAll(async () => {
        smtp = new SMTPServer({
          authOptional: true,
          disabledCommands: ['STARTTLS'],
          onData(stream, _session, callback) {
            simpleParser(stream).then((parsed) => {
              received.push(parsed);
              callback();
            }, callback);
          }
        });
        await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
        smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
      });
      afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

      it('forgot password mails a working link; an unknown address gets the same answer and no mail', async () => {
        const a = await userWithPassword(h.db, admin);
        const limits = { address: { capacity: 10, leakPerSecond: 1 }, email: { capacity: 3, leakPerSecond: 1 } };
        const before = received.length;

        const unknown = await requestPasswordReset(h.db, { email: 'nobody.here@test.example', clientAddress: '192.0.2.6', baseUrl: 'https://beacon.test' }, { mail: mail(), limits });
        const known = await requestPasswordReset(h.db, { email: a.email.toUpperCase(), clientAddress: '192.0.2.6', baseUrl: 'https://beacon.test' }, { mail: mail(), limits });
        expect(Object.keys(unknown)).toEqual(Object.keys(known));
        expect(unknown.ok && known.ok).toBe(true);
        if (!unknown.ok || !known.ok) return;
        await Promise.all([unknown.delivery, known.delivery]);

        expect(received.length - before).toBe(1);
        const message = received[received.length - 1];
        expect(message.to && 'text' in message.to ? message.to.text : '').toBe(a.email);
        expect(message.subject).toBe('Reset your Beacon password');
        const url = message.text!.match(/https:\/\/beacon\.test\/reset\/([A-Za-z0-9_-]{43})/);
        expect(url).not.toBeNull();
        await completePasswordReset(h.db, { token: url![1], password: NEW_PASSWORD });
        expect((await signIn(h.db, { email: a.email, password: NEW_PASSWORD, clientAddress: freshAddress() })).ok).toBe(true);
        expect(await audits('auth.forgotPassword', a.user.id)).toBe(1);
      });

      it('forgot password is throttled per address, and off (saying so) without mail', async () => {
        const limits = { address: { capacity: 2, leakPerSecond: 1 / 60 }, email: { capacity: 3, leakPerSecond: 1 } };
        const ask = () => requestPasswordReset(h.db, { email: 'someone@test.example', clientAddress: '192.0.2.7', baseUrl: 'https://beacon.test' }, { mail: mail(), limits });
        expect((await ask()).ok).toBe(true);
        expect((await ask()).ok).toBe(true);
        expect(await ask()).toMatchObject({ ok: false, reason: 'throttled' });
        expect(await requestPasswordReset(h.db, { email: 'someone@test.example', clientAddress: '192.0.2.8', baseUrl: 'https://beacon.test' }, { mail: { smtpUrl: undefined, from: 'x@test.example' }, limits }))
          .toEqual({ ok: false, reason: 'mail-off' });
      });

      it('mails an invitation with its link', async () => {
        const invited = await caller(admin).users.invite({ email: `mailed.${Date.now()}@test.example`, role: 'board' });
        const url = `https://beacon.test/invite/${invited.token}`;
        const before = received.length;
        const outcome = await mailInvitation({ to: `mailed@test.example`, url, expiresAt: invited.expiresAt, invitedBy: 'Ada Admin' }, mail());
        expect(outcome.sent).toBe(true);
        expect(received.length - before).toBe(1);
        expect(received[received.length - 1].text).toContain(url);
        expect(await mailInvitation({ to: 'x@test.example', url, expiresAt: invited.expiresAt, invitedBy: 'Ada' }, { smtpUrl: undefined, from: 'x' }))
          .toMatchObject({ sent: false });
      });
    });
  });
}
