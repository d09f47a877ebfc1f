// A disbursement pays the approved amount when it states none (the design: "disbursed never above
// approved"; migration 01 applies it to the request). The figures that count money by period read
// the amount on the event, so the database must store it there — for new events and for the events
// written before the fix — and the rollups must count it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateUpTo, targets, type TestDb } from '../helpers/db.js';

const BEFORE_FIX = '2026-11-28-09-snapshots';
const APPROVED = 1_234_500;

for (const target of targets) {
  describe(`disbursed amounts on ${target.name}`, () => {
    let h: TestDb;
    let partnerId: number;

    async function approvedRequest(title: string) {
      const { id } = await h.db.insertInto('funding_request')
        .values({ partner_id: partnerId, title, category: 'lab_equipment', fiscal_year: 2026, requested_cents: 2_000_000,
          created_at: new Date('2026-01-15T15:00:00Z'), stage_entered_at: new Date('2026-01-15T15:00:00Z') })
        .returning('id').executeTakeFirstOrThrow();
      await h.db.insertInto('funding_stage_event').values({ request_id: id, from_stage: 'intake', to_stage: 'vetting', occurred_at: new Date('2026-02-02T15:00:00Z') } as never).execute();
      await h.db.insertInto('funding_stage_event')
        .values({ request_id: id, from_stage: 'vetting', to_stage: 'approved', amount_cents: APPROVED, occurred_at: new Date('2026-02-10T15:00:00Z') } as never).execute();
      return id;
    }
    const disburseWithoutAmount = (id: number) =>
      h.db.insertInto('funding_stage_event').values({ request_id: id, from_stage: 'approved', to_stage: 'disbursed', occurred_at: new Date('2026-03-03T15:00:00Z') } as never).execute();

    /** Money paid out in March 2026 as the two throughput rollups count it. */
    async function marchDisbursed() {
      const { rows } = await sql<{ legacy: string | null; scoped: string | null }>`
        select (select sum(amount_cents) from rollup_stage_throughput where to_stage = 'disbursed' and month = '2026-03-01') as legacy,
               (select sum(amount_cents) from rollup_throughput_scope where to_stage = 'disbursed' and month = '2026-03-01'
                  and scope = '*' and category = '*') as scoped`.execute(h.db);
      return { legacy: Number(rows[0].legacy ?? 0), scoped: Number(rows[0].scoped ?? 0) };
    }

    beforeAll(async () => {
      h = await target.open(BEFORE_FIX);
      ({ id: partnerId } = await h.db.insertInto('partner')
        .values({ name: 'Synthetic Lab (demo)', kind: 'forensic_lab', state: 'OH', vetting_status: 'vetted' }).returning('id').executeTakeFirstOrThrow());
    });
    afterAll(() => h.drop());

    it('before the fix, a disbursement without an amount pays the approved amount but the rollups count nothing', async () => {
      const id = await approvedRequest('Lab kit paid before the fix');
      await disburseWithoutAmount(id);
      const request = await h.db.selectFrom('funding_request').select('disbursed_cents').where('id', '=', id).executeTakeFirstOrThrow();
      expect(request.disbursed_cents).toBe(APPROVED);
      expect(await marchDisbursed()).toEqual({ legacy: 0, scoped: 0 });
    });

    it('the migration stores the amount on the old event and rebuilds the rollups from the events', async () => {
      await migrateUpTo(h.db);
      const event = await h.db.selectFrom('funding_stage_event').select('amount_cents').where('to_stage', '=', 'disbursed').executeTakeFirstOrThrow();
      expect(event.amount_cents).toBe(APPROVED);
      expect(await marchDisbursed()).toEqual({ legacy: APPROVED, scoped: APPROVED });
    });

    it('a new disbursement without an amount gets the approved amount on its event, and is counted once', async () => {
      const id = await approvedRequest('Lab kit paid after the fix');
      await disburseWithoutAmount(id);
      const event = await h.db.selectFrom('funding_stage_event').select('amount_cents').where('request_id', '=', id).where('to_stage', '=', 'disbursed')
        .executeTakeFirstOrThrow();
      expect(event.amount_cents).toBe(APPROVED);
      expect(await marchDisbursed()).toEqual({ legacy: 2 * APPROVED, scoped: 2 * APPROVED });
    });

    it('a stated amount is kept as given', async () => {
      const id = await approvedRequest('Lab kit paid in part');
      await h.db.insertInto('funding_stage_event')
        .values({ request_id: id, from_stage: 'approved', to_stage: 'disbursed', amount_cents: 1_000_000, occurred_at: new Date('2026-03-04T15:00:00Z') } as never).execute();
      expect(await marchDisbursed()).toEqual({ legacy: 2 * APPROVED + 1_000_000, scoped: 2 * APPROVED + 1_000_000 });
    });
  });
}
