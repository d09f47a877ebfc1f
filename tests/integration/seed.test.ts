import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type RawBuilder } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import type { Db } from '../../src/lib/server/db/index.js';
import { fiscalYearOf } from '../../src/lib/server/fiscal-year.js';
import { hasAnyDomainData, seedDatabase, type SeedSummary } from '../../src/lib/server/seed/seed.service.js';

// A July fiscal year exercises the non-calendar case: FY2026 runs 2025-07-01 .. 2026-06-30.
const ANCHOR = new Date('2026-06-15T12:00:00Z');
const FY_START = 7;
const demo = (seed: number) => ({ profile: 'demo' as const, seed, anchor: ANCHOR, fiscalYearStartMonth: FY_START });

const DOMAIN_TABLES = [
  'partner', 'budget', 'funding_request', 'funding_in_kind_line', 'funding_stage_event', 'aftercare_need', 'survivor_count', 'outreach_event',
  'outreach_goal'
] as const;

/**
 * md5 of every domain row in id order. funding_request.updated_at and funding_stage_event.recorded_at
 * are left out: the database sets them to now() (on every stage move; when an event is written), so
 * they are wall-clock time, not seeded data.
 */
async function contentHash(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of DOMAIN_TABLES) {
    const row = table === 'funding_request' ? sql`to_jsonb(t) - 'updated_at'`
      : table === 'funding_stage_event' ? sql`to_jsonb(t) - 'recorded_at'`
      : sql`to_jsonb(t)`;
    const { rows } = await sql<{ h: string }>`
      select md5(coalesce(string_agg((${row})::text, '|' order by t.id), '')) as h from ${sql.table(table)} t`.execute(db);
    out[table] = rows[0].h;
  }
  return out;
}

async function one<T>(db: Db, query: RawBuilder<T>): Promise<T> {
  return (await query.execute(db)).rows[0];
}

for (const target of targets) {
  describe(`seed generator on ${target.name}`, () => {
    let a: TestDb;
    let b: TestDb;
    let c: TestDb;
    let summary: SeedSummary;
    let emptyBefore: boolean;

    beforeAll(async () => {
      [a, b, c] = [await target.open(), await target.open(), await target.open()];
      emptyBefore = !(await hasAnyDomainData(a.db));
      // Separate databases: on a server the three seeds run side by side.
      [summary] = await Promise.all([seedDatabase(a.db, demo(7)), seedDatabase(b.db, demo(7)), seedDatabase(c.db, demo(8))]);
    }, 600_000);

    afterAll(async () => {
      await Promise.all([a, b, c].filter(Boolean).map((h) => h.drop()));
    });

    it('gives identical data for the same seed and anchor', async () => {
      expect(await contentHash(a.db)).toEqual(await contentHash(b.db));
    });

    it('gives different data for a different seed', async () => {
      const [ha, hc] = [await contentHash(a.db), await contentHash(c.db)];
      for (const table of ['partner', 'funding_request', 'funding_in_kind_line', 'funding_stage_event', 'aftercare_need', 'outreach_event'] as const) {
        expect(hc[table], table).not.toBe(ha[table]);
      }
    });

    it('writes roughly the promised amounts of demo data', () => {
      const n = summary.counts;
      expect(n.partner).toBeGreaterThanOrEqual(380);
      expect(n.partner).toBeLessThanOrEqual(420);
      expect(n.funding_request).toBe(2_500);
      expect(n.funding_stage_event).toBeGreaterThan(2_500 * 3);
      expect(n.aftercare_need).toBeGreaterThanOrEqual(1_100);
      expect(n.aftercare_need).toBeLessThanOrEqual(1_250);
      expect(n.outreach_event).toBe(6_000);
      expect(n.outreach_goal).toBe(3 * 4 * 11);
      expect(n.budget).toBeGreaterThanOrEqual(12);
      expect(n.survivor_count).toBeGreaterThan(1_000);
      expect(emptyBefore).toBe(true);
    });

    it('covers three fiscal years, ending with the anchor\'s', async () => {
      expect(summary.fiscalYears).toEqual([2024, 2025, 2026]);
      const rows = await a.db.selectFrom('funding_request').select(['fiscal_year', 'created_at']).execute();
      expect([...new Set(rows.map((r) => r.fiscal_year))].sort()).toEqual([2024, 2025, 2026]);
      for (const r of rows) expect(r.fiscal_year).toBe(fiscalYearOf(new Date(r.created_at), FY_START));
      const budgetYears = await a.db.selectFrom('budget').select('fiscal_year').distinct().orderBy('fiscal_year').execute();
      expect(budgetYears.map((r) => r.fiscal_year)).toEqual([2024, 2025, 2026]);
      const restricted = await a.db.selectFrom('budget').select('fiscal_year').distinct()
        .where('donor_restriction', 'is not', null).orderBy('fiscal_year').execute();
      expect(restricted.map((r) => r.fiscal_year)).toEqual([2024, 2025, 2026]);
    });

    it('spreads partners over every region, mostly vetted, with every kind', async () => {
      const r = await one(a.db, sql<{ regions: number; kinds: number; vetted: number; total: number }>`
        select count(distinct state)::int as regions, count(distinct kind)::int as kinds,
          count(*) filter (where vetting_status = 'vetted')::int as vetted, count(*)::int as total from partner`);
      expect(r.regions).toBe(64);
      expect(r.kinds).toBe(6);
      expect(r.vetted / r.total).toBeGreaterThan(0.75);
      expect(r.vetted).toBeLessThan(r.total);
    });

    it('gives every funding request a full stage history from intake to its current stage', async () => {
      const r = await one(a.db, sql<{ bad_open: number; gaps: number; backwards: number; mismatched: number; without: number }>`
        with e as (
          select request_id, from_stage, to_stage, occurred_at,
            lag(to_stage) over w as prev_to, lag(occurred_at) over w as prev_at,
            row_number() over w as n, count(*) over (partition by request_id) as total
          from funding_stage_event window w as (partition by request_id order by occurred_at, id)
        )
        select
          count(*) filter (where n = 1 and (from_stage is not null or to_stage <> 'intake'))::int as bad_open,
          count(*) filter (where n > 1 and from_stage is distinct from prev_to)::int as gaps,
          count(*) filter (where n > 1 and occurred_at <= prev_at)::int as backwards,
          (select count(*) from funding_request f join e on e.request_id = f.id and e.n = e.total
            where e.to_stage <> f.stage or e.occurred_at <> f.stage_entered_at)::int as mismatched,
          (select count(*) from funding_request f where not exists (
            select 1 from funding_stage_event x where x.request_id = f.id))::int as without
        from e`);
      expect(r).toEqual({ bad_open: 0, gaps: 0, backwards: 0, mismatched: 0, without: 0 });
    });

    it('finishes older fiscal years and leaves the current one spread over the pipeline', async () => {
      const rows = await a.db.selectFrom('funding_request').select(['fiscal_year', 'stage']).execute();
      const oldest = rows.filter((r) => r.fiscal_year === 2024);
      const settled = oldest.filter((r) => ['reported', 'disbursed', 'declined', 'withdrawn'].includes(r.stage));
      expect(settled.length / oldest.length).toBeGreaterThan(0.95);
      const current = new Set(rows.filter((r) => r.fiscal_year === 2026).map((r) => r.stage));
      for (const stage of ['intake', 'vetting', 'approved', 'disbursed'] as const) expect(current.has(stage), stage).toBe(true);
    });

    it('never writes a timestamp or date after the anchor', async () => {
      const r = await one(a.db, sql<{ latest: Date | string }>`
        select greatest(
          (select max(greatest(created_at, vetted_at, updated_at)) from partner),
          (select max(greatest(created_at, stage_entered_at)) from funding_request),
          (select max(greatest(created_at, delivered_on::timestamptz)) from funding_in_kind_line),
          (select max(occurred_at) from funding_stage_event),
          (select max(greatest(created_at, updated_at)) from budget),
          (select max(greatest(created_at, updated_at, closed_at)) from aftercare_need),
          (select max(greatest(reported_at, month::timestamptz)) from survivor_count),
          (select max(greatest(created_at, updated_at, occurred_on::timestamptz)) from outreach_event)
        ) as latest`);
      expect(new Date(r.latest).getTime()).toBeLessThanOrEqual(ANCHOR.getTime());
    });

    // docs/figures.md: a request's units are the units of its in-kind lines of the item its category
    // pays for; funding.deliver confirms a line only on a paid request, on a day not in the future.
    it('gives item-paying requests in-kind lines matching their units and amounts, delivered only after the first payment', async () => {
      const r = await one(a.db, sql<{ requests: number; without: number; units_off: number; cost_off: number; stray: number; delivered: number; paid_lines: number; unpaid_delivered: number; early: number; late: number; noteless: number }>`
        with item_of(category, item) as (values ('detection_k9'::funding_category, 'detection_k9'), ('forensic_hardware', 'forensic_device'),
            ('extraction_software', 'extraction_license'), ('training_scholarship', 'training_seat'), ('lab_equipment', 'lab_equipment')),
          first_paid as (select request_id, min(occurred_at) as at from funding_stage_event where to_stage = 'disbursed' group by request_id),
          per_request as (
            select f.id, f.units, f.requested_cents,
              (select sum(l.units) from funding_in_kind_line l where l.request_id = f.id and l.item = i.item) as line_units,
              (select sum(l.units * l.unit_cost_cents) from funding_in_kind_line l where l.request_id = f.id) as line_cents
            from funding_request f join item_of i on i.category = f.category)
        select
          (select count(*) from per_request)::int as requests,
          (select count(*) from per_request where line_units is null)::int as without,
          (select count(*) from per_request where line_units is distinct from units)::int as units_off,
          (select count(*) from per_request where abs(line_cents - requested_cents) > 100)::int as cost_off,
          (select count(*) from funding_in_kind_line l join funding_request f on f.id = l.request_id
            where not exists (select 1 from item_of i where i.category = f.category))::int as stray,
          (select count(*) from funding_in_kind_line where delivered_on is not null)::int as delivered,
          (select count(*) from funding_in_kind_line l join first_paid p on p.request_id = l.request_id)::int as paid_lines,
          (select count(*) from funding_in_kind_line l join funding_request f on f.id = l.request_id
            where l.delivered_on is not null and (f.stage not in ('disbursed', 'reported') or not exists (select 1 from first_paid p where p.request_id = f.id)))::int as unpaid_delivered,
          (select count(*) from funding_in_kind_line l join first_paid p on p.request_id = l.request_id
            where l.delivered_on <= (p.at at time zone 'UTC')::date)::int as early,
          (select count(*) from funding_in_kind_line where delivered_on >= ${ANCHOR.toISOString().slice(0, 10)}::date)::int as late,
          (select count(*) from funding_in_kind_line where delivered_on is not null and delivery_note is null)::int as noteless`);
      expect(r.requests).toBeGreaterThan(1_000);
      expect({ without: r.without, units_off: r.units_off, cost_off: r.cost_off, stray: r.stray }).toEqual({ without: 0, units_off: 0, cost_off: 0, stray: 0 });
      expect({ unpaid_delivered: r.unpaid_delivered, early: r.early, late: r.late, noteless: r.noteless }).toEqual({ unpaid_delivered: 0, early: 0, late: 0, noteless: 0 });
      // A realistic share of the paid lines is confirmed delivered (most, not all: some are not due yet).
      expect(r.delivered / r.paid_lines).toBeGreaterThan(0.6);
      expect(r.delivered).toBeLessThan(r.paid_lines);
    });

    it('reports aggregate survivor counts, small ones included, never more intakes than served', async () => {
      const r = await one(a.db, sql<{ small: number; bad: number; months: number }>`
        select count(*) filter (where served between 1 and 10)::int as small,
          count(*) filter (where new_intakes > served)::int as bad, count(distinct month)::int as months
        from survivor_count`);
      expect(r.small).toBeGreaterThan(50);
      expect(r.bad).toBe(0);
      expect(r.months).toBeGreaterThanOrEqual(30);
    });

    it('has open critical needs and mostly closed old ones', async () => {
      const r = await one(a.db, sql<{ open_critical: number; old: number; old_closed: number }>`
        select count(*) filter (where priority = 'critical' and status in ('open', 'in_progress', 'pledged'))::int as open_critical,
          count(*) filter (where created_at < ${ANCHOR.toISOString()}::timestamptz - interval '1 year')::int as old,
          count(*) filter (where created_at < ${ANCHOR.toISOString()}::timestamptz - interval '1 year'
            and status in ('fulfilled', 'cancelled'))::int as old_closed
        from aftercare_need`);
      expect(r.open_critical).toBeGreaterThanOrEqual(5);
      expect(r.old_closed / r.old).toBeGreaterThan(0.8);
    });

    it('obeys the data-entry rules: no fulfilled need without its units, every payment with its amount', async () => {
      const r = await one(a.db, sql<{ fulfilled: number; short: number; payments: number; without: number; over: number }>`
        select (select count(*) from aftercare_need where status = 'fulfilled')::int as fulfilled,
          (select count(*) from aftercare_need where status = 'fulfilled' and fulfilled_quantity <> quantity)::int as short,
          (select count(*) from funding_stage_event where to_stage = 'disbursed')::int as payments,
          (select count(*) from funding_stage_event where to_stage = 'disbursed' and (amount_cents is null or amount_cents <= 0))::int as without,
          (select count(*) from funding_request where disbursed_cents > approved_cents)::int as over`);
      expect(r.fulfilled).toBeGreaterThan(50);
      expect(r.payments).toBeGreaterThan(50);
      expect([r.short, r.without, r.over]).toEqual([0, 0, 0]);
    });

    it('gives every decline and withdrawal its reason, and every paid request its report due date (some overdue at the anchor)', async () => {
      // Overdue as /pipeline lists it: disbursed (no report yet) and due before the anchor day.
      const r = await one(a.db, sql<{ decisions: number; unexplained: number; paid: number; undated: number; early: number; overdue: number; unpaidDated: number }>`
        select (select count(*) from funding_stage_event where to_stage in ('declined', 'withdrawn'))::int as decisions,
          (select count(*) from funding_stage_event where to_stage in ('declined', 'withdrawn') and (reason is null or length(btrim(reason)) < 3))::int as unexplained,
          (select count(*) from funding_request where disbursed_cents > 0)::int as paid,
          (select count(*) from funding_request where disbursed_cents > 0 and report_due_on is null)::int as undated,
          (select count(*) from funding_request f where report_due_on <= (select max(local_day(occurred_at)) from funding_stage_event e
            where e.request_id = f.id and e.to_stage = 'disbursed'))::int as early,
          (select count(*) from funding_request where stage = 'disbursed' and report_due_on < ${summary.anchorDay}::date)::int as overdue,
          (select count(*) from funding_request where disbursed_cents = 0 and report_due_on is not null)::int as "unpaidDated"`);
      expect(r.decisions).toBeGreaterThan(100);
      expect(r.paid).toBeGreaterThan(100);
      expect([r.unexplained, r.undated, r.early, r.unpaidDated]).toEqual([0, 0, 0, 0]);
      expect(r.overdue).toBeGreaterThanOrEqual(3);
    });

    it('leaves the trigger-kept rollups equal to the base tables', async () => {
      const pipeline = await one(a.db, sql<{ diff: number }>`
        select count(*)::int as diff from (
          select fiscal_year, stage, count(*)::bigint, sum(approved_cents)::bigint, sum(disbursed_cents)::bigint
            from funding_request group by 1, 2
          except
          select fiscal_year, stage, sum(request_count)::bigint, sum(approved_cents)::bigint, sum(disbursed_cents)::bigint
            from v_pipeline group by 1, 2
        ) d`);
      const outreach = await one(a.db, sql<{ diff: number }>`
        select count(*)::int as diff from (
          select state, count(*)::bigint, sum(attendees)::bigint from outreach_event group by 1
          except
          select state, sum(event_count)::bigint, sum(attendees)::bigint from v_outreach_monthly group by 1
        ) d`);
      const moves = await one(a.db, sql<{ diff: number }>`
        select count(*)::int as diff from (
          select to_stage, count(*)::bigint from funding_stage_event group by 1
          except
          select to_stage, sum(moves)::bigint from v_stage_throughput group by 1
        ) d`);
      expect({ pipeline: pipeline.diff, outreach: outreach.diff, moves: moves.diff }).toEqual({ pipeline: 0, outreach: 0, moves: 0 });
    });

    it('refuses to seed a database that already has data', async () => {
      expect(await hasAnyDomainData(a.db)).toBe(true);
      await expect(seedDatabase(a.db, demo(7))).rejects.toThrow('database already has data; seed an empty database');
    });

    it('rejects an unknown profile or a bad seed before writing anything', async () => {
      await expect(seedDatabase(a.db, { profile: 'huge' as never })).rejects.toThrow(/unknown seed profile/);
      await expect(seedDatabase(a.db, { profile: 'demo', seed: -1 })).rejects.toThrow(/seed must be an integer/);
    });
  });
}
