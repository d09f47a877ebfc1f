// Working together through tRPC: field-level merge, conflicts with the current row, bad input refused
// with field details and nothing written, undo as a new change, comments with @mentions, the
// activity feed, and comments announced in change_log for the division's room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

/** The error a call fails with, and its formatted `data` (as a browser would receive it). */
async function refusal(call: Promise<unknown>) {
  const err = await call.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TRPCError);
  const e = err as TRPCError;
  const shape = appRouter._def._config.errorFormatter({
    shape: { message: e.message, code: -32600, data: { code: e.code, httpStatus: 400 } } as never,
    error: e, type: 'mutation', path: undefined, input: undefined, ctx: undefined
  }) as unknown as { data: { fieldErrors: Record<string, string[]> | null; conflict: { current: Record<string, unknown>; conflictingFields: string[] } | null } };
  return { code: e.code, message: e.message, ...shape.data };
}

for (const target of targets) {
  describe(`collaboration on ${target.name}`, () => {
    let h: TestDb;
    let ana: SessionUser;
    let ben: SessionUser;
    let A: Caller;
    let B: Caller;
    let centerId: number;
    const count = async (table: 'aftercare_need' | 'audit_log' | 'need_comment') =>
      Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    beforeAll(async () => {
      h = await target.open();
      ana = await testUser(h.db, 'coordinator', { divisions: ['mountain'] });
      ben = await testUser(h.db, 'coordinator', { divisions: ['mountain'] });
      A = createCaller({ db: h.db, dbKind: h.kind, user: ana });
      B = createCaller({ db: h.db, dbKind: h.kind, user: ben });
      centerId = (await h.db.insertInto('partner').values({ name: 'Synthetic Mesa Aftercare', kind: 'aftercare_center', state: 'UT' })
        .returning('id').executeTakeFirstOrThrow()).id;
    });
    afterAll(() => h?.drop());

    it('merges edits to different fields of the same need; refuses the same field with both values', async () => {
      const need = await A.needs.create({ centerId, title: 'Synthetic dorm beds', kind: 'equipment', quantity: 4 });
      const seen = await B.needs.get({ id: need.id });
      await A.needs.update({ id: need.id, version: seen.version, changes: { priority: 'critical' }, base: { priority: 'normal' } });
      // Ben edits another field from the same (now stale) version: both changes survive.
      const merged = await B.needs.update({ id: need.id, version: seen.version, changes: { quantity: 6 }, base: { quantity: 4 } });
      expect(merged.version).toBe(3);
      const now = await A.needs.get({ id: need.id });
      expect([now.priority, now.quantity]).toEqual(['critical', 6]);
      // Ben edits the field Ana changed, from the stale version: CONFLICT with the current row.
      const r = await refusal(B.needs.update({ id: need.id, version: seen.version, changes: { priority: 'low' }, base: { priority: 'normal' } }));
      expect(r.code).toBe('CONFLICT');
      expect(r.conflict?.conflictingFields).toEqual(['priority']);
      expect(r.conflict?.current).toMatchObject({ priority: 'critical', version: 3, quantity: 6 });
      expect((await A.needs.get({ id: need.id })).priority).toBe('critical');
    });

    it('refuses bad input with field details and writes nothing', async () => {
      const [needs, audits] = [await count('aftercare_need'), await count('audit_log')];
      const cases: Array<[() => Promise<unknown>, string, RegExp]> = [
        [() => A.needs.create({ centerId, title: '  ', kind: 'equipment' }), 'title', /title/],
        [() => A.needs.create({ centerId, title: 'Synthetic cots', kind: 'equipment', quantity: -2 }), 'quantity', /at least 1/],
        [() => A.needs.create({ centerId: 999_999, title: 'Synthetic cots', kind: 'equipment' }), 'centerId', /no center/],
        [() => A.needs.create({ centerId, title: 'Synthetic cots', kind: 'equipment', neededBy: '12/31/2026' }), 'neededBy', /2026-12-31/],
        [() => A.needs.create({ centerId, title: 'Synthetic cots', kind: 'basic_needs' }), 'basicNeedType', /basic need/]
      ];
      for (const [call, field, message] of cases) {
        const r = await refusal(call()); // one at a time: a call made up front would reject unobserved
        expect(r.code).toBe('BAD_REQUEST');
        expect(r.fieldErrors?.[field]?.[0]).toMatch(message);
      }
      const need = await A.needs.create({ centerId, title: 'Synthetic lockers', kind: 'equipment' });
      const skip = await refusal(A.needs.move({ id: need.id, version: need.version, to: 'fulfilled' }));
      expect(skip.code).toBe('BAD_REQUEST');
      expect(skip.fieldErrors?.status?.[0]).toMatch(/cannot move from "open" to "fulfilled"/);
      expect(await count('aftercare_need')).toBe(needs + 1);
      expect(await count('audit_log')).toBe(audits + 1);
    });

    it('maps pipeline refusals to clear messages: stage skip, unvetted partner, disbursed above approved', async () => {
      const pending = (await h.db.insertInto('partner').values({ name: 'Synthetic Pending Lab', kind: 'forensic_lab', state: 'UT' }).returning('id').executeTakeFirstOrThrow()).id;
      const req = (await h.db.insertInto('funding_request').values({ partner_id: pending, title: 'Synthetic imager', category: 'lab_equipment', fiscal_year: 2026, requested_cents: 90_000 })
        .returning('id').executeTakeFirstOrThrow()).id;
      const skip = await refusal(A.funding.advance({ id: req, from: 'intake', to: 'approved', amountCents: 50_000 }));
      expect(skip.fieldErrors?.to?.[0]).toMatch(/cannot move from "intake" to "approved"/);
      await A.funding.advance({ id: req, from: 'intake', to: 'vetting' });
      const unvetted = await refusal(A.funding.advance({ id: req, from: 'vetting', to: 'approved', amountCents: 50_000 }));
      expect(unvetted.fieldErrors?.partnerId?.[0]).toMatch(/pending.*only vetted partners/);
      await A.partners.vet({ id: pending, status: 'vetted', note: 'Synthetic: accreditation seen', vettedUntil: new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10) });
      await A.funding.advance({ id: req, from: 'vetting', to: 'approved', amountCents: 50_000, reason: 'Synthetic: no budget in this test' });
      const over = await refusal(A.funding.advance({ id: req, from: 'approved', to: 'disbursed', amountCents: 60_000 }));
      expect(over.fieldErrors?.amountCents?.[0]).toMatch(/cannot exceed the amount approved/);
      const stale = await refusal(B.funding.advance({ id: req, from: 'vetting', to: 'declined', reason: 'Synthetic: out of scope' }));
      expect(stale.code).toBe('CONFLICT');
      expect(stale.conflict?.current).toMatchObject({ stage: 'approved' });
    });

    it('undoes one\'s own last change as a new change, refusing when someone changed the field since', async () => {
      const need = await A.needs.create({ centerId, title: 'Synthetic washers', kind: 'equipment' });
      const v2 = await A.needs.update({ id: need.id, version: need.version, changes: { priority: 'high', title: 'Synthetic washing machines' } });
      const undone = await A.undo.last();
      expect(undone).toMatchObject({ undid: 'needs.update', id: need.id, version: v2.version + 1 });
      const after = await A.needs.get({ id: need.id });
      expect([after.priority, after.title]).toEqual(['normal', 'Synthetic washers']);
      const trail = await h.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(need.id)).orderBy('id').execute();
      expect(trail.map((t) => t.action)).toEqual(['needs.create', 'needs.update', 'needs.undo']);
      await expect(A.undo.last()).rejects.toThrow(/already an undo/);
      // Ana changes the priority, Ben changes it again: Ana's undo would overwrite Ben — refused.
      const v = await A.needs.update({ id: need.id, version: after.version, changes: { priority: 'low' } });
      await B.needs.update({ id: need.id, version: v.version, changes: { priority: 'critical' } });
      expect((await refusal(A.undo.last())).code).toBe('CONFLICT');
      expect((await A.needs.get({ id: need.id })).priority).toBe('critical');
    });

    it('never offers a sign-in (or another change it cannot undo) as the change to undo', async () => {
      const carol = await testUser(h.db, 'coordinator', { divisions: ['mountain'] });
      const C = createCaller({ db: h.db, dbKind: h.kind, user: carol });
      await h.db.insertInto('audit_log').values({ actor_id: carol.id, action: 'auth.signIn', entity: 'app_user', entity_id: carol.id } as never).execute();
      const nothing = await refusal(C.undo.last());
      expect(nothing.code).toBe('NOT_FOUND');
      expect(nothing.message).toMatch(/^Nothing to undo/);
      expect(nothing.message).not.toMatch(/auth|sign/i);
      // An edit, then a comment: undo reverts the edit (the comment is not "a change to undo").
      const need = await C.needs.create({ centerId, title: 'Synthetic kettles', kind: 'equipment' });
      await C.needs.update({ id: need.id, version: need.version, changes: { quantity: 5 } });
      await C.comments.add({ entity: 'need', id: need.id, body: 'Counted twice.' });
      expect(await C.undo.last()).toMatchObject({ undid: 'needs.update', id: need.id });
      expect((await C.needs.get({ id: need.id })).quantity).toBe(1);
    });

    it('adds comments with @mentions of colleagues in the region, announced to the division room', async () => {
      const need = await A.needs.create({ centerId, title: 'Synthetic bus passes', kind: 'basic_needs', basicNeedType: 'transportation' });
      const people = await A.comments.mentionable({ entity: 'need', id: need.id });
      expect(people.map((p) => p.id)).toEqual(expect.arrayContaining([ana.id, ben.id]));
      const outsider = await testUser(h.db, 'coordinator', { divisions: ['pacific'] });
      const bad = await refusal(A.comments.add({ entity: 'need', id: need.id, body: 'Hi @Someone', mentions: [outsider.id] }));
      expect(bad.fieldErrors?.mentions?.[0]).toMatch(/colleagues who work on this region/);
      const seqBefore = Number((await h.db.selectFrom('change_log').select((eb) => eb.fn.max('seq').as('s')).executeTakeFirstOrThrow()).s ?? 0);
      await A.comments.add({ entity: 'need', id: need.id, body: `@${ben.displayName} can you confirm the count?`, mentions: [ben.id] });
      const comments = await B.comments.list({ entity: 'need', id: need.id });
      expect(comments).toHaveLength(1);
      expect(comments[0]).toMatchObject({ authorId: ana.id, mentions: [ben.id] });
      const logged = await h.db.selectFrom('change_log').selectAll().where('seq', '>', seqBefore).where('entity', '=', 'need_comment').execute();
      expect(logged).toMatchObject([{ topic: 'needs', state: 'UT', op: 'I' }]);
      // Coordinators of another division read, but cannot comment.
      const pacific = createCaller({ db: h.db, dbKind: h.kind, user: outsider });
      expect((await refusal(pacific.comments.add({ entity: 'need', id: need.id, body: 'hello' }))).code).toBe('FORBIDDEN');
    });

    it('lists the division\'s activity: who, what, when, before → after', async () => {
      const need = await A.needs.create({ centerId, title: 'Synthetic heaters', kind: 'equipment' });
      await B.needs.update({ id: need.id, version: need.version, changes: { estimatedCostCents: 12_300 } });
      const feed = await A.activity.list({ division: 'mountain', limit: 5 });
      expect(feed[0]).toMatchObject({
        action: 'needs.update', entityId: String(need.id), actorId: ben.id, actorName: ben.displayName, state: 'UT',
        before: { version: 1, estimated_cost_cents: 0 }, after: { version: 2, estimated_cost_cents: 12_300 }
      });
      expect(await A.activity.list({ division: 'pacific', limit: 5 })).toEqual([]);
    });

    it('names the need and its center in the feed, lists every division without one, and one need\'s history', async () => {
      const need = await A.needs.create({ centerId, title: 'Synthetic lamps', kind: 'equipment' });
      await B.needs.update({ id: need.id, version: need.version, changes: { priority: 'high' } });
      await A.comments.add({ entity: 'need', id: need.id, body: 'Ordered.' });
      const [comment, update] = await A.activity.list({ division: 'mountain', limit: 2 });
      expect(update).toMatchObject({ action: 'needs.update', needTitle: 'Synthetic lamps', centerName: 'Synthetic Mesa Aftercare' });
      expect(comment).toMatchObject({ action: 'comments.add', needTitle: 'Synthetic lamps', centerName: 'Synthetic Mesa Aftercare' });
      const everywhere = await A.activity.list({ limit: 200 });
      expect(everywhere.map((e) => e.id)).toEqual(expect.arrayContaining([comment.id, update.id]));
      expect(everywhere.every((e) => e.state !== null)).toBe(true);
      const history = await A.activity.list({ needId: need.id, limit: 10 });
      expect(history.map((e) => e.action)).toEqual(['needs.update', 'needs.create']);
    });

    it('logs, edits (versioned) and deletes outreach events within the region', async () => {
      const e = await A.outreach.create({ occurredOn: '2026-11-12', state: 'UT', format: 'parent_workshop', audience: 'parents', attendees: 25 });
      const edited = await B.outreach.update({ id: e.id, version: e.version, changes: { attendees: 30 } });
      expect(edited.attendees).toBe(30);
      expect((await refusal(A.outreach.update({ id: e.id, version: e.version, changes: { attendees: 31 } }))).code).toBe('CONFLICT');
      const bad = await refusal(A.outreach.create({ occurredOn: '2026-13-01', state: 'UT', format: 'webinar', audience: 'parents', attendees: -1 }));
      expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(['attendees', 'occurredOn']);
      expect((await refusal(A.outreach.create({ occurredOn: '2026-11-12', state: 'CA', format: 'webinar', audience: 'parents', attendees: 3 }))).code).toBe('FORBIDDEN');
      await A.outreach.delete({ id: e.id, version: edited.version });
      expect(await A.outreach.list({ division: 'mountain' })).toEqual([]);
    });
  });
}
