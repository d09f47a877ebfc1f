import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { ProgramArea } from '../db/schema.js';

export async function budgetLines(db: Db, fiscalYear: number) {
  return db.selectFrom('budget').select(['id', 'program_area as programArea', 'donor_restriction as restriction', 'amount_cents as amountCents', 'updated_at as updatedAt'])
    .where('fiscal_year', '=', fiscalYear).orderBy('program_area').orderBy(sql`donor_restriction nulls first`).orderBy('id').execute();
}

export async function budgetSummary(db: Db, fiscalYear: number) {
  return db.selectFrom('v_budget').select(['program_area as programArea', 'budget_cents as budgetCents', 'restricted_cents as restrictedCents',
    'committed_cents as committedCents', 'disbursed_cents as disbursedCents', 'remaining_cents as remainingCents'])
    .where('fiscal_year', '=', fiscalYear).execute();
}

/** One writer per fiscal year and program area at a time (a set replaces the area's lines). */
export async function lockArea(tx: Db, fiscalYear: number, programArea: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${`beacon.budget:${fiscalYear}:${programArea}`}))`.execute(tx);
}

export async function areaLines(tx: Db, fiscalYear: number, programArea: ProgramArea) {
  return tx.selectFrom('budget').select(['id', 'donor_restriction as restriction', 'amount_cents as amountCents'])
    .where('fiscal_year', '=', fiscalYear).where('program_area', '=', programArea).orderBy('id').execute();
}

export async function insertLine(tx: Db, v: { fiscalYear: number; programArea: ProgramArea; restriction: string | null; amountCents: number }) {
  await tx.insertInto('budget').values({ fiscal_year: v.fiscalYear, program_area: v.programArea, donor_restriction: v.restriction, amount_cents: v.amountCents }).execute();
}

export async function updateLine(tx: Db, id: number, amountCents: number, restriction: string | null) {
  await tx.updateTable('budget').set({ amount_cents: amountCents, donor_restriction: restriction, updated_at: sql<Date>`now()` }).where('id', '=', id).execute();
}

export async function deleteLines(tx: Db, ids: number[]) {
  if (ids.length) await tx.deleteFrom('budget').where('id', 'in', ids).execute();
}

/** Each division's goals that lie within a period (a fiscal year, or its quarters), summed. */
export async function goals(db: Db, periodStart: string, periodEnd: string) {
  return db.selectFrom('v_outreach_goal_progress')
    .select((eb) => [
      'division_code as division',
      eb.fn.count<number>('goal_id').as('periods'),
      sql<number>`sum(people_goal)::int`.as('peopleGoal'),
      sql<number | null>`sum(events_goal)::int`.as('eventsGoal'),
      sql<number>`sum(people_reached)::bigint`.as('peopleReached'),
      sql<number>`sum(events_held)::bigint`.as('eventsHeld')
    ])
    .where('period_start', '>=', periodStart).where('period_end', '<=', periodEnd)
    .groupBy('division_code').execute();
}

/** A division's goals within a period, locked for the transaction. */
export async function lockGoals(tx: Db, division: string, periodStart: string, periodEnd: string) {
  return tx.selectFrom('outreach_goal').select(['id', 'period_start as periodStart', 'period_end as periodEnd', 'people_goal as peopleGoal', 'events_goal as eventsGoal'])
    .where('division_code', '=', division).where('period_start', '>=', periodStart).where('period_end', '<=', periodEnd)
    .orderBy('period_start').forUpdate().execute();
}

export async function deleteGoals(tx: Db, ids: number[]) {
  if (ids.length) await tx.deleteFrom('outreach_goal').where('id', 'in', ids).execute();
}

export async function upsertGoal(tx: Db, v: { division: string; periodStart: string; periodEnd: string; peopleGoal: number; eventsGoal: number | null }) {
  return tx.insertInto('outreach_goal')
    .values({ division_code: v.division, period_start: v.periodStart, period_end: v.periodEnd, people_goal: v.peopleGoal, events_goal: v.eventsGoal })
    .onConflict((oc) => oc.columns(['division_code', 'period_start', 'period_end']).doUpdateSet({ people_goal: v.peopleGoal, events_goal: v.eventsGoal }))
    .returning(['id', 'people_goal as peopleGoal', 'events_goal as eventsGoal']).executeTakeFirstOrThrow();
}
