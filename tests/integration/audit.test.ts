// The audit trail: every mutation writes who, when, what, before → after, in the same transaction as
// the change (so neither exists without the other), never a password hash; admins read it filtered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { acceptInvitation } from '../../src/lib/server/users/users.service.js';
import { signIn, signOut } from '../../src/lib/server/auth/sign-in.service.js';

const createCaller = createCallerFactory(appRouter);

for (const target of targets) {
  describe(`audit trail on ${target.name}`, () => {
    let h: TestDb;
    let admin: SessionUser;
    let caller: ReturnType<typeof createCaller>;

    beforeAll(async () => {
      h = await target.open();
      admin = await testUser(h.db, 'admin');
      caller = createCaller({ db: h.db, dbKind: h.kind, user: admin });
    });
    afterAll(() => h?.drop());

    const auditRows = (entityId: string) =>
      h.db.selectFrom('audit_log').select(['actor_id', 'action', 'entity', 'entity_id', 'before', 'after', 'at']).where('entity_id', '=', entityId).orderBy('id').execute();

    it('records each user mutation with actor, action, before and after', async () => {
      const invited = await caller.users.invite({ email: 'audited@test.example', role: 'coordinator', divisions: ['pacific'] });
      await caller.users.update({ userId: invited.userId, divisions: ['mountain'] });
      await caller.users.reissueInvite({ userId: invited.userId });
      await caller.users.deactivate({ userId: invited.userId });
      await caller.users.reactivate({ userId: invited.userId });
      const rows = await auditRows(invited.userId);
      expect(rows.map((r) => r.action)).toEqual(['users.invite', 'users.update', 'users.reissueInvite', 'users.deactivate', 'users.reactivate']);
      for (const r of rows) expect(r).toMatchObject({ actor_id: admin.id, entity: 'app_user', entity_id: invited.userId });
      expect(rows[1].before).toMatchObject({ divisions: ['pacific'] });
      expect(rows[1].after).toMatchObject({ divisions: ['mountain'] });
      expect(rows[3].before).toMatchObject({ active: true });
      expect(rows[3].after).toMatchObject({ active: false });
      for (const r of rows) expect(r.at).toBeInstanceOf(Date);
    });

    it('records accepting an invitation and signing in and out; never a password or its hash', async () => {
      const password = 'amber-glacier-pencil-47';
      const invited = await caller.users.invite({ email: 'newcomer@test.example', role: 'board' });
      await acceptInvitation(h.db, { token: invited.token, displayName: 'New Comer', password });
      const result = await signIn(h.db, { email: 'newcomer@test.example', password, clientAddress: '192.0.2.9' });
      if (!result.ok) throw new Error('sign-in failed');
      await signOut(h.db, result.created.session);
      const rows = await auditRows(invited.userId);
      expect(rows.map((r) => [r.action, r.actor_id === invited.userId])).toEqual([
        ['users.invite', false], ['users.acceptInvite', true], ['auth.signIn', true], ['auth.signOut', true]
      ]);
      const { rows: all } = await sql<{ doc: string }>`select coalesce(before::text, '') || coalesce(after::text, '') as doc from audit_log`.execute(h.db);
      const hash = (await h.db.selectFrom('app_user').select('password_hash').where('id', '=', invited.userId).executeTakeFirstOrThrow()).password_hash!;
      for (const { doc } of all) {
        expect(doc).not.toContain(password);
        expect(doc).not.toContain(hash);
        expect(doc).not.toContain('argon2');
        expect(doc).not.toContain(invited.token);
      }
    });

    it('a change and its audit row commit or fail together', async () => {
      const invited = await caller.users.invite({ email: 'atomic@test.example', role: 'board' });
      // Make the audit insert fail for this one action: the user update must roll back with it.
      await sql`create function refuse_update_audit() returns trigger language plpgsql as $$
        begin if new.action = 'users.update' then raise exception 'audit store unavailable'; end if; return new; end $$`.execute(h.db);
      await sql`create trigger refuse_update_audit before insert on audit_log for each row execute function refuse_update_audit()`.execute(h.db);
      try {
        const err = await caller.users.update({ userId: invited.userId, role: 'leadership' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TRPCError);
        expect((err as TRPCError).code).toBe('INTERNAL_SERVER_ERROR');
      } finally {
        await sql`drop trigger refuse_update_audit on audit_log`.execute(h.db);
        await sql`drop function refuse_update_audit()`.execute(h.db);
      }
      const user = await h.db.selectFrom('app_user').select('role').where('id', '=', invited.userId).executeTakeFirstOrThrow();
      expect(user.role).toBe('board');
      expect((await auditRows(invited.userId)).map((r) => r.action)).toEqual(['users.invite']);
    });

    it('a refused mutation leaves no audit row', async () => {
      const before = await h.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      await expect(caller.users.deactivate({ userId: admin.id })).rejects.toThrow(/your own account/);
      await expect(caller.users.invite({ email: 'audited@test.example', role: 'board' })).rejects.toThrow(/already has an account/);
      const after = await h.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it('the audit log cannot be rewritten', async () => {
      await expect(sql`update audit_log set action = 'users.nothing'`.execute(h.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_log`.execute(h.db)).rejects.toThrow(/append-only/);
    });

    it('admins read it filtered by user, entity and time, newest first, a page at a time', async () => {
      const other = await testUser(h.db, 'admin');
      const otherCaller = createCaller({ db: h.db, dbKind: h.kind, user: other });
      await otherCaller.users.invite({ email: 'by-other@test.example', role: 'board' });
      const byOther = await caller.audit.list({ actorId: other.id });
      expect(byOther.entries.map((e) => e.action)).toEqual(['users.invite']);
      expect(byOther.entries[0]).toMatchObject({ actorEmail: other.email, entity: 'app_user' });

      const all = await caller.audit.list({ entity: 'app_user' });
      const ids = all.entries.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      const page1 = await caller.audit.list({ entity: 'app_user', limit: 2 });
      expect(page1.entries).toHaveLength(2);
      const page2 = await caller.audit.list({ entity: 'app_user', limit: 2, beforeId: page1.nextBeforeId! });
      expect(page2.entries[0].id).toBeLessThan(page1.entries[1].id);

      expect((await caller.audit.list({ from: new Date(Date.now() + 86_400_000) })).entries).toEqual([]);
      expect((await caller.audit.list({ from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000) })).entries.length).toBe(all.entries.length);
      expect((await caller.audit.list({ entity: 'partner' })).entries).toEqual([]);
      expect(await caller.audit.entities()).toContain('app_user');
    });

    it.each([
      [{ from: 'yesterday' }, 'from'],
      [{ from: '2026-02-01', to: '2026-01-01' }, 'to'],
      [{ entity: 'App User; drop table' }, 'entity'],
      [{ limit: 100_000 }, 'limit'],
      [{ from: '1900-01-01' }, 'from'],
      [{ actor: 'x' }, '']
    ])('refuses bad filters %j with BAD_REQUEST naming the field', async (input, field) => {
      const err = await caller.audit.list(input as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe('BAD_REQUEST');
      const issues = ((err as TRPCError).cause as unknown as { issues: Array<{ path: string[]; message: string }> }).issues;
      if (field) expect(issues[0].path).toEqual([field]);
      expect(issues[0].message.length).toBeGreaterThan(5);
    });
  });
}
