// Passwords and sign-in: argon2id, the policy, one answer (and the same argon2 work) for unknown email and
// wrong password, and the throttles (escalating per account, token bucket per address).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Counts argon2 verifications (the real ones still run) so "same work either way" is checkable.
const argon2Verifications = vi.hoisted(() => ({ count: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: async (...args: Parameters<typeof real.verify>) => {
      argon2Verifications.count++;
      return real.verify(...args);
    }
  };
});
import { targets, type TestDb } from '../helpers/db.js';
import {
  hashPassword, isCommonPassword, passwordProblem, verifyAgainstDummy, verifyPassword
} from '../../src/lib/server/auth/password.js';
import { secondsUntilRoom, signInLimits } from '../../src/lib/server/auth/rate-limit.js';
import { signIn, type SignInLimits } from '../../src/lib/server/auth/sign-in.service.js';
import { createUser, deactivateUser, inviteUser } from '../../src/lib/server/users/users.service.js';
import { testUser } from '../helpers/auth.js';

const GOOD = 'violet-kayak-lantern-91';

describe('password policy', () => {
  it.each([
    ['short', 'Use at least 12 characters.'],
    ['password1234', 'too common'],
    ['qwerty123456', 'too common'],
    ['Password123!!', 'too common'],
    ['aaaaaaaaaaaaaaa', 'too common'],
    ['1qaz2wsx3edc', 'too common'],
    ['x'.repeat(257), 'at most 256']
  ])('refuses %j', (password, reason) => {
    expect(passwordProblem(password)).toContain(reason);
  });

  it('refuses the email address or the name as password', () => {
    expect(passwordProblem('dana.director@example.org', { email: 'dana.director@example.org' })).toMatch(/email address or name/);
    expect(passwordProblem('Dana Director Smith', { displayName: 'dana director smith' })).toMatch(/email address or name/);
  });

  it('accepts a long, uncommon password', () => {
    expect(passwordProblem(GOOD, { email: 'x@example.org' })).toBeNull();
    expect(isCommonPassword(GOOD)).toBe(false);
  });

  it('hashes with argon2id and verifies; a malformed hash is just a wrong password', async () => {
    const h = await hashPassword(GOOD);
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, GOOD)).toBe(true);
    expect(await verifyPassword(h, `${GOOD}x`)).toBe(false);
    expect(await verifyPassword('not-a-hash', GOOD)).toBe(false);
    expect(await verifyAgainstDummy(GOOD)).toBe(false);
  });
});

describe('leaky buckets', () => {
  const bucket = { capacity: 5, leakPerSecond: 1 / 60 };
  it('let failures in until the bucket is full, then one more per drained unit', () => {
    expect(secondsUntilRoom(bucket, undefined)).toBe(0);
    expect(secondsUntilRoom(bucket, { level: 4, ageSeconds: 0 })).toBe(0);
    // Full (5): the next failure fits once one unit (60 s at 1/60 per second) has drained.
    expect(secondsUntilRoom(bucket, { level: 5, ageSeconds: 0 })).toBe(60);
    expect(secondsUntilRoom(bucket, { level: 5, ageSeconds: 45 })).toBe(15);
    expect(secondsUntilRoom(bucket, { level: 5, ageSeconds: 60 })).toBe(0);
  });
  it('decay instead of doubling: however long the attack, quiet for capacity ÷ rate empties it', () => {
    expect(secondsUntilRoom(bucket, { level: 5, ageSeconds: 5 * 60 })).toBe(0);
    // A level never exceeds capacity by more than the refused attempt (refused ones are not counted).
    expect(secondsUntilRoom(bucket, { level: 5.5, ageSeconds: 0 })).toBe(90);
  });
});

for (const target of targets) {
  describe(`sign-in on ${target.name}`, () => {
    let h: TestDb;

    beforeAll(async () => {
      h = await target.open();
      await createUser(h.db, { email: 'known@test.example', displayName: 'Known', role: 'leadership', password: GOOD }, { actorId: null });
    });
    afterAll(() => h?.drop());

    const attempt = (email: string, password: string, l: SignInLimits = signInLimits, clientAddress = '192.0.2.1') =>
      signIn(h.db, { email, password, clientAddress }, l);

    it('signs in with the right password (email case and spaces do not matter)', async () => {
      expect(await attempt('  Known@Test.Example', GOOD)).toMatchObject({ ok: true, role: 'leadership' });
    });

    it('answers unknown email, wrong password, invited and deactivated accounts identically', async () => {
      const admin = await testUser(h.db, 'admin');
      await inviteUser(h.db, admin, { email: 'invited@test.example', role: 'board', divisions: [], states: [] });
      const goneId = await createUser(h.db, { email: 'gone@test.example', displayName: 'Gone', role: 'board', password: GOOD }, { actorId: null });
      await deactivateUser(h.db, admin, goneId);
      const answers = [
        await attempt('nobody@test.example', GOOD),
        await attempt('known@test.example', 'wrong-password-entirely'),
        await attempt('invited@test.example', GOOD),
        await attempt('gone@test.example', GOOD)
      ];
      for (const a of answers) expect(a).toEqual({ ok: false, reason: 'invalid' });
    });

    it('does the same argon2 work for an unknown email as for a wrong password (dummy hash)', async () => {
      // Counted, not timed: a wall-clock comparison flaked on a loaded CI machine. Equal work is
      // what makes the timing equal; a missing dummy verification shows up as 0 here.
      const verifications = async (email: string) => {
        const before = argon2Verifications.count;
        expect(await attempt(email, 'wrong-password-entirely')).toEqual({ ok: false, reason: 'invalid' });
        return argon2Verifications.count - before;
      };
      expect(await verifications('nobody@test.example')).toBe(1);
      expect(await verifications('known@test.example')).toBe(1);
    });

    it('the 6th wrong password from one address is throttled, and then so is the right one from there', async () => {
      const from = '192.0.2.50';
      for (let i = 0; i < 5; i++) expect(await attempt('known@test.example', `wrong-${i}-password`, signInLimits, from)).toEqual({ ok: false, reason: 'invalid' });
      const sixth = await attempt('known@test.example', 'wrong-6-password', signInLimits, from);
      expect(sixth).toMatchObject({ ok: false, reason: 'throttled' });
      expect((sixth as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
      expect(await attempt('known@test.example', GOOD, signInLimits, from)).toMatchObject({ ok: false, reason: 'throttled' });
      // Unknown emails are throttled the same way (the throttle does not reveal which exist).
      for (let i = 0; i < 5; i++) await attempt('ghost@test.example', `wrong-${i}-password`, signInLimits, from);
      expect(await attempt('ghost@test.example', GOOD, signInLimits, from)).toMatchObject({ ok: false, reason: 'throttled' });
    });

    it('throttles one address spraying many accounts', async () => {
      const l: SignInLimits = { ...signInLimits, address: { capacity: 3, leakPerSecond: 0.001 } };
      for (let i = 0; i < 3; i++) expect(await attempt(`spray${i}@test.example`, 'wrong-password-x', l, '198.51.100.7')).toMatchObject({ reason: 'invalid' });
      expect(await attempt('known@test.example', GOOD, l, '198.51.100.7')).toMatchObject({ ok: false, reason: 'throttled' });
      expect(await attempt('known@test.example', GOOD, l, '198.51.100.8')).toMatchObject({ ok: true });
    });
  });
}
