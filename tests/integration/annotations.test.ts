// Chart annotations (issue 21, item 5): refusals in plain words beside their field (nothing
// written), who may write, see and remove which scope, the audit row, the change_log row that makes
// them live, and the snapshot that keeps those of its period and place as they were when made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

async function refusal(call: Promise<unknown>) {
  const err = await call.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TRPCError);
  const e = err as TRPCError;
  const shape = appRouter._def._config.errorFormatter({
    shape: { message: e.message, code: -32600, data: { code: e.code, httpStatus: 400 } } as never,
    error: e, type: 'mutation', path: undefined, input: undefined, ctx: undefined
  }) as unknown as { data: { fieldErrors: Record<string, string[]> | null } };
  return { code: e.code, message: e.message, fieldErrors: shape.data.fieldErrors ?? {} };
}

function expectPlain(message: string | undefined) {
  expect(message).toBeTruthy();
  expect(message).not.toMatch(/Expected|Invalid|zod|Required|String must|division:|state:|scope/);
}

for (const target of targets) {
  describe(`chart annotations on ${target.name}`, () => {
    let h: TestDb;
    let leader: SessionUser;
    let mountain: SessionUser;
    let pacific: SessionUser;
    let L: Caller;
    let M: Caller;
    let P: Caller;
    const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from annotation`.execute(h.db)).rows[0].n);
    const lastSeq = async () => Number((await sql<{ s: number }>`select coalesce(max(seq), 0)::int as s from change_log`.execute(h.db)).rows[0].s);

    beforeAll(async () => {
      h = await target.open();
      leader = await testUser(h.db, 'leadership');
      mountain = await testUser(h.db, 'coordinator', { divisions: ['mountain'] });
      pacific = await testUser(h.db, 'coordinator', { divisions: ['pacific'] });
      L = createCaller({ db: h.db, dbKind: h.kind, user: leader });
      M = createCaller({ db: h.db, dbKind: h.kind, user: mountain });
      P = createCaller({ db: h.db, dbKind: h.kind, user: pacific });
    });
    afterAll(() => h?.drop());

    it('refuses a bad note, day or scope in plain words beside the field, and writes nothing', async () => {
      const before = await count();
      const empty = await refusal(L.annotations.create({ day: '2026-03-10', note: '  ', scope: 'all' }));
      expect(empty.code).toBe('BAD_REQUEST');
      expect(empty.fieldErrors.note?.[0]).toBe('Write the note in at least 3 characters.');
      const long = await refusal(L.annotations.create({ day: '2026-03-10', note: 'x'.repeat(141), scope: 'all' }));
      expect(long.fieldErrors.note?.[0]).toBe('Keep the note to 140 characters or fewer.');
      const day = await refusal(L.annotations.create({ day: '2026-02-30', note: 'Campaign launched', scope: 'all' }));
      expect(day.fieldErrors.day?.[0]).toBe('That day does not exist.');
      const scope = await refusal(L.annotations.create({ day: '2026-03-10', note: 'Campaign launched', scope: 'division:atlantis' }));
      expectPlain(scope.fieldErrors.scope?.[0]);
      const control = await refusal(L.annotations.create({ day: '2026-03-10', note: 'Kit\u0000 delivered', scope: 'all' }));
      expect(control.fieldErrors.note?.[0]).toMatch(/control characters/);
      for (const r of [empty, long, day, scope]) for (const m of Object.values(r.fieldErrors)) expectPlain(m?.[0]);
      expect(await count()).toBe(before);
      // Exactly 140 characters is accepted (the limit is inclusive).
      await L.annotations.create({ day: '2026-03-10', note: 'y'.repeat(140), scope: 'all' });
      expect(await count()).toBe(before + 1);
    });

    it('lets a coordinator annotate their own regions only; leadership anywhere', async () => {
      const everyone = await refusal(M.annotations.create({ day: '2026-04-02', note: 'Campaign launched', scope: 'all' }));
      expect(everyone.code).toBe('FORBIDDEN');
      expectPlain(everyone.fieldErrors.scope?.[0]);
      const other = await refusal(M.annotations.create({ day: '2026-04-02', note: 'Campaign launched', scope: 'division:pacific' }));
      expect(other.code).toBe('FORBIDDEN');
      expect(other.fieldErrors.scope?.[0]).toBe('You can add notes only for your own regions, not for the Pacific division.');
      const otherState = await refusal(M.annotations.create({ day: '2026-04-02', note: 'Campaign launched', scope: 'state:CA' }));
      expect(otherState.fieldErrors.scope?.[0]).toBe('You can add notes only for your own regions, not for California.');
      const own = await M.annotations.create({ day: '2026-04-02', note: 'Forensic kit delivered to the task force', scope: 'division:mountain' });
      expect(own).toMatchObject({ division: 'mountain', state: null, scope: 'Mountain division' });
      const ownState = await M.annotations.create({ day: '2026-04-03', note: 'Denver training held', scope: 'state:CO' });
      expect(ownState).toMatchObject({ division: null, state: 'CO', scope: 'Colorado' });
      await L.annotations.create({ day: '2026-04-04', note: 'Pacific campaign launched', scope: 'division:pacific' });
      await L.annotations.create({ day: '2026-04-05', note: 'Board retreat', scope: 'all' });
      // The board writes nothing (a role refusal, before its input is read).
      const board = createCaller({ db: h.db, dbKind: h.kind, user: await testUser(h.db, 'board') });
      expect((await refusal(board.annotations.create({ day: '2026-04-05', note: 'x', scope: 'all' }))).code).toBe('FORBIDDEN');
    });

    it('lists a period: leadership every one, a coordinator everyone’s and their regions’, a place filter its own', async () => {
      const notes = async (c: Caller, filters: { division?: 'mountain' | 'pacific'; state?: 'CO' | 'CA' } = {}) =>
        (await c.annotations.list({ from: '2026-04-01', to: '2026-04-30', ...filters })).map((a) => a.note);
      expect(await notes(L)).toEqual(['Forensic kit delivered to the task force', 'Denver training held', 'Pacific campaign launched', 'Board retreat']);
      expect(await notes(M)).toEqual(['Forensic kit delivered to the task force', 'Denver training held', 'Board retreat']);
      expect(await notes(P)).toEqual(['Pacific campaign launched', 'Board retreat']);
      expect(await notes(L, { division: 'mountain' })).toEqual(['Forensic kit delivered to the task force', 'Denver training held', 'Board retreat']);
      expect(await notes(L, { state: 'CO' })).toEqual(['Forensic kit delivered to the task force', 'Denver training held', 'Board retreat']);
      expect(await notes(L, { state: 'CA' })).toEqual(['Pacific campaign launched', 'Board retreat']);
      // Days outside the period are left out (both ends included).
      expect((await L.annotations.list({ from: '2026-04-03', to: '2026-04-04' })).map((a) => a.day)).toEqual(['2026-04-03', '2026-04-04']);
      const bad = await refusal(L.annotations.list({ from: '2026-04-30', to: '2026-04-01' }));
      expect(bad.fieldErrors.to?.[0]).toBe('The last day cannot be before the first.');
    });

    it('audits and logs every write to change_log (so it is pushed live), and removes by marking', async () => {
      const seq = await lastSeq();
      const made = await M.annotations.create({ day: '2026-05-01', note: 'Outreach van arrived', scope: 'state:CO' });
      const logged = await h.db.selectFrom('change_log').select(['topic', 'entity', 'entity_id', 'op', 'state']).where('seq', '>', seq).execute();
      expect(logged).toEqual([{ topic: 'annotation', entity: 'annotation', entity_id: made.id, op: 'I', state: 'CO' }]);
      const audit = await h.db.selectFrom('audit_log').select(['actor_id', 'after', 'state']).where('action', '=', 'annotations.create').where('entity_id', '=', String(made.id)).executeTakeFirstOrThrow();
      expect(audit).toEqual({ actor_id: mountain.id, state: 'CO', after: { day: '2026-05-01', note: 'Outreach van arrived', division: null, state: 'CO' } });

      // Another coordinator may not remove it, even one who can see it; its author may.
      const coMate = createCaller({ db: h.db, dbKind: h.kind, user: await testUser(h.db, 'coordinator', { states: ['CO'] }) });
      expect((await coMate.annotations.list({ from: '2026-05-01', to: '2026-05-01' })).map((a) => [a.note, a.canRemove])).toEqual([['Outreach van arrived', false]]);
      const notYours = await refusal(coMate.annotations.remove({ id: made.id }));
      expect(notYours.code).toBe('FORBIDDEN');
      expect(notYours.message).toBe('You can remove only the notes you wrote; ask leadership to remove this one.');
      const seq2 = await lastSeq();
      await M.annotations.remove({ id: made.id });
      expect(await h.db.selectFrom('change_log').select(['topic', 'entity_id', 'op']).where('seq', '>', seq2).execute())
        .toEqual([{ topic: 'annotation', entity_id: made.id, op: 'U' }]);
      expect(await M.annotations.list({ from: '2026-05-01', to: '2026-05-01' })).toEqual([]);
      const gone = await refusal(M.annotations.remove({ id: made.id }));
      expect(gone.code).toBe('NOT_FOUND');
      const removal = await h.db.selectFrom('audit_log').select(['actor_id', 'before', 'after']).where('action', '=', 'annotations.remove').executeTakeFirstOrThrow();
      expect(removal).toMatchObject({ actor_id: mountain.id, after: null, before: { note: 'Outreach van arrived', state: 'CO' } });
      // Leadership removes anyone's.
      const theirs = await P.annotations.create({ day: '2026-05-02', note: 'Pacific kit delivered', scope: 'division:pacific' });
      await L.annotations.remove({ id: theirs.id });
      expect(await L.annotations.list({ from: '2026-05-02', to: '2026-05-02' })).toEqual([]);
    });

    it('the database refuses a note too long or with two scopes, whoever writes (SQL)', async () => {
      const insert = (values: Record<string, unknown>) =>
        h.db.insertInto('annotation').values({ day: '2026-06-01', note: 'Fine note', created_by: leader.id, ...values } as never).execute();
      await expect(insert({ note: 'z'.repeat(141) })).rejects.toMatchObject({ code: '23514' });
      await expect(insert({ division_code: 'mountain', state: 'CO' })).rejects.toMatchObject({ code: '23514' });
      await expect(insert({ note: 'ab' })).rejects.toMatchObject({ code: '23514' });
    });

    it('a snapshot keeps the annotations of its period and place as they were when made', async () => {
      const q1 = { kind: 'fiscal_quarter' as const, fiscalYear: 2027, quarter: 1 };
      // FY2027 Q1 with a January start: 2027-01-01 to 2027-03-31.
      const inside = await L.annotations.create({ day: '2027-01-15', note: 'Campaign launched', scope: 'all' });
      const lastDay = await L.annotations.create({ day: '2027-03-31', note: 'Quarter closed', scope: 'division:mountain' });
      await L.annotations.create({ day: '2027-04-01', note: 'Next quarter begins', scope: 'all' });
      await L.annotations.create({ day: '2027-02-10', note: 'Pacific van', scope: 'division:pacific' });
      const removedLater = await L.annotations.create({ day: '2027-02-01', note: 'Removed after the snapshot', scope: 'all' });
      const removedBefore = await L.annotations.create({ day: '2027-02-02', note: 'Removed before the snapshot', scope: 'all' });
      await L.annotations.remove({ id: removedBefore.id });

      const made = await L.snapshots.create({ title: 'Q1 with notes', period: q1, filters: { division: 'mountain' } });
      await L.annotations.create({ day: '2027-01-20', note: 'Made after the snapshot', scope: 'all' });
      await L.annotations.remove({ id: removedLater.id });

      const snap = await L.snapshots.get({ id: made.id });
      expect(snap.annotations).toEqual([
        { id: inside.id, day: '2027-01-15', note: 'Campaign launched', division: null, state: null },
        { id: removedLater.id, day: '2027-02-01', note: 'Removed after the snapshot', division: null, state: null },
        { id: lastDay.id, day: '2027-03-31', note: 'Quarter closed', division: 'mountain', state: null }
      ]);
      expect(snap.verified).toBe(true);
      // Stored in the hashed data itself, not read again when opened.
      const stored = await h.db.selectFrom('snapshot').select('data').where('id', '=', made.id).executeTakeFirstOrThrow();
      expect((stored.data as { annotations: Array<{ note: string }> }).annotations.map((a) => a.note)).toEqual(['Campaign launched', 'Removed after the snapshot', 'Quarter closed']);
      // An organisation-wide snapshot has every place's.
      const wide = await L.snapshots.get({ id: (await L.snapshots.create({ title: 'Q1 everywhere', period: q1 })).id });
      expect(wide.annotations.map((a) => a.note)).toEqual(['Campaign launched', 'Made after the snapshot', 'Pacific van', 'Quarter closed']);
    });
  });
}
