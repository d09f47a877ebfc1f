// The outreach dashboard (`dashboard.outreach`, docs/figures.md "/dashboard/outreach"): read from the
// views by ONE statement for one dashboard scope. The category filter does not apply. JSON-safe.
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Db } from '../db/index.js';
import { enums } from '../db/schema.js';
import { divisionOf, type RegionCode } from '$lib/regions.js';
import type { DashboardFilterInput } from './dashboard.filters.js';
import { addDays, daysIn, monthsOf } from './dashboard.period.js';
import * as repo from './dashboard.repository.js';
import { latestSeq } from './dashboard.repository.js';
import { outreachByFormatAndAudience, outreachByMonthAndDivision } from './period.repository.js';
import { datasetHeader, provisionalOf, resolveScope, type DashboardScope, type DatasetOptions } from './dashboard.scope.js';

export async function outreachDataset(db: Db, filters: DashboardFilterInput, options: DatasetOptions) {
  return outreachOf(db, resolveScope(filters, options));
}

/** The outreach dashboard for one scope. */
export async function outreachOf(db: Db, scope: DashboardScope) {
  const { months, exact, region } = scope;
  // Goals are set per division: a state filter reads its division's.
  const goalDivision = region.division ?? (region.state ? divisionOf(region.state as RegionCode) : undefined);

  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom(latestSeq(db).as('s')).select('s.seq').as('seq'),
      jsonArrayFrom(outreachByMonthAndDivision(db, exact)).as('reach'),
      jsonArrayFrom(outreachByFormatAndAudience(db, exact)).as('formats'),
      jsonArrayFrom(repo.outreachGoalsOverlapping(db, months, goalDivision)).as('goals')
    ])
    .executeTakeFirstOrThrow();

  const monthList = monthsOf(months);
  const monthsIn = (start: string, end: string) => monthsOf({ start, end }).length;
  // A month only partly in the period gets the share of its days that are.
  const shareInPeriod = (month: string) => {
    const next = addDays(`${month.slice(0, 8)}28`, 4).slice(0, 8) + '01';
    const inside = { start: month > months.start ? month : months.start, end: next < months.end ? next : months.end };
    return daysIn(inside) / daysIn({ start: month, end: next });
  };
  const divisions = [...new Set([...row.reach.map((r) => r.division), ...row.goals.map((g) => g.division)])].sort();
  const totals = (pick: (r: (typeof row.reach)[number]) => number) => (month: string) =>
    row.reach.filter((r) => r.month === month).reduce((s, r) => s + pick(r), 0);
  const people = totals((r) => r.peopleReached);
  const events = totals((r) => r.events);
  const followUps = totals((r) => r.followUpRequests);
  return {
    ...datasetHeader(scope, row.seq ?? 0, await provisionalOf(db, scope)),
    categoryApplies: false,
    /** Goals are set per division: with a state filter, the goal shown is its division's. */
    goalDivision: goalDivision ?? null,
    monthly: monthList.map((month) => {
      // A goal spread evenly over the months of its period.
      const goal = row.goals
        .filter((g) => g.periodStart <= month && month < g.periodEnd)
        .reduce((s, g) => s + (g.peopleGoal / monthsIn(g.periodStart, g.periodEnd)) * shareInPeriod(month), 0);
      return { month, peopleReached: people(month), peopleGoal: Math.round(goal), events: events(month), followUpRequests: followUps(month) };
    }),
    byDivision: divisions.map((division) => ({
      division,
      months: monthList.map((month) => {
        const r = row.reach.find((x) => x.month === month && x.division === division);
        const goal = row.goals
          .filter((g) => g.division === division && g.periodStart <= month && month < g.periodEnd)
          .reduce((s, g) => s + (g.peopleGoal / monthsIn(g.periodStart, g.periodEnd)) * shareInPeriod(month), 0);
        return { month, peopleReached: r?.peopleReached ?? 0, peopleGoal: Math.round(goal) };
      })
    })),
    byFormatAudience: row.formats,
    byFormat: enums.outreach_format.map((format) => ({
      format,
      events: row.formats.filter((f) => f.format === format).reduce((s, f) => s + f.events, 0),
      peopleReached: row.formats.filter((f) => f.format === format).reduce((s, f) => s + f.peopleReached, 0)
    })),
    byAudience: enums.outreach_audience.map((audience) => ({
      audience,
      events: row.formats.filter((f) => f.audience === audience).reduce((s, f) => s + f.events, 0),
      peopleReached: row.formats.filter((f) => f.audience === audience).reduce((s, f) => s + f.peopleReached, 0)
    })),
    goals: row.goals,
    totals: {
      events: monthList.reduce((s, m) => s + events(m), 0),
      peopleReached: monthList.reduce((s, m) => s + people(m), 0),
      followUpRequests: monthList.reduce((s, m) => s + followUps(m), 0)
    }
  };
}


export type OutreachDataset = Awaited<ReturnType<typeof outreachOf>>;
