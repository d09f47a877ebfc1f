// The benchmark compares dashboard.overview with a naive GROUP BY over base tables; this test keeps
// that comparison honest: on seeded demo data both give the same figures, for several filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targets, type TestDb } from '../helpers/db.js';
import { seedDatabase } from '../../src/lib/server/seed/seed.service.js';
import { overviewDataset as dashboardOverview } from '../../src/lib/server/dashboards/overview.dataset.js';
import { naiveOverview } from '../../bench/naive-overview.js';
import type { DashboardFilterInput } from '../../src/lib/server/dashboards/dashboard.filters.js';

const anchor = new Date('2026-11-28T00:00:00Z');

for (const target of targets) {
  describe(`overview equals the naive GROUP BY on ${target.name}`, () => {
    let h: TestDb;
    beforeAll(async () => {
      h = await target.open();
      await seedDatabase(h.db, { profile: 'demo', seed: 7, anchor, fiscalYearStartMonth: 1 });
    }, 180_000);
    afterAll(() => h.drop());

    const cases: DashboardFilterInput[] = [
      { fiscalYear: 2026 },
      { fiscalYear: 2025, division: 'mountain' },
      { fiscalYear: 2026, state: 'CA', category: 'detection_k9' },
      { fiscalYear: 2024, category: 'survivor_basic_needs' }
    ];

    it.each(cases)('%j', async (filters) => {
      const o = await dashboardOverview(h.db, filters, { fiscalYearStartMonth: 1, now: anchor });
      const n = await naiveOverview(h.db, filters, 1, anchor);
      expect(o.funding.requests).toBeGreaterThanOrEqual(0);
      expect({
        requests: o.funding.requests,
        requestedCents: o.funding.requestedCents,
        approvedCents: o.funding.approvedCents,
        disbursedCents: o.funding.disbursedCents,
        budgetCents: o.funding.budget.budgetCents,
        stages: o.pipeline.filter((s) => s.requests > 0).map((s) => ({ stage: s.stage, requests: s.requests, requested: s.requestedCents })),
        byCategory: o.byCategory.map((c) => ({ category: c.category, requested: c.requestedCents, disbursed: c.disbursedCents })),
        openNeeds: o.needs.open,
        openCriticalNeeds: o.needs.openCritical,
        openNeedsCostCents: o.needs.openEstimatedCostCents,
        outreachEvents: o.outreach.events,
        peopleReached: o.outreach.peopleReached,
        followUpRequests: o.outreach.followUpRequests,
        k9sFunded: o.impact.k9sFunded,
        officersTrained: o.impact.officersTrained,
        extractionLicenses: o.impact.extractionLicenses,
        forensicDevices: o.impact.forensicDevices
      }).toEqual({
        requests: n.requests,
        requestedCents: n.requestedCents,
        approvedCents: n.approvedCents,
        disbursedCents: n.disbursedCents,
        budgetCents: n.budgetCents,
        stages: [...n.stages].sort((a, b) => order(a.stage) - order(b.stage)),
        byCategory: n.byCategory,
        openNeeds: n.openNeeds,
        openCriticalNeeds: n.openCriticalNeeds,
        openNeedsCostCents: n.openNeedsCostCents,
        outreachEvents: n.outreachEvents,
        peopleReached: n.peopleReached,
        followUpRequests: n.followUpRequests,
        k9sFunded: n.k9sFunded,
        officersTrained: n.officersTrained,
        extractionLicenses: n.extractionLicenses,
        forensicDevices: n.forensicDevices
      });
      // Survivor figures are published rounded (docs/figures.md, "Survivor counts: disclosure control";
      // tests/integration/disclosure.test.ts): the naive exact sum is only their neighbourhood.
      for (const [published, exact] of [[o.survivors.served, n.survivorsServed], [o.survivors.newIntakes, n.newIntakes]] as const) {
        if (typeof published === 'number') expect(Math.abs(published - exact)).toBeLessThanOrEqual(Math.max(50, exact * 0.05));
        else expect(published).toBe('withheld');
      }
      if (filters.fiscalYear === 2026 && !filters.division && !filters.state) expect(o.funding.requests).toBeGreaterThan(100);
    });
  });
}

const stageOrder = ['intake', 'vetting', 'approved', 'disbursed', 'reported', 'declined', 'withdrawn'];
function order(stage: string) {
  return stageOrder.indexOf(stage);
}
