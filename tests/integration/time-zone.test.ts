// One organisation time zone (BEACON_TIME_ZONE): a payment logged on the evening of March 31 in
// California belongs to March there, daylight saving included, in the rollups and in the datasets;
// changing the zone rebuilds the month rollups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { applyTimeZone, storedTimeZone } from '../../src/lib/server/db/time-zone.js';
import { fundingDataset } from '../../src/lib/server/dashboards/datasets.js';
import { readConfig } from '../../src/lib/server/config.js';

const LA = 'America/Los_Angeles';

for (const target of targets) {
  describe(`organisation time zone on ${target.name}`, () => {
    let h: TestDb;
    let partnerId: number;

    /** A request approved at `approvedAt` and paid (amount stated) at `paidAt`. */
    async function paidRequest(title: string, approvedAt: string, paidAt: string, cents: number) {
      const created = new Date(Date.parse(approvedAt) - 5 * 86_400_000);
      const { id } = await h.db.insertInto('funding_request')
        .values({ partner_id: partnerId, title, category: 'lab_equipment', fiscal_year: 2026, requested_cents: cents, created_at: created, stage_entered_at: created })
        .returning('id').executeTakeFirstOrThrow();
      await h.db.insertInto('funding_stage_event').values({ request_id: id, from_stage: 'intake', to_stage: 'vetting', occurred_at: new Date(Date.parse(approvedAt) - 86_400_000) } as never).execute();
      await h.db.insertInto('funding_stage_event').values({ request_id: id, from_stage: 'vetting', to_stage: 'approved', amount_cents: cents, occurred_at: new Date(approvedAt) } as never).execute();
      await h.db.insertInto('funding_stage_event').values({ request_id: id, from_stage: 'approved', to_stage: 'disbursed', amount_cents: cents, occurred_at: new Date(paidAt) } as never).execute();
    }

    async function paidByMonth() {
      const { rows } = await sql<{ month: string; cents: string }>`
        select to_char(month, 'YYYY-MM') as month, amount_cents::text as cents from rollup_move_month
        where scope = '*' and category = '*' and to_stage = 'disbursed' and moves <> 0 order by month`.execute(h.db);
      return Object.fromEntries(rows.map((r) => [r.month, Number(r.cents)]));
    }

    beforeAll(async () => {
      h = await target.open();
      ({ id: partnerId } = await h.db.insertInto('partner')
        .values({ name: 'Synthetic Lab (demo)', kind: 'forensic_lab', state: 'CA', vetting_status: 'vetted', created_at: new Date('2025-01-01T00:00:00Z') } as never)
        .returning('id').executeTakeFirstOrThrow());
      expect(await applyTimeZone(h.db, LA)).toBe(true);
      // 23:30 on March 31 in Los Angeles (PDT, UTC−7) is 06:30 on April 1 in UTC.
      await paidRequest('Paid on the evening of March 31', '2026-03-20T18:00:00Z', '2026-04-01T06:30:00Z', 100_000);
      // 23:30 on March 8, 2026 — the day clocks spring forward — is 06:30 UTC on March 9.
      await paidRequest('Paid on the DST switch day', '2026-03-02T18:00:00Z', '2026-03-09T06:30:00Z', 20_000);
      // 23:30 on October 31 (still PDT) is 06:30 UTC on November 1; clocks fall back that night.
      await paidRequest('Paid on Halloween evening', '2026-10-20T18:00:00Z', '2026-11-01T06:30:00Z', 3_000);
      // 00:30 on November 2 in Los Angeles (PST, UTC−8) is 08:30 UTC: November either way.
      await paidRequest('Paid after the switch back', '2026-10-21T18:00:00Z', '2026-11-02T08:30:00Z', 400);
    });
    afterAll(() => h.drop());

    it('stores the zone once; the same zone again changes nothing', async () => {
      expect(await storedTimeZone(h.db)).toBe(LA);
      expect(await applyTimeZone(h.db, LA)).toBe(false);
    });

    it('buckets each payment in the month of its local day, across both daylight-saving switches', async () => {
      expect(await paidByMonth()).toEqual({ '2026-03': 120_000, '2026-10': 3_000, '2026-11': 400 });
    });

    it('the funding dataset agrees: March 31 evening is in March, and in a March 31 day range', async () => {
      const march = await fundingDataset(h.db, { from: '2026-03-31', to: '2026-03-31' }, { fiscalYearStartMonth: 1, timeZone: LA });
      expect(march.throughput.reduce((s, t) => s + t.disbursedCents, 0)).toBe(100_000);
      const april = await fundingDataset(h.db, { from: '2026-04-01', to: '2026-04-30' }, { fiscalYearStartMonth: 1, timeZone: LA });
      expect(april.throughput.reduce((s, t) => s + t.disbursedCents, 0)).toBe(0);
      const dstDay = await fundingDataset(h.db, { from: '2026-03-08', to: '2026-03-08' }, { fiscalYearStartMonth: 1, timeZone: LA });
      expect(dstDay.throughput.reduce((s, t) => s + t.disbursedCents, 0)).toBe(20_000);
      expect(march.timeZone).toBe(LA);
    });

    it('changing the zone rebuilds the month rollups (UTC puts the evening payments in the next month)', async () => {
      expect(await applyTimeZone(h.db, 'UTC')).toBe(true);
      expect(await paidByMonth()).toEqual({ '2026-03': 20_000, '2026-04': 100_000, '2026-11': 3_400 });
      await applyTimeZone(h.db, LA);
      expect(await paidByMonth()).toEqual({ '2026-03': 120_000, '2026-10': 3_000, '2026-11': 400 });
    });

    it('a payment written after a change is bucketed in the new zone, and moves back with the zone', async () => {
      // 23:30 on May 31 in Los Angeles is 06:30 UTC on June 1: June in UTC, May in Los Angeles.
      expect(await applyTimeZone(h.db, 'UTC')).toBe(true);
      await paidRequest('Paid on the evening of May 31', '2026-05-20T18:00:00Z', '2026-06-01T06:30:00Z', 50);
      expect(await paidByMonth()).toEqual({ '2026-03': 20_000, '2026-04': 100_000, '2026-06': 50, '2026-11': 3_400 });
      expect(await applyTimeZone(h.db, LA)).toBe(true);
      await paidRequest('Paid on the evening of April 30', '2026-04-20T18:00:00Z', '2026-05-01T06:30:00Z', 7);
      expect(await paidByMonth()).toEqual({ '2026-03': 120_000, '2026-04': 7, '2026-05': 50, '2026-10': 3_000, '2026-11': 400 });
      const { rows } = await sql<{ tz: string }>`select time_zone as tz from beacon_setting`.execute(h.db);
      expect(rows[0].tz).toBe(LA);
    });

    it('refuses a zone Postgres does not know, and keeps the one it has', async () => {
      await expect(applyTimeZone(h.db, 'Mars/Olympus_Mons')).rejects.toThrow();
      expect(await storedTimeZone(h.db)).toBe(LA);
    });
  });
}

describe('BEACON_TIME_ZONE', () => {
  it('defaults to America/New_York and takes an IANA name', () => {
    expect(readConfig({}).timeZone).toBe('America/New_York');
    expect(readConfig({ BEACON_TIME_ZONE: 'America/Los_Angeles' }).timeZone).toBe('America/Los_Angeles');
  });
  it('refuses anything else with a message naming the variable', () => {
    expect(() => readConfig({ BEACON_TIME_ZONE: 'Pacific Time' })).toThrow(/BEACON_TIME_ZONE must be an IANA time zone/);
  });
});
