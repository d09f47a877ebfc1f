// Budgets per fiscal year and program area (an unrestricted amount plus donor-restricted lines) and
// outreach goals per division and fiscal year: leadership and admin set them; every write is one
// transaction with its audit row, and the database's change_log triggers announce it to the
// dashboards (budget → overview and funding; outreach goals → outreach).
import type { Db } from '../db/index.js';
import { assertRole, type Role, type SessionUser } from '../auth/access.js';
import { refusing } from '../db/refusals.js';
import { recordAudit } from '../audit/audit.repository.js';
import { fiscalYearRange } from '../fiscal-year.js';
import { divisions } from '../../regions.js';
import * as repo from './budgets.repository.js';
import type { BudgetSetInput, GoalSetInput } from './budgets.schemas.js';

export const PLANNING_ROLES: readonly Role[] = ['leadership', 'admin'];
const PROGRAM_AREAS = ['law_enforcement', 'forensic_labs', 'aftercare', 'education'] as const;
const NOT_YOURS = 'Budgets and goals are set by leadership and admins.';

export interface PlanningOptions {
  fiscalYearStartMonth: number;
}

export async function listBudgets(db: Db, actor: SessionUser, input: { fiscalYear: number }, options: PlanningOptions) {
  assertRole(actor, PLANNING_ROLES, NOT_YOURS);
  const period = fiscalYearRange(input.fiscalYear, options.fiscalYearStartMonth);
  const [lines, summary, goals] = await Promise.all([
    repo.budgetLines(db, input.fiscalYear), repo.budgetSummary(db, input.fiscalYear), repo.goals(db, period.start, period.end)
  ]);
  return {
    fiscalYear: input.fiscalYear,
    period,
    areas: PROGRAM_AREAS.map((area) => {
      const own = lines.filter((l) => l.programArea === area);
      const s = summary.find((x) => x.programArea === area);
      return {
        programArea: area,
        amountCents: own.filter((l) => l.restriction === null).reduce((a, l) => a + l.amountCents, 0),
        restrictions: own.filter((l) => l.restriction !== null).map((l) => ({ restriction: l.restriction!, amountCents: l.amountCents })),
        budgetCents: s?.budgetCents ?? 0,
        committedCents: s?.committedCents ?? 0,
        disbursedCents: s?.disbursedCents ?? 0,
        remainingCents: s?.remainingCents ?? 0,
        set: own.length > 0,
        updatedAt: own.reduce<Date | null>((a, l) => (a === null || l.updatedAt > a ? l.updatedAt : a), null)
      };
    }),
    goals: divisions.map((d) => {
      const g = goals.find((x) => x.division === d.code);
      // `periods` > 1: the year's goal is the sum of shorter goals (e.g. quarters) until one is set for the year.
      return { division: d.code, divisionName: d.name, periods: Number(g?.periods ?? 0), peopleGoal: g?.peopleGoal ?? null, eventsGoal: g?.eventsGoal ?? null,
        peopleReached: g?.peopleReached ?? null, eventsHeld: g?.eventsHeld ?? null };
    })
  };
}

type Lines = Array<{ restriction: string | null; amountCents: number }>;
const described = (lines: Lines) => ({
  amountCents: lines.filter((l) => l.restriction === null).reduce((a, l) => a + l.amountCents, 0),
  restrictions: lines.filter((l) => l.restriction !== null).map((l) => ({ restriction: l.restriction, amountCents: l.amountCents })),
  totalCents: lines.reduce((a, l) => a + l.amountCents, 0)
});

/**
 * Sets a program area's budget for a fiscal year: the unrestricted amount and the donor-restricted
 * lines, replacing what was there (lines not sent are removed). Audited with before → after.
 */
export async function setBudget(db: Db, actor: SessionUser, input: BudgetSetInput) {
  assertRole(actor, PLANNING_ROLES, NOT_YOURS);
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      await repo.lockArea(tx, input.fiscalYear, input.programArea);
      const current = await repo.areaLines(tx, input.fiscalYear, input.programArea);
      const wanted: Lines = [{ restriction: null, amountCents: input.amountCents }, ...input.restrictions];
      const byKey = new Map(current.map((l) => [(l.restriction ?? '').toLowerCase(), l]));
      const kept = new Set<number>();
      for (const w of wanted) {
        const existing = byKey.get((w.restriction ?? '').toLowerCase());
        if (existing && !kept.has(existing.id)) {
          kept.add(existing.id);
          if (existing.amountCents !== w.amountCents || existing.restriction !== w.restriction) {
            await repo.updateLine(tx, existing.id, w.amountCents, w.restriction);
          }
        } else {
          await repo.insertLine(tx, { fiscalYear: input.fiscalYear, programArea: input.programArea, ...w });
        }
      }
      await repo.deleteLines(tx, current.filter((l) => !kept.has(l.id)).map((l) => l.id));
      const before = described(current);
      const after = described(wanted);
      await recordAudit(tx, { actorId: actor.id, action: 'budgets.set', entity: 'budget', entityId: `${input.fiscalYear}:${input.programArea}`,
        before: current.length ? { fiscalYear: input.fiscalYear, programArea: input.programArea, ...before } : null,
        after: { fiscalYear: input.fiscalYear, programArea: input.programArea, ...after } });
      return { fiscalYear: input.fiscalYear, programArea: input.programArea, ...after };
    })
  );
}

/**
 * Sets a division's outreach goal for a fiscal year (people reached, and optionally events held). It
 * replaces the division's shorter goals inside that year (e.g. quarterly ones), so the dashboards
 * never count a month's goal twice; the audit row's before is what they added up to.
 */
export async function setGoal(db: Db, actor: SessionUser, input: GoalSetInput, options: PlanningOptions) {
  assertRole(actor, PLANNING_ROLES, NOT_YOURS);
  const period = fiscalYearRange(input.fiscalYear, options.fiscalYearStartMonth);
  return refusing(() =>
    db.transaction().execute(async (tx) => {
      const current = await repo.lockGoals(tx, input.division, period.start, period.end);
      await repo.deleteGoals(tx, current.filter((g) => g.periodStart !== period.start || g.periodEnd !== period.end).map((g) => g.id));
      const row = await repo.upsertGoal(tx, { division: input.division, periodStart: period.start, periodEnd: period.end, peopleGoal: input.peopleGoal, eventsGoal: input.eventsGoal });
      const sum = (f: 'peopleGoal' | 'eventsGoal') => (current.some((g) => g[f] !== null) ? current.reduce((a, g) => a + (g[f] ?? 0), 0) : null);
      await recordAudit(tx, { actorId: actor.id, action: 'goals.set', entity: 'outreach_goal', entityId: row.id,
        before: current.length ? { division: input.division, fiscalYear: input.fiscalYear, peopleGoal: sum('peopleGoal'), eventsGoal: sum('eventsGoal'), periods: current.length } : null,
        after: { division: input.division, fiscalYear: input.fiscalYear, peopleGoal: row.peopleGoal, eventsGoal: row.eventsGoal } });
      return { id: row.id, division: input.division, fiscalYear: input.fiscalYear, peopleGoal: row.peopleGoal, eventsGoal: row.eventsGoal };
    })
  );
}
