// Device links for wall screens (kiosk.create, kiosk.list, kiosk.revoke) through the procedures:
// the token is shown once and stored only as its SHA-256, create and revoke are audited, bad input
// is refused in plain words with nothing written, and a revoked link opens nothing.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import { findKioskLink } from '../../src/lib/server/kiosk/kiosk.service.js';
import { onKioskLinkRevoked } from '../../src/lib/server/kiosk/kiosk-revocations.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';

const createCaller = createCallerFactory(appRouter);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string; fieldErrors: Record<string, string[] | undefined> }> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    const issues = (err.cause as { issues?: Array<{ path: Array<string | number>; message: string }> } | undefined)?.issues ?? [];
    const fieldErrors: Record<string, string[]> = {};
    for (const i of issues) (fieldErrors[String(i.path[0])] ??= []).push(i.message);
    return { code: err.code, message: err.message, fieldErrors };
  }
  throw new Error('expected a refusal');
}

for (const target of targets) {
  describe(`wall screen device links on ${target.name}`, () => {
    let h: TestDb;
    let admin: SessionUser;
    const asAdmin = () => createCaller({ db: h.db, dbKind: h.kind, user: admin });

    beforeAll(async () => {
      h = await target.open();
      admin = await testUser(h.db, 'admin');
    });
    afterAll(() => h?.drop());

    it('shows the token once and stores only its SHA-256; the list never carries a token or hash', async () => {
      const link = await asAdmin().kiosk.create({ label: '  Lobby wall ', dashboards: ['funding', 'overview'], rotateSeconds: 45 });
      expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(link.path).toBe(`/kiosk/${link.token}`);
      const row = await h.db.selectFrom('kiosk_link').selectAll().where('id', '=', link.id).executeTakeFirstOrThrow();
      expect(row.token_hash).toBe(sha256(link.token));
      expect(row.label).toBe('Lobby wall');
      // The token appears in no column of any row of the table.
      const all = JSON.stringify(await h.db.selectFrom('kiosk_link').selectAll().execute());
      expect(all).not.toContain(link.token);

      const listed = (await asAdmin().kiosk.list()).find((l) => l.id === link.id)!;
      expect(listed).toMatchObject({ label: 'Lobby wall', dashboards: ['funding', 'overview'], rotateSeconds: 45, revokedAt: null, createdByName: admin.displayName });
      expect(JSON.stringify(listed)).not.toContain(row.token_hash);
      expect(Object.keys(listed)).not.toContain('token');

      const found = await findKioskLink(h.db, link.token);
      expect(found).toEqual({ status: 'active', identity: { linkId: link.id, label: 'Lobby wall', dashboards: ['funding', 'overview'], rotateSeconds: 45 } });
      expect(await findKioskLink(h.db, link.token.slice(0, -1) + (link.token.endsWith('A') ? 'B' : 'A'))).toBeNull();
      expect(await findKioskLink(h.db, 'not-a-token')).toBeNull();
    });

    it('audits create and revoke; a revoked link opens nothing, is announced, and cannot be revoked twice', async () => {
      const link = await asAdmin().kiosk.create({ label: 'Board room', dashboards: ['aftercare'], rotateSeconds: 20 });
      const heard: number[] = [];
      const stop = onKioskLinkRevoked((id) => heard.push(id));
      try {
        await asAdmin().kiosk.revoke({ id: link.id });
      } finally {
        stop();
      }
      expect(heard).toEqual([link.id]);
      expect(await findKioskLink(h.db, link.token)).toEqual({ status: 'revoked' });
      const audit = await h.db.selectFrom('audit_log').select(['action', 'actor_id', 'after']).where('entity', '=', 'kiosk_link').where('entity_id', '=', String(link.id)).orderBy('id').execute();
      expect(audit.map((a) => [a.action, a.actor_id])).toEqual([['kiosk.create', admin.id], ['kiosk.revoke', admin.id]]);
      expect(JSON.stringify(audit)).not.toContain(link.token);
      expect(audit[0].after).toMatchObject({ label: 'Board room', dashboards: ['aftercare'], rotateSeconds: 20 });

      expect(await refusal(asAdmin().kiosk.revoke({ id: link.id }))).toMatchObject({ code: 'CONFLICT', message: 'This link is already revoked.' });
      expect(await refusal(asAdmin().kiosk.revoke({ id: 987_654_321 }))).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('refuses bad input in plain words, beside each field, writing nothing', async () => {
      const before = await h.db.selectFrom('kiosk_link').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const bad = await refusal(asAdmin().kiosk.create({ label: ' ', dashboards: [], rotateSeconds: 5 }));
      expect(bad.code).toBe('BAD_REQUEST');
      expect(bad.fieldErrors).toEqual({
        label: ['Name the screen (e.g. "Lobby wall").'],
        dashboards: ['Choose at least one dashboard.'],
        rotateSeconds: ['Use at least 10 seconds.']
      });
      const worse = await refusal(asAdmin().kiosk.create({ label: 'x'.repeat(81), dashboards: ['overview', 'needs'] as never, rotateSeconds: 3601 }));
      expect(worse.fieldErrors).toEqual({
        label: ['Use at most 80 characters.'],
        dashboards: ['Choose one of the four dashboards.'],
        rotateSeconds: ['Use at most 3,600 seconds (an hour).']
      });
      expect((await refusal(asAdmin().kiosk.create({ label: 'Twice', dashboards: ['overview', 'overview'], rotateSeconds: 30 }))).fieldErrors)
        .toEqual({ dashboards: ['Choose each dashboard once.'] });
      const after = await h.db.selectFrom('kiosk_link').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });
  });
}
