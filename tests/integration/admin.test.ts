// User management through the tRPC procedures: invitations (single-use, expiring, only the token's
// hash stored), roles and regions, deactivation; bad input gets a clear message and writes nothing.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { acceptInvitation, invitationForToken, INVITATION_LIFETIME_MS } from '../../src/lib/server/users/users.service.js';
import { signIn } from '../../src/lib/server/auth/sign-in.service.js';
import { DomainError } from '../../src/lib/server/errors.js';

const createCaller = createCallerFactory(appRouter);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const PASSWORD = 'saffron-harbor-meadow-58';

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; fields: string[] }> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (err instanceof TRPCError) {
    const issues = (err.cause as { issues?: Array<{ path: string[] }> } | undefined)?.issues ?? [];
    return { code: err.code, message: err.message, fields: issues.map((i) => i.path.join('.')) };
  }
  if (err instanceof DomainError) return { code: err.code, message: err.message, fields: [] };
  throw new Error(`expected a refusal, got ${String(err)}`);
}

for (const target of targets) {
  describe(`user management on ${target.name}`, () => {
    let h: TestDb;
    let admin: SessionUser;
    let caller: ReturnType<typeof createCaller>;
    const counts = async () => {
      const { rows } = await sql<{ users: number; regions: number; invitations: number; audit: number }>`
        select (select count(*) from app_user)::int as users, (select count(*) from user_region)::int as regions,
          (select count(*) from user_invitation)::int as invitations, (select count(*) from audit_log)::int as audit`.execute(h.db);
      return rows[0];
    };

    beforeAll(async () => {
      h = await target.open();
      admin = await testUser(h.db, 'admin');
      caller = createCaller({ db: h.db, dbKind: h.kind, user: admin });
    });
    afterAll(() => h?.drop());

    it('invites: the account waits with no password, the link works once, only its hash is stored', async () => {
      const invited = await caller.users.invite({ email: ' New.Coordinator@Test.Example ', role: 'coordinator', divisions: ['mountain'], states: ['WA'] });
      const listed = (await caller.users.list()).find((u) => u.id === invited.userId)!;
      expect(listed).toMatchObject({ email: 'new.coordinator@test.example', status: 'invited', divisions: ['mountain'], states: ['WA'] });
      const { rows } = await sql<Record<string, unknown>>`select * from user_invitation`.execute(h.db);
      expect(JSON.stringify(rows)).not.toContain(invited.token);
      expect(rows.some((r) => r.token_hash === sha256(invited.token))).toBe(true);
      expect(invited.expiresAt.getTime() - Date.now()).toBeGreaterThan(INVITATION_LIFETIME_MS - 60_000);

      expect(await invitationForToken(h.db, invited.token)).toMatchObject({ email: 'new.coordinator@test.example', role: 'coordinator' });
      const accepted = await acceptInvitation(h.db, { token: invited.token, displayName: 'Nia Coordinator', password: PASSWORD });
      expect(accepted).toEqual({ userId: invited.userId, role: 'coordinator' });
      expect((await caller.users.list()).find((u) => u.id === invited.userId)).toMatchObject({ status: 'active', displayName: 'Nia Coordinator' });
      const signedIn = await signIn(h.db, { email: 'new.coordinator@test.example', password: PASSWORD, clientAddress: '192.0.2.2' });
      expect(signedIn.ok).toBe(true);

      // Single use: the same link again, whatever the password.
      expect(await invitationForToken(h.db, invited.token)).toBeNull();
      expect(await refusal(acceptInvitation(h.db, { token: invited.token, displayName: 'Mallory', password: 'another-long-pass-77' })))
        .toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/invalid, has expired or was already used/) });
    });

    it('refuses an expired link, and a reissued link replaces the old one', async () => {
      const invited = await caller.users.invite({ email: 'late@test.example', role: 'board' });
      const later = new Date(Date.now() + INVITATION_LIFETIME_MS + 1000);
      expect(await invitationForToken(h.db, invited.token, later)).toBeNull();
      expect((await refusal(acceptInvitation(h.db, { token: invited.token, displayName: 'Late', password: PASSWORD }, later))).code).toBe('NOT_FOUND');
      const again = await caller.users.reissueInvite({ userId: invited.userId });
      expect(await invitationForToken(h.db, invited.token)).toBeNull();
      expect(await invitationForToken(h.db, again.token)).not.toBeNull();
      await acceptInvitation(h.db, { token: again.token, displayName: 'Late Comer', password: PASSWORD });
      expect((await refusal(caller.users.reissueInvite({ userId: invited.userId }))).message).toMatch(/already accepted/);
    });

    it('a weak password on the invitation page is refused and uses nothing up', async () => {
      const invited = await caller.users.invite({ email: 'weak@test.example', role: 'board' });
      for (const password of ['short', 'password123456', 'weak@test.example']) {
        expect((await refusal(acceptInvitation(h.db, { token: invited.token, displayName: 'Weak', password }))).code).toBe('BAD_REQUEST');
      }
      expect(await invitationForToken(h.db, invited.token)).not.toBeNull();
      const row = await h.db.selectFrom('app_user').select('password_hash').where('id', '=', invited.userId).executeTakeFirstOrThrow();
      expect(row.password_hash).toBeNull();
    });

    it.each([
      [{ email: 'not-an-email', role: 'board' }, 'BAD_REQUEST', /valid email/, ['email']],
      [{ email: 'x@test.example', role: 'superuser' }, 'BAD_REQUEST', /Choose a role/, ['role']],
      [{ email: 'x@test.example', role: 'coordinator' }, 'BAD_REQUEST', /at least one division or state/, []],
      [{ email: 'x@test.example', role: 'board', divisions: ['mountain'] }, 'BAD_REQUEST', /Only coordinators/, []],
      [{ email: 'x@test.example', role: 'coordinator', divisions: ['atlantis'] }, 'BAD_REQUEST', /./, ['divisions.0']],
      [{ email: 'x@test.example', role: 'coordinator', states: ['XX'] }, 'BAD_REQUEST', /./, ['states.0']],
      [{ email: 'x@test.example', role: 'board', displayName: '   ' }, 'BAD_REQUEST', /Enter a name/, ['displayName']],
      [{ email: 'x@test.example', role: 'board', isAdmin: true }, 'BAD_REQUEST', /./, ['']],
      [{ email: 'late@test.example', role: 'board' }, 'CONFLICT', /already has an account/, []]
    ])('invite %j → %s with a clear message and no writes', async (input, code, message, fields) => {
      const before = await counts();
      const r = await refusal(caller.users.invite(input as never));
      expect(r.code).toBe(code);
      if (fields.length) expect(r.fields).toEqual(fields);
      else expect(r.message).toMatch(message);
      expect(await counts()).toEqual(before);
    });

    it('changes role and regions; leaving the coordinator role clears the regions', async () => {
      const invited = await caller.users.invite({ email: 'mover@test.example', role: 'coordinator', divisions: ['pacific'] });
      expect(await caller.users.update({ userId: invited.userId, states: ['CO', 'CO', 'UT'], divisions: [] })).toMatchObject({ divisions: [], states: ['CO', 'UT'] });
      expect(await caller.users.update({ userId: invited.userId, role: 'leadership' })).toMatchObject({ role: 'leadership', divisions: [], states: [] });
      expect(await caller.users.update({ userId: invited.userId, displayName: 'Mo Ver' })).toMatchObject({ displayName: 'Mo Ver', role: 'leadership' });
    });

    it.each([
      [{ userId: 'nobody' , role: 'board' }, 'NOT_FOUND', /No such user/],
      [{ role: 'board' }, 'BAD_REQUEST', /./],
      [{ userId: 'x' }, 'BAD_REQUEST', /Nothing to change/]
    ])('update %j → %s and no writes', async (input, code, message) => {
      const before = await counts();
      const r = await refusal(caller.users.update(input as never));
      expect(r.code).toBe(code);
      expect(r.message).toMatch(message);
      expect(await counts()).toEqual(before);
    });

    it('keeps at least one active admin, and an admin cannot deactivate themselves', async () => {
      expect((await refusal(caller.users.deactivate({ userId: admin.id }))).message).toMatch(/your own account/);
      // Other admins exist in this database (test users): demote them all but one, then the last refuses.
      const admins = (await caller.users.list()).filter((u) => u.role === 'admin' && u.active && u.id !== admin.id);
      for (const a of admins) await caller.users.update({ userId: a.id, role: 'board' });
      const r = await refusal(caller.users.update({ userId: admin.id, role: 'leadership' }));
      expect(r).toMatchObject({ code: 'CONFLICT', message: 'Beacon needs at least one active admin.' });
      expect((await caller.users.list()).find((u) => u.id === admin.id)!.role).toBe('admin');
    });

    it('deactivates and reactivates; a deactivated user cannot sign in', async () => {
      const invited = await caller.users.invite({ email: 'leaver@test.example', role: 'board' });
      await acceptInvitation(h.db, { token: invited.token, displayName: 'Leaver', password: PASSWORD });
      expect(await caller.users.deactivate({ userId: invited.userId })).toMatchObject({ status: 'deactivated', active: false });
      expect(await signIn(h.db, { email: 'leaver@test.example', password: PASSWORD, clientAddress: '192.0.2.3' })).toEqual({ ok: false, reason: 'invalid' });
      expect(await caller.users.reactivate({ userId: invited.userId })).toMatchObject({ status: 'active' });
      expect((await signIn(h.db, { email: 'leaver@test.example', password: PASSWORD, clientAddress: '192.0.2.3' })).ok).toBe(true);
    });
  });

  describe(`needs.list on ${target.name}`, () => {
    let h: TestDb;
    let caller: ReturnType<typeof createCaller>;

    beforeAll(async () => {
      h = await target.open();
      caller = createCaller({ db: h.db, dbKind: h.kind, user: await testUser(h.db, 'coordinator', { divisions: ['pacific'] }) });
      const centers = await h.db.insertInto('partner').values([
        { name: 'Synthetic Cascade House', kind: 'aftercare_center', state: 'WA', vetting_status: 'vetted' },
        { name: 'Synthetic Front Range House', kind: 'aftercare_center', state: 'CO', vetting_status: 'vetted' }
      ]).returning('id').execute();
      await h.db.insertInto('aftercare_need').values([
        { center_id: centers[0].id, title: 'Van repair', kind: 'equipment', priority: 'normal', estimated_cost_cents: 300_000, needed_by: '2026-12-01' },
        { center_id: centers[0].id, title: 'Emergency beds', kind: 'basic_needs', basic_need_type: 'housing', priority: 'critical' },
        { center_id: centers[0].id, title: 'Old roof', kind: 'building', priority: 'critical', status: 'cancelled' },
        { center_id: centers[1].id, title: 'Laptop for intake', kind: 'equipment', priority: 'high' }
      ]).execute();
    });
    afterAll(() => h?.drop());

    it('lists open needs most urgent first, filtered by state; coordinators read every region', async () => {
      const wa = await caller.needs.list({ states: ['WA'] });
      expect(wa.map((n) => n.title)).toEqual(['Emergency beds', 'Van repair']);
      expect(wa[1]).toMatchObject({ centerName: 'Synthetic Cascade House', state: 'WA', kind: 'equipment', status: 'open', neededBy: '2026-12-01', estimatedCostCents: 300_000 });
      expect((await caller.needs.list({})).map((n) => n.title)).toEqual(['Emergency beds', 'Laptop for intake', 'Van repair']);
      expect((await caller.needs.list({ includeClosed: true })).length).toBe(4);
    });

    it.each([[{ states: [] }], [{ states: ['ZZ'] }], [{ limit: 0 }], [{ region: 'WA' }]])('refuses %j', async (input) => {
      expect((await refusal(caller.needs.list(input as never))).code).toBe('BAD_REQUEST');
    });
  });
}
