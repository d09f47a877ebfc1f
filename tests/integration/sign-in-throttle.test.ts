// Throttling that stops attackers, not owners: buckets per account × address, per address, per
// account (unknown browsers only) and per known browser, drained over time, stored in the database
// so every instance shares them. On PGlite and Postgres (two instances: Postgres).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { createDb } from '../../src/lib/server/db/index.js';
import { signInLimits, type SignInLimits } from '../../src/lib/server/auth/rate-limit.js';
import { signIn, type SignInResult } from '../../src/lib/server/auth/sign-in.service.js';
import { createUser } from '../../src/lib/server/users/users.service.js';
import { resetProxyHeaderWarning, warnAboutUnreadProxyHeaders } from '../../src/lib/server/auth/proxy-headers.js';

const PASSWORD = 'correct horse battery staple 42';
const OWNER = 'owner@test.example';
const ATTACKER = '198.51.100.66';
const HOME = '203.0.113.5';

describe('the proxy-header warning', () => {
  it('is logged once when proxy headers arrive while ADDRESS_HEADER is unset, never when it is set', () => {
    const warnings: string[] = [];
    const log = { warn: (m: string) => warnings.push(m) };
    resetProxyHeaderWarning();
    expect(warnAboutUnreadProxyHeaders(new Headers({ accept: 'text/html' }), undefined, log)).toBe(false);
    expect(warnAboutUnreadProxyHeaders(new Headers({ 'x-forwarded-for': '192.0.2.1' }), 'X-Forwarded-For', log)).toBe(false);
    expect(warnings).toEqual([]);
    for (const h of [['x-forwarded-for', '192.0.2.1'], ['forwarded', 'for=192.0.2.1'], ['x-real-ip', '192.0.2.1']] as Array<[string, string]>) {
      resetProxyHeaderWarning();
      expect(warnAboutUnreadProxyHeaders(new Headers([h]), undefined, log)).toBe(true);
      expect(warnAboutUnreadProxyHeaders(new Headers([h]), undefined, log)).toBe(false);
    }
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/ADDRESS_HEADER/);
  });
});

for (const target of targets) {
  describe(`sign-in throttling on ${target.name}`, () => {
    let h: TestDb;
    const attempt = (password: string, clientAddress: string, knownBrowserToken?: string, limits: SignInLimits = signInLimits, email = OWNER) =>
      signIn(h.db, { email, password, clientAddress, knownBrowserToken }, limits);
    const isThrottled = (r: SignInResult) => !r.ok && r.reason === 'throttled';

    beforeAll(async () => {
      h = await target.open();
      await createUser(h.db, { email: OWNER, displayName: 'Owner', role: 'leadership', password: PASSWORD }, { actorId: null });
    }, 120_000);
    afterAll(() => h?.drop());

    it('lets the owner in — from their known browser, and from another address — while an attacker hammers the account', async () => {
      const first = await attempt(PASSWORD, HOME);
      expect(first.ok).toBe(true);
      const browser = (first as Extract<SignInResult, { ok: true }>).knownBrowserToken;

      // The attack runs while the owner signs in (not before it): wrong passwords, as fast as answered.
      const answers: SignInResult[] = [];
      let stop = false;
      const attack = (async () => {
        while (!stop && answers.length < 400) answers.push(await attempt(`guess-${answers.length}-password`, ATTACKER));
      })();
      const started = Date.now();
      while (answers.filter(isThrottled).length < 3 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
      expect(answers.filter(isThrottled).length).toBeGreaterThanOrEqual(3);

      const fromKnownBrowser = await attempt(PASSWORD, HOME, browser);
      const fromElsewhere = await attempt(PASSWORD, '192.0.2.77');
      const attackerWithRightPassword = await attempt(PASSWORD, ATTACKER);
      stop = true;
      await attack;
      expect(fromKnownBrowser.ok).toBe(true);
      expect(fromElsewhere.ok).toBe(true);
      // The attacker's own address is locked for this account, even with the right password…
      expect(isThrottled(attackerWithRightPassword)).toBe(true);
      // …after at most 5 wrong passwords from there (the rest were refused unchecked).
      expect(answers.filter((a) => !a.ok && a.reason === 'invalid').length).toBeLessThanOrEqual(5);
    });

    it('keeps a known browser’s own budget when a distributed attack fills the account’s', async () => {
      const email = 'target@test.example';
      await createUser(h.db, { email, displayName: 'Target', role: 'board', password: PASSWORD }, { actorId: null });
      const limits: SignInLimits = { ...signInLimits, account: { capacity: 8, leakPerSecond: 0.0001 } };
      const first = await attempt(PASSWORD, HOME, undefined, limits, email);
      const browser = (first as Extract<SignInResult, { ok: true }>).knownBrowserToken;
      // Eight addresses, one wrong password each: no address bucket is near full, the account's is.
      for (let i = 0; i < 8; i++) expect(await attempt('wrong-password-x', `198.18.0.${i + 1}`, undefined, limits, email)).toMatchObject({ reason: 'invalid' });
      expect(isThrottled(await attempt(PASSWORD, '192.0.2.99', undefined, limits, email))).toBe(true);
      expect((await attempt(PASSWORD, '192.0.2.99', browser, limits, email)).ok).toBe(true);
      // A token of another account's browser earns nothing here.
      expect(isThrottled(await attempt(PASSWORD, '192.0.2.99', 'x'.repeat(43), limits, email))).toBe(true);
    });

    it('drains a lock over time instead of doubling it', async () => {
      const from = '198.51.100.200';
      for (let i = 0; i < 5; i++) await attempt(`wrong-${i}-password`, from);
      const locked = await attempt(PASSWORD, from);
      expect(locked).toMatchObject({ ok: false, reason: 'throttled' });
      // One try a minute from that address: 5 / (1/60 s) drains a full bucket.
      expect((locked as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(60);
      // A minute later (moved back in the table): one more try, then the wait is again at most a minute.
      await sql`update sign_in_throttle set updated_at = updated_at - interval '61 seconds'`.execute(h.db);
      expect(await attempt('wrong-again-password', from)).toMatchObject({ ok: false, reason: 'invalid' });
      const again = await attempt(PASSWORD, from);
      expect(again).toMatchObject({ ok: false, reason: 'throttled' });
      expect((again as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(60);
      // Quiet for five minutes: the owner's password works from there again.
      await sql`update sign_in_throttle set updated_at = updated_at - interval '5 minutes'`.execute(h.db);
      expect((await attempt(PASSWORD, from)).ok).toBe(true);
    });

    it.skipIf(target.name !== 'postgres')('shares its state between instances (two database handles)', async () => {
      const other = await createDb({ url: h.url! });
      try {
        const from = '198.51.100.222';
        for (let i = 0; i < 5; i++) expect(await attempt(`wrong-${i}-password`, from)).toMatchObject({ reason: 'invalid' });
        const onOther = await signIn(other.db, { email: OWNER, password: PASSWORD, clientAddress: from });
        expect(onOther).toMatchObject({ ok: false, reason: 'throttled' });
      } finally {
        await other.close();
      }
    });
  });
}
