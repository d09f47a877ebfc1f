import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { preparedReader } from '../../src/lib/server/db/index.js';
import { overviewDataset } from '../../src/lib/server/dashboards/overview.dataset.js';
import type { DashboardFilterInput } from '../../src/lib/server/dashboards/dashboard.filters.js';

const createCaller = createCallerFactory(appRouter);

// Who may call it is the authorization matrix's business; here a director reads the figures.
const director: SessionUser = { id: 'director', email: 'director@example.org', displayName: 'Director', role: 'leadership', divisions: [], states: [] };

/** A small world with figures known by hand: two states in two divisions, FY2026 (January start). */
async function buildWorld(h: TestDb) {
  const db = h.db;
  const [co, wa] = await db
    .insertInto('partner')
    .values([
      { name: 'Synthetic Front Range ICAC Task Force', kind: 'icac_task_force', state: 'CO', vetting_status: 'vetted' },
      { name: 'Synthetic Cascade Aftercare House', kind: 'aftercare_center', state: 'WA', vetting_status: 'vetted' }
    ])
    .returning('id')
    .execute();
  const at = (d: string) => new Date(`${d}T12:00:00Z`);
  const [k9, hw, care] = await db
    .insertInto('funding_request')
    .values([
      { partner_id: co.id, title: 'Two detection K9s', category: 'detection_k9', fiscal_year: 2026, requested_cents: 3_000_000, units: 2, created_at: at('2026-01-05') },
      { partner_id: co.id, title: 'Forensic workstation', category: 'forensic_hardware', fiscal_year: 2026, requested_cents: 800_000, units: 1, created_at: at('2026-02-01') },
      { partner_id: wa.id, title: 'Beds for the house', category: 'aftercare_equipment', fiscal_year: 2026, requested_cents: 500_000, created_at: at('2026-03-01') }
    ])
    .returning('id')
    .execute();
  const move = (request_id: number, from_stage: string, to_stage: string, day: string, amount_cents?: number) =>
    db.insertInto('funding_stage_event').values({ request_id, from_stage, to_stage, occurred_at: at(day), amount_cents } as never).execute();
  await move(k9.id, 'intake', 'vetting', '2026-01-10');
  await move(k9.id, 'vetting', 'approved', '2026-02-10', 2_500_000);
  await move(k9.id, 'approved', 'disbursed', '2026-03-10', 2_400_000);
  await move(hw.id, 'intake', 'vetting', '2026-02-03');
  await move(care.id, 'intake', 'vetting', '2026-03-02');
  await move(care.id, 'vetting', 'approved', '2026-03-20', 450_000);
  await db.insertInto('budget').values([
    { fiscal_year: 2026, program_area: 'law_enforcement', amount_cents: 10_000_000 },
    { fiscal_year: 2026, program_area: 'aftercare', amount_cents: 5_000_000 }
  ]).execute();
  await db.insertInto('aftercare_need').values([
    { center_id: wa.id, title: 'Emergency housing beds', kind: 'basic_needs', basic_need_type: 'housing', priority: 'critical', estimated_cost_cents: 120_000 },
    { center_id: wa.id, title: 'Van repair', kind: 'equipment', priority: 'high', estimated_cost_cents: 300_000 },
    { center_id: wa.id, title: 'Old roof', kind: 'building', priority: 'critical', status: 'fulfilled', fulfilled_quantity: 1, estimated_cost_cents: 900_000 }
  ]).execute();
  await db.insertInto('survivor_count').values([
    { center_id: wa.id, month: '2026-01-01', served: 14, new_intakes: 3, bed_nights: 300 },
    { center_id: wa.id, month: '2025-12-01', served: 12, new_intakes: 2, bed_nights: 280 }
  ]).execute();
  await db.insertInto('outreach_event').values([
    { occurred_on: '2026-04-02', state: 'CO', format: 'school_assembly', audience: 'students', attendees: 250, follow_up_requests: 3 },
    { occurred_on: '2026-05-02', state: 'WA', format: 'parent_workshop', audience: 'parents', attendees: 40, follow_up_requests: 1 },
    { occurred_on: '2025-11-02', state: 'WA', format: 'webinar', audience: 'educators', attendees: 90 }
  ]).execute();
}

for (const target of targets) {
  describe(`dashboard.overview on ${target.name}`, () => {
    let h: TestDb;
    let caller: ReturnType<typeof createCaller>;

    beforeAll(async () => {
      h = await target.open();
      await buildWorld(h);
      caller = createCaller({ db: h.db, dbKind: h.kind, user: director });
    });
    afterAll(() => h.drop());

    it('returns the KPI figures of the fiscal year from the views', async () => {
      const o = await caller.dashboard.overview({ fiscalYear: 2026 });
      expect(o.period).toMatchObject({ kind: 'fiscalYear', label: 'FY2026', start: '2026-01-01', end: '2027-01-01' });
      expect(o.funding.requests).toBe(3);
      expect(o.funding.requestedCents).toBe(4_300_000);
      expect(o.funding.approvedCents).toBe(2_500_000 + 450_000);
      expect(o.funding.disbursedCents).toBe(2_400_000);
      expect(o.funding.budget).toMatchObject({ budgetCents: 15_000_000, committedCents: 2_950_000, burnPercent: 19.7 });
      expect(o.pipeline.find((s) => s.stage === 'vetting')?.requests).toBe(1);
      expect(o.pipeline.find((s) => s.stage === 'approved')?.requests).toBe(1);
      expect(o.needs.openCritical).toBe(1);
      expect(o.needs.open).toBe(2);
      expect(o.needs.openEstimatedCostCents).toBe(420_000);
      expect(o.needs.oldestCritical.map((n) => n.title)).toEqual(['Emergency housing beds']);
      // One center reported: its figures are withheld (survivor disclosure control), never 14 and 3.
      expect(o.survivors).toMatchObject({ served: 'withheld', newIntakes: 'withheld', reports: 1, centersReporting: 1 });
      expect(o.survivors).not.toHaveProperty('bedNights');
      expect(o.outreach).toMatchObject({ events: 2, peopleReached: 290, followUpRequests: 4 });
      expect(o.impact).toMatchObject({ k9sFunded: 2, officersTrained: 0, forensicDevices: 0, agenciesSupported: 1, centersSupported: 0 });
      expect(o.seq).toBeGreaterThan(0);
    });

    it('filters by division, state and category', async () => {
      const mountain = await caller.dashboard.overview({ fiscalYear: 2026, division: 'mountain' });
      expect(mountain.funding.requestedCents).toBe(3_800_000);
      expect(mountain.needs.open).toBe(0);
      expect(mountain.outreach.peopleReached).toBe(250);
      const wa = await caller.dashboard.overview({ fiscalYear: 2026, state: 'WA' });
      expect(wa.funding.approvedCents).toBe(450_000);
      expect(wa.survivors.served).toBe('withheld');
      const k9 = await caller.dashboard.overview({ fiscalYear: 2026, category: 'detection_k9' });
      expect(k9.funding.requestedCents).toBe(3_000_000);
      expect(k9.funding.budget).toMatchObject({ scope: 'law_enforcement', budgetCents: 10_000_000, committedCents: 2_500_000 });
      const earlier = await caller.dashboard.overview({ fiscalYear: 2025 });
      expect(earlier.funding.requests).toBe(0);
      expect(earlier.survivors).toMatchObject({ served: 'withheld', centersReporting: 1 });
      expect(earlier.outreach.peopleReached).toBe(90);
    });

    it.each([
      [{ fiscalYear: '2026' }, 'fiscalYear'],
      [{ fiscalYear: 1999 }, 'fiscalYear'],
      [{ division: 'atlantis' }, 'division'],
      [{ state: 'XX' }, 'state'],
      [{ category: 'weapons' }, 'category'],
      [{ division: 'pacific', state: 'CO' }, 'state'],
      [{ region: 'CO' }, '']
    ])('refuses bad filters %j with BAD_REQUEST and zod details', async (input, field) => {
      const err = await caller.dashboard.overview(input as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe('BAD_REQUEST');
      const issues = ((err as TRPCError).cause as unknown as { issues: Array<{ path: string[]; code: string }> }).issues;
      expect(issues.length).toBeGreaterThan(0);
      if (field) expect(issues[0].path).toEqual([field]);
      else expect(issues[0].code).toBe('unrecognized_keys');
    });

    // On a server the overview is a named statement planned once per connection (generic plan, its
    // own connections): it must give what the same statement gives run plainly, values and all, and
    // see a write made after it was prepared.
    it('reads the same figures by its prepared statement as by the plain one, and sees later writes', async () => {
      const filters: DashboardFilterInput[] = [{ fiscalYear: 2026 }, { fiscalYear: 2025 }, { fiscalYear: 2026, division: 'pacific' }, { fiscalYear: 2026, state: 'CO' },
        { fiscalYear: 2026, category: 'detection_k9' }, { from: '2026-01-15', to: '2026-03-12' }, { from: '2026-02-01', to: '2026-02-28', division: 'mountain' }];
      expect(Boolean(preparedReader(h.db))).toBe(target.name === 'postgres');
      const opts = { fiscalYearStartMonth: 1, now: new Date('2026-06-01T12:00:00Z') };
      for (let round = 0; round < 2; round++) {
        for (const f of filters) {
          const prepared = await overviewDataset(h.db, f, opts);
          const plain = await h.db.transaction().execute((trx) => overviewDataset(trx, f, opts));
          expect(prepared, JSON.stringify(f)).toEqual(plain);
        }
      }
      const before = await overviewDataset(h.db, { fiscalYear: 2026 }, opts);
      const [hw] = await h.db.selectFrom('funding_request').select('id').where('title', '=', 'Forensic workstation').execute();
      await h.db.insertInto('funding_stage_event').values({ request_id: hw.id, from_stage: 'vetting', to_stage: 'approved', occurred_at: new Date('2026-04-01T12:00:00Z'), amount_cents: 700_000 } as never).execute();
      const after = await overviewDataset(h.db, { fiscalYear: 2026 }, opts);
      expect(after.funding.approvedCents).toBe(before.funding.approvedCents + 700_000);
      expect(after.seq).toBeGreaterThan(before.seq);
    });
  });
}
