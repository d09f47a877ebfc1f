// The four dashboard datasets against independent GROUP BY figures over the base tables (never the
// rollups or views), on the seeded demo data; filters apply; readAllDashboardDatasets is one snapshot.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { seedDatabase } from '../../src/lib/server/seed/seed.service.js';
import { aftercareDataset, fundingDataset, outreachDataset, readAllDashboardDatasets, percentilesOf } from '../../src/lib/server/dashboards/datasets.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import type { Db } from '../../src/lib/server/db/index.js';

const ANCHOR = new Date('2026-06-15T12:00:00Z');
const OPTIONS = { fiscalYearStartMonth: 1, now: ANCHOR };
const director: SessionUser = { id: 'director', email: 'director@example.org', displayName: 'Director', role: 'leadership', divisions: [], states: [] };
const createCaller = createCallerFactory(appRouter);

async function rows<T>(db: Db, query: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await query.execute(db)).rows;
}

for (const target of targets) {
  describe(`dashboard datasets on ${target.name}`, () => {
    let h: TestDb;
    beforeAll(async () => {
      h = await target.open();
      await seedDatabase(h.db, { profile: 'demo', seed: 7, anchor: ANCHOR, fiscalYearStartMonth: 1 });
    }, 240_000);
    afterAll(() => h?.drop());

    it('funding: requests per stage and money disbursed per month equal a GROUP BY of the base tables', async () => {
      const f = await fundingDataset(h.db, { fiscalYear: 2026 }, OPTIONS);
      const expected = await rows<{ stage: string; n: number; cents: number }>(h.db, sql`
        select stage::text, count(*)::int as n, sum(requested_cents)::bigint as cents
        from funding_request where fiscal_year = 2026 group by stage`);
      expect(expected.length).toBeGreaterThan(2);
      for (const s of f.pipelineByStage) {
        const e = expected.find((x) => x.stage === s.stage);
        expect([s.stage, s.requests, s.requestedCents]).toEqual([s.stage, e?.n ?? 0, Number(e?.cents ?? 0)]);
      }
      const months = await rows<{ month: string; cents: number; n: number }>(h.db, sql`
        select to_char(date_trunc('month', occurred_at at time zone 'UTC'), 'YYYY-MM-DD') as month,
          coalesce(sum(amount_cents), 0)::bigint as cents, count(*)::int as n
        from funding_stage_event where to_stage = 'disbursed'
          and occurred_at >= '2026-01-01T00:00:00Z' and occurred_at < '2027-01-01T00:00:00Z' group by 1`);
      expect(months.length).toBeGreaterThan(0);
      expect(f.throughput).toHaveLength(12);
      for (const t of f.throughput) {
        const e = months.find((m) => m.month === t.month);
        expect([t.month, t.disbursedCents, t.disbursedMoves]).toEqual([t.month, Number(e?.cents ?? 0), e?.n ?? 0]);
      }
      const perPartner = await rows<{ name: string; n: number }>(h.db, sql`
        select p.name, count(*)::int as n from funding_stage_event e join funding_request f on f.id = e.request_id
          join partner p on p.id = f.partner_id
        where e.to_stage = 'disbursed' and (e.occurred_at at time zone (select time_zone from beacon_setting))::date between '2026-01-01' and '2026-12-31'
        group by p.id, p.name order by n desc, p.name collate "C" limit 1`);
      expect(f.topPartners[0]).toMatchObject({ name: perPartner[0].name, fundedRequests: perPartner[0].n });
    });

    it('funding: median and p90 time in stage follow the days histogram; stuck requests are the open ones of the period entered long ago', async () => {
      expect(percentilesOf([{ days: 1, moves: 5 }, { days: 3, moves: 4 }, { days: 10, moves: 1 }])).toEqual({ moves: 10, medianDays: 1, p90Days: 3 });
      expect(percentilesOf([])).toEqual({ moves: 0, medianDays: null, p90Days: null });
      const later = new Date(ANCHOR.getTime() + 400 * 86_400_000);
      const f = await fundingDataset(h.db, { fiscalYear: 2026 }, { ...OPTIONS, now: later, stuckAfterDays: 30 });
      const [open] = await rows<{ n: number }>(h.db, sql`
        select count(*)::int as n from funding_request
        where (created_at at time zone (select time_zone from beacon_setting))::date between '2026-01-01' and '2026-12-31'
          and stage in ('intake', 'vetting', 'approved')
          and stage_entered_at < ${new Date(later.getTime() - 30 * 86_400_000)}`);
      expect(open.n).toBeGreaterThan(0);
      expect(f.stuck.count).toBe(open.n);
      expect(f.stuck.oldest.every((r) => r.daysInStage >= 30)).toBe(true);
      const none = await fundingDataset(h.db, { fiscalYear: 2026 }, { ...OPTIONS, now: ANCHOR, stuckAfterDays: 5000 });
      expect(none.stuck.count).toBe(0);
    });

    it('aftercare: open needs by priority equal a GROUP BY; survivor counts are rounded state-months summed, withheld under 3 centers', async () => {
      const a = await aftercareDataset(h.db, { fiscalYear: 2026 }, OPTIONS);
      const expected = await rows<{ priority: string; n: number; cents: number }>(h.db, sql`
        select priority::text, count(*)::int as n, sum(estimated_cost_cents)::bigint as cents from aftercare_need
        where status in ('open', 'in_progress', 'pledged') group by priority`);
      for (const p of a.openByPriority) {
        const e = expected.find((x) => x.priority === p.priority);
        expect([p.priority, p.needs, p.estimatedCostCents]).toEqual([p.priority, e?.n ?? 0, Number(e?.cents ?? 0)]);
      }
      // Survivor figures, recomputed from docs/figures.md ("Survivor counts: disclosure control"):
      // each state-month rounded with offset = HMAC-SHA256(key, "served|ST|YYYY-MM-01")[0..4] mod 5,
      // summed; withheld when fewer than 3 centers reported that month.
      const { key } = await h.db.selectFrom('disclosure_key').select('key').executeTakeFirstOrThrow();
      const offset = (cell: string) => createHmac('sha256', key).update(cell).digest().readUInt32BE(0) % 5;
      const base = await rows<{ month: string; state: string; served: number; centers: number }>(h.db, sql`
        select to_char(month, 'YYYY-MM-DD') as month, state, sum(served)::int as served, count(*)::int as centers from survivor_count
        where month >= '2026-01-01' and month < '2027-01-01' group by month, state`);
      expect(base.length).toBeGreaterThan(0);
      for (const s of a.survivorsMonthly) {
        const cells = base.filter((x) => x.month === s.month);
        const centers = cells.reduce((n, c) => n + c.centers, 0);
        const rounded = cells.reduce((n, c) => n + 5 * Math.ceil((c.served - offset(`served|${c.state}|${c.month}`)) / 5), 0);
        expect([s.month, s.served]).toEqual([s.month, centers === 0 ? 0 : centers < 3 ? 'withheld' : rounded]);
      }
      // A small center alone in its state: its months are withheld, never shown.
      const center = await h.db.insertInto('partner').values({ name: 'Synthetic Yukon Shelter', kind: 'aftercare_center', state: 'YT', vetting_status: 'vetted' }).returning('id').executeTakeFirstOrThrow();
      await h.db.deleteFrom('survivor_count').where('center_id', 'in', h.db.selectFrom('partner').select('id').where('state', '=', 'YT')).where('center_id', '<>', center.id).execute();
      await h.db.insertInto('survivor_count').values({ center_id: center.id, month: '2026-02-01', served: 4, new_intakes: 1, bed_nights: 40 }).execute();
      const yt = await aftercareDataset(h.db, { fiscalYear: 2026, state: 'YT' }, OPTIONS);
      const feb = yt.survivorsMonthly.find((m) => m.month === '2026-02-01')!;
      expect(feb).toMatchObject({ served: 'withheld', newIntakes: 'withheld', centersReporting: 1 });
      expect(JSON.stringify(yt)).not.toMatch(/"served":4\b/);
    });

    it('outreach: people reached per month equals a GROUP BY, and a division filter keeps only its states', async () => {
      const all = await outreachDataset(h.db, { fiscalYear: 2026 }, OPTIONS);
      const mountain = await outreachDataset(h.db, { fiscalYear: 2026, division: 'mountain' }, OPTIONS);
      const expected = await rows<{ month: string; people: number; events: number }>(h.db, sql`
        select to_char(date_trunc('month', o.occurred_on), 'YYYY-MM-DD') as month, sum(attendees)::int as people, count(*)::int as events
        from outreach_event o join region r on r.code = o.state
        where o.occurred_on >= '2026-01-01' and o.occurred_on < '2027-01-01' and r.division_code = 'mountain' group by 1`);
      expect(expected.length).toBeGreaterThan(0);
      for (const m of mountain.monthly) {
        const e = expected.find((x) => x.month === m.month);
        expect([m.month, m.peopleReached, m.events]).toEqual([m.month, e?.people ?? 0, e?.events ?? 0]);
      }
      expect(all.totals.peopleReached).toBeGreaterThan(mountain.totals.peopleReached);
      expect(mountain.byDivision.map((d) => d.division)).toEqual(['mountain']);
      const [fmt] = await rows<{ format: string; n: number }>(h.db, sql`
        select format::text, count(*)::int as n from outreach_event where occurred_on >= '2026-01-01' and occurred_on < '2027-01-01'
        group by format order by n desc limit 1`);
      expect(all.byFormat.find((f) => f.format === fmt.format)?.events).toBe(fmt.n);
    });

    it('a date range covers exactly its days: a point per month it touches, requests created and payments made on those days', async () => {
      const r = await outreachDataset(h.db, { from: '2025-11-15', to: '2026-02-03' }, OPTIONS);
      expect(r.monthly.map((m) => m.month)).toEqual(['2025-11-01', '2025-12-01', '2026-01-01', '2026-02-01']);
      expect(r.period).toMatchObject({ kind: 'range', fiscalYear: 2025, fiscalYearTo: 2026 });
      // Outreach events dated on the range's days only (the first and last months are partial).
      const [reached] = await rows<{ n: number }>(h.db, sql`select coalesce(sum(attendees), 0)::int as n from outreach_event
        where occurred_on between '2025-11-15' and '2026-02-03'`);
      expect(r.totals.peopleReached).toBe(reached.n);
      const f = await fundingDataset(h.db, { from: '2025-11-15', to: '2026-02-03' }, OPTIONS);
      // The organisation's calendar day of each moment, as stored for BEACON_TIME_ZONE.
      const [created] = await rows<{ n: number }>(h.db, sql`select count(*)::int as n from funding_request
        where (created_at at time zone (select time_zone from beacon_setting))::date between '2025-11-15' and '2026-02-03'`);
      expect(f.pipelineByStage.reduce((s, p) => s + p.requests, 0)).toBe(created.n);
      const [paid] = await rows<{ cents: number }>(h.db, sql`select coalesce(sum(f.disbursed_cents), 0)::bigint as cents
        from funding_stage_event e join funding_request f on f.id = e.request_id
        where e.to_stage = 'disbursed' and (e.occurred_at at time zone (select time_zone from beacon_setting))::date between '2025-11-15' and '2026-02-03'`);
      expect(f.throughput.reduce((s, t) => s + t.disbursedCents, 0)).toBe(Number(paid.cents));
    });

    it('readAllDashboardDatasets: one seq (the latest change), JSON-safe, equal to the single reads', async () => {
      const all = await readAllDashboardDatasets(h.db, { fiscalYear: 2026, division: 'pacific' }, OPTIONS);
      const [{ seq }] = await rows<{ seq: number }>(h.db, sql`select coalesce(max(seq), 0)::bigint as seq from change_log`);
      expect(all.seq).toBe(Number(seq));
      for (const name of ['overview', 'funding', 'aftercare', 'outreach'] as const) expect(all.datasets[name].seq).toBe(all.seq);
      expect(JSON.parse(JSON.stringify(all))).toEqual(all);
      expect(all.datasets.funding).toEqual(await fundingDataset(h.db, { fiscalYear: 2026, division: 'pacific' }, OPTIONS));
      expect(all.datasets.aftercare).toEqual(await aftercareDataset(h.db, { fiscalYear: 2026, division: 'pacific' }, OPTIONS));
      expect(all.datasets.outreach).toEqual(await outreachDataset(h.db, { fiscalYear: 2026, division: 'pacific' }, OPTIONS));
      expect(all.datasets.overview.filters).toMatchObject({ fiscalYear: 2026, division: 'pacific' });
    });

    it('the procedures validate their filters: unknown keys, a year with a range, half a range', async () => {
      const caller = createCaller({ db: h.db, dbKind: h.kind, user: director });
      const bad = [
        [{ fiscalYear: 2026, colour: 'red' }],
        [{ fiscalYear: 2026, from: '2026-01-01', to: '2026-02-01' }],
        [{ from: '2026-01-01' }],
        [{ from: '2026-03-01', to: '2026-02-01' }],
        [{ from: '2026-02-30', to: '2026-03-01' }],
        [{ division: 'mountain', state: 'WA' }]
      ];
      for (const procedure of [caller.dashboard.funding, caller.dashboard.aftercare, caller.dashboard.outreach]) {
        for (const [input] of bad) {
          const err = await procedure(input as never).catch((e: unknown) => e);
          expect(err, JSON.stringify(input)).toBeInstanceOf(TRPCError);
          expect((err as TRPCError).code).toBe('BAD_REQUEST');
        }
      }
      const ok = await caller.dashboard.aftercare({ fiscalYear: 2026, state: 'WA' });
      expect(ok.filters).toEqual({ fiscalYear: 2026, state: 'WA' });
    });
  });
}
