// Stage events apply per statement: each event is checked against the stage the request had before
// the statement, and one statement may move a request only once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targets, type TestDb } from '../helpers/db.js';

for (const target of targets) {
  describe(`stage moves in one statement on ${target.name}`, () => {
    let h: TestDb;
    let requestIds: number[];
    beforeAll(async () => {
      h = await target.open();
      const p = await h.db.insertInto('partner').values({ name: 'Synthetic Lab (demo)', kind: 'forensic_lab', state: 'OH', vetting_status: 'vetted' }).returning('id').executeTakeFirstOrThrow();
      const rows = await h.db.insertInto('funding_request')
        .values([1, 2, 3].map((i) => ({ partner_id: p.id, title: `Lab kit ${i}`, category: 'lab_equipment' as const, fiscal_year: 2026, requested_cents: 10_000 })))
        .returning('id').execute();
      requestIds = rows.map((r) => r.id);
    });
    afterAll(() => h.drop());

    const stages = async () => (await h.db.selectFrom('funding_request').select(['id', 'stage']).orderBy('id').execute()).map((r) => r.stage);

    it('moves many requests in one INSERT', async () => {
      await h.db.insertInto('funding_stage_event')
        .values(requestIds.map((id) => ({ request_id: id, from_stage: 'intake', to_stage: 'vetting' })) as never)
        .execute();
      expect(await stages()).toEqual(['vetting', 'vetting', 'vetting']);
    });

    it('refuses the same move twice in one INSERT, and writes nothing', async () => {
      const before = await h.db.selectFrom('funding_stage_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const err = await h.db.insertInto('funding_stage_event')
        .values([requestIds[0], requestIds[0]].map((id) => ({ request_id: id, from_stage: 'vetting', to_stage: 'declined', reason: 'Synthetic: out of scope' })) as never)
        .execute()
        .catch((e: { code?: string; message: string }) => e);
      expect(err).toMatchObject({ code: 'BC002', message: expect.stringMatching(/move a funding request only once/) });
      const after = await h.db.selectFrom('funding_stage_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(after.n).toBe(before.n);
      expect(await stages()).toEqual(['vetting', 'vetting', 'vetting']);
    });

    it('refuses a chained second move in the same INSERT (checked against the stage before it)', async () => {
      const err = await h.db.insertInto('funding_stage_event')
        .values([
          { request_id: requestIds[1], from_stage: 'vetting', to_stage: 'declined', reason: 'Synthetic: out of scope' },
          { request_id: requestIds[1], from_stage: 'declined', to_stage: 'withdrawn', reason: 'Synthetic: the agency withdrew' }
        ] as never)
        .execute()
        .catch((e: { code?: string }) => e);
      expect(err).toMatchObject({ code: 'BC001' });
      expect(await stages()).toEqual(['vetting', 'vetting', 'vetting']);
    });
  });
}
