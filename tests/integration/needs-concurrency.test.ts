// No lost update: 20 concurrent clients × 500 read-modify-write operations on 5 needs, through tRPC
// callers in-process. Every operation is applied or refused with CONFLICT; per need, the applied
// writes' versions are exactly 2..final with one write each; the counter (quantity) equals 1 + the
// number of applied increments. And of two concurrent stage moves from one stage, exactly one wins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createRng, seedFromEnv } from '../helpers/prng.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';

const createCaller = createCallerFactory(appRouter);
const CLIENTS = 20;
const OPS = 500;
const NEEDS = 5;
const MOVE_ROUNDS = 60;
const seed = seedFromEnv(6060);

type Caller = ReturnType<typeof createCaller>;
const conflictOf = (err: unknown) => (err instanceof TRPCError && err.code === 'CONFLICT' ? err : null);

for (const target of targets) {
  describe(`no lost update on ${target.name}`, () => {
    let h: TestDb;
    let users: SessionUser[];
    let callers: Caller[];
    let centerId: number;
    let partnerId: number;

    beforeAll(async () => {
      h = await target.open();
      users = [await testUser(h.db, 'coordinator', { divisions: ['mountain'] }), await testUser(h.db, 'coordinator', { states: ['CO'] })];
      callers = Array.from({ length: CLIENTS }, (_, i) => createCaller({ db: h.db, dbKind: h.kind, user: users[i % users.length] }));
      centerId = (await h.db.insertInto('partner').values({ name: 'Synthetic Rockies Aftercare', kind: 'aftercare_center', state: 'CO', vetting_status: 'vetted' })
        .returning('id').executeTakeFirstOrThrow()).id;
      partnerId = (await h.db.insertInto('partner').values({ name: 'Synthetic Denver Lab', kind: 'forensic_lab', state: 'CO', vetting_status: 'vetted' })
        .returning('id').executeTakeFirstOrThrow()).id;
    }, 60_000);
    afterAll(() => h?.drop());

    it(`${CLIENTS} clients × ${OPS} increments on ${NEEDS} needs: every op applied or CONFLICT, versions gapless`, async () => {
      const ids: number[] = [];
      for (let i = 0; i < NEEDS; i++) {
        ids.push((await callers[0].needs.create({ centerId, title: `Synthetic counter need ${i}`, kind: 'equipment', quantity: 1 })).id);
      }
      const applied = new Map<number, number[]>(ids.map((id) => [id, []]));
      let conflicts = 0;
      const started = performance.now();
      // Each client edits like the board does: from its own copy of the need, refreshed by every
      // answer (the new row when applied, the current row inside a CONFLICT) and, now and then, by
      // re-reading it with needs.get (a reload).
      await Promise.all(
        callers.map(async (caller, c) => {
          const rng = createRng(seed + c);
          const copy = new Map<number, { version: number; quantity: number }>();
          for (let op = 0; op < OPS; op++) {
            const id = rng.pick(ids);
            let seen = copy.get(id);
            if (!seen || rng.chance(0.2)) {
              const fresh = await caller.needs.get({ id });
              seen = { version: fresh.version, quantity: fresh.quantity };
            }
            try {
              const after = await caller.needs.update({ id, version: seen.version, changes: { quantity: seen.quantity + 1 } });
              applied.get(id)!.push(after.version);
              copy.set(id, { version: after.version, quantity: after.quantity as number });
            } catch (err) {
              const conflict = conflictOf(err);
              if (!conflict) throw err;
              conflicts++;
              const data = (conflict.cause as { details?: { conflict?: { current: { version: number; quantity: number }; conflictingFields: string[] } } })
                .details?.conflict;
              expect(data?.conflictingFields).toEqual(['quantity']);
              copy.set(id, { version: data!.current.version, quantity: data!.current.quantity });
            }
          }
        })
      );
      const seconds = (performance.now() - started) / 1000;
      console.info(`[needs-concurrency] ${target.name}: ${CLIENTS * OPS} ops in ${seconds.toFixed(1)} s, ${conflicts} conflicts`);

      let total = 0;
      for (const id of ids) {
        const versions = [...applied.get(id)!].sort((a, b) => a - b);
        total += versions.length;
        const row = await h.db.selectFrom('aftercare_need').select(['version', 'quantity']).where('id', '=', id).executeTakeFirstOrThrow();
        expect(versions).toEqual(Array.from({ length: row.version - 1 }, (_, i) => i + 2));
        expect(row.quantity).toBe(1 + versions.length);
        const audited = await h.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('entity', '=', 'aftercare_need').where('entity_id', '=', String(id)).where('action', '=', 'needs.update').executeTakeFirstOrThrow();
        expect(Number(audited.n)).toBe(versions.length);
      }
      expect(total + conflicts).toBe(CLIENTS * OPS);
      expect(total).toBeGreaterThan(0);
    }, 300_000);

    it('of two concurrent status moves from one version, exactly one wins (many interleavings)', async () => {
      const rng = createRng(seed + 99);
      for (let round = 0; round < MOVE_ROUNDS; round++) {
        const need = await callers[0].needs.create({ centerId, title: `Synthetic move need ${round}`, kind: 'building' });
        const [a, b] = rng.sample(callers, 2);
        const delay = rng.int(0, 2);
        const moves = [
          a.needs.move({ id: need.id, version: need.version, to: 'in_progress' }),
          new Promise((r) => setTimeout(r, delay)).then(() => b.needs.move({ id: need.id, version: need.version, to: 'cancelled' }))
        ];
        const results = await Promise.allSettled(moves);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        const conflict = conflictOf(lost[0].reason);
        expect(conflict).not.toBeNull();
        const row = await h.db.selectFrom('aftercare_need').select(['status', 'version']).where('id', '=', need.id).executeTakeFirstOrThrow();
        expect(row.version).toBe(2);
        expect(row.status).toBe((won[0] as PromiseFulfilledResult<Record<string, unknown>>).value.status);
      }
    }, 120_000);

    it('of two concurrent funding stage advances from one stage, exactly one wins (many interleavings)', async () => {
      const rng = createRng(seed + 7);
      for (let round = 0; round < MOVE_ROUNDS; round++) {
        const req = await h.db.insertInto('funding_request')
          .values({ partner_id: partnerId, title: `Synthetic kit ${round}`, category: 'lab_equipment', fiscal_year: 2026, requested_cents: 50_000 })
          .returning('id').executeTakeFirstOrThrow();
        const [a, b] = rng.sample(callers, 2);
        const delay = rng.int(0, 2);
        const results = await Promise.allSettled([
          a.funding.advance({ id: req.id, from: 'intake', to: 'vetting' }),
          new Promise((r) => setTimeout(r, delay)).then(() => b.funding.advance({ id: req.id, from: 'intake', to: 'withdrawn', reason: 'Synthetic: the agency withdrew' }))
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
        expect(conflictOf(lost.reason)?.message).toMatch(/moved/);
        const events = await h.db.selectFrom('funding_stage_event').select('to_stage').where('request_id', '=', req.id).execute();
        expect(events).toHaveLength(2);
      }
    }, 120_000);
  });
}
