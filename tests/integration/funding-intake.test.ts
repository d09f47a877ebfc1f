// Funding requests entered in the app (issue 16, item 1): funding.create / funding.update — a vetted
// partner in the actor's region, the category of the program area chosen, in-kind lines and the needs
// answered; refusals in plain words beside their field with nothing written; the audit row with
// before → after and the change_log row that makes it live; edits only in intake or vetting, as a
// compare-and-set on the version.
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
  expect(message).not.toMatch(/cents|Cents|partnerId|needIds|programArea|Expected|Invalid|zod|Required|[a-z]_[a-z]/);
}

for (const target of targets) {
  describe(`funding intake on ${target.name}`, () => {
    let h: TestDb;
    let M: Caller;
    let P: Caller;
    let mountain: SessionUser;
    let vetted: number;
    let pending: number;
    let expired: number;
    let center: number;
    let need: number;
    const count = async (table: 'funding_request' | 'funding_in_kind_line' | 'funding_request_need') =>
      Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const lastSeq = async () => Number((await sql<{ s: number }>`select coalesce(max(seq), 0)::int as s from change_log`.execute(h.db)).rows[0].s);
    const base = () => ({
      partnerId: vetted, title: 'Two detection K9s for the task force', category: 'detection_k9' as const, programArea: 'law_enforcement' as const,
      requestedCents: 2_405_000, purpose: 'Electronic-storage detection dogs for search warrants',
      inKind: [{ item: 'detection_k9' as const, units: 2, unitCostCents: 1_100_000 }, { item: 'training_seat' as const, units: 2, unitCostCents: 102_500 }]
    });

    beforeAll(async () => {
      h = await target.open();
      mountain = await testUser(h.db, 'coordinator', { divisions: ['mountain'] });
      M = createCaller({ db: h.db, dbKind: h.kind, user: mountain });
      P = createCaller({ db: h.db, dbKind: h.kind, user: await testUser(h.db, 'coordinator', { divisions: ['pacific'] }) });
      const partner = (values: { name: string; kind: 'icac_task_force' | 'aftercare_center'; vetting_status: 'vetted' | 'pending'; vetted_until?: string }) =>
        h.db.insertInto('partner').values({ state: 'CO', ...values }).returning('id').executeTakeFirstOrThrow().then((r) => r.id);
      vetted = await partner({ name: 'Synthetic Front Range ICAC', kind: 'icac_task_force', vetting_status: 'vetted' });
      pending = await partner({ name: 'Synthetic Pending Agency', kind: 'icac_task_force', vetting_status: 'pending' });
      expired = await partner({ name: 'Synthetic Lapsed Agency', kind: 'icac_task_force', vetting_status: 'vetted', vetted_until: '2024-01-31' });
      center = await partner({ name: 'Synthetic Aspen House', kind: 'aftercare_center', vetting_status: 'vetted' });
      need = (await h.db.insertInto('aftercare_need').values({ center_id: center, title: 'Synthetic bunk beds', kind: 'equipment', quantity: 6 })
        .returning('id').executeTakeFirstOrThrow()).id;
    });
    afterAll(() => h?.drop());

    it('creates a request at intake with its lines and needs, audited and announced', async () => {
      const seq = await lastSeq();
      const made = await M.funding.create({ ...base(), needIds: [] });
      expect(made.stage).toBe('intake');
      const row = await h.db.selectFrom('funding_request').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ state: 'CO', category: 'detection_k9', requested_cents: 2_405_000, purpose: base().purpose, approved_cents: 0 });
      // Units on the impact tiles: the lines of the item the category funds (2 K9s, not the 2 seats).
      expect(row.units).toBe(2);
      const lines = await h.db.selectFrom('funding_in_kind_line').select(['item', 'units', 'unit_cost_cents']).where('request_id', '=', made.id).orderBy('id').execute();
      expect(lines.map((l) => [l.item, l.units, Number(l.unit_cost_cents)])).toEqual([['detection_k9', 2, 1_100_000], ['training_seat', 2, 102_500]]);
      const audit = await h.db.selectFrom('audit_log').select(['action', 'after', 'state']).where('entity_id', '=', String(made.id)).where('action', '=', 'funding.create').executeTakeFirstOrThrow();
      expect(audit.state).toBe('CO');
      expect(audit.after).toMatchObject({ title: base().title, requestedCents: 2_405_000, partner: 'Synthetic Front Range ICAC' });
      const log = await h.db.selectFrom('change_log').select(['topic', 'entity_id', 'op']).where('seq', '>', seq).where('topic', '=', 'funding').execute();
      expect(log.some((c) => Number(c.entity_id) === made.id && c.op === 'I')).toBe(true);

      const answer = await M.funding.create({ ...base(), partnerId: center, title: 'Bunk beds for Aspen House', category: 'aftercare_equipment', programArea: 'aftercare',
        inKind: [], needIds: [need] });
      expect((await M.funding.get({ id: answer.id })).needs.map((n) => n.id)).toEqual([need]);
    });

    it('refuses, in plain words beside the field, and writes nothing', async () => {
      const before = [await count('funding_request'), await count('funding_in_kind_line'), await count('funding_request_need')];
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [{ partnerId: pending }, 'partnerId', /not vetted yet/],
        [{ partnerId: expired }, 'partnerId', /vetting has expired/],
        [{ programArea: 'aftercare' }, 'category', /law enforcement program area/],
        [{ requestedCents: 0 }, 'requestedCents', /amount requested/],
        [{ purpose: ' ' }, 'purpose', /purpose/],
        [{ needIds: [need] }, 'needIds', /already answered/]
      ];
      for (const [change, field, words] of cases) {
        const r = await refusal(M.funding.create({ ...base(), ...change } as never));
        expect(r.code, JSON.stringify(change)).toBe('BAD_REQUEST');
        expect(r.fieldErrors[field]?.[0], JSON.stringify(change)).toMatch(words);
        expectPlain(r.fieldErrors[field]?.[0]);
      }
      // Another division's coordinator may not enter a request for this partner.
      expect((await refusal(P.funding.create(base()))).code).toBe('FORBIDDEN');
      expect([await count('funding_request'), await count('funding_in_kind_line'), await count('funding_request_need')]).toEqual(before);
    });

    it('edits in intake and vetting only, on the version seen, with before → after', async () => {
      const made = await M.funding.create(base());
      const edited = await M.funding.update({ id: made.id, version: made.version, changes: { requestedCents: 2_500_000, inKind: [{ item: 'detection_k9', units: 3, unitCostCents: 800_000 }] } });
      expect(edited.version).toBeGreaterThan(made.version);
      const got = await M.funding.get({ id: made.id });
      expect([Number(got.requestedCents), got.units, got.inKind.length]).toEqual([2_500_000, 3, 1]);
      const audit = await h.db.selectFrom('audit_log').select(['before', 'after']).where('entity_id', '=', String(made.id)).where('action', '=', 'funding.update').executeTakeFirstOrThrow();
      expect(audit.before).toMatchObject({ requestedCents: 2_405_000 });
      expect(audit.after).toMatchObject({ requestedCents: 2_500_000, inKind: [{ item: 'detection_k9', units: 3, unitCostCents: 800_000 }] });
      // A stale version is a conflict; nothing changes.
      expect((await refusal(M.funding.update({ id: made.id, version: made.version, changes: { title: 'Stale edit' } }))).code).toBe('CONFLICT');
      // Once approved, the request's own fields are settled.
      await M.funding.advance({ id: made.id, from: 'intake', to: 'vetting' });
      await M.funding.advance({ id: made.id, from: 'vetting', to: 'approved', amountCents: 2_500_000, reason: 'No FY budget set yet in this test' });
      const v = (await M.funding.get({ id: made.id })).version;
      const late = await refusal(M.funding.update({ id: made.id, version: v, changes: { title: 'Too late' } }));
      expect(late.message).toMatch(/only in intake or vetting/);
      expect((await M.funding.get({ id: made.id })).title).toBe(base().title);
    });
  });
}
