import { sql } from 'kysely';
import type { Db } from '../db/index.js';

export const MEASURES = {
  served: 'served', newIntakes: 'new_intakes', bedNights: 'bed_nights', exitsToSafeHousing: 'exits_to_safe_housing'
} as const;
export type Measure = keyof typeof MEASURES;

/** Aftercare centers of some states, with their counts for one month (null = not yet reported). */
export async function centersWithMonth(db: Db, states: string[], month: string) {
  return db.selectFrom('partner as p')
    .leftJoin('survivor_count as s', (j) => j.onRef('s.center_id', '=', 'p.id').on('s.month', '=', month))
    .select(['p.id', 'p.name', 'p.state', 'p.city', 'p.vetting_status as vettingStatus', 's.id as countId', 's.served', 's.new_intakes as newIntakes',
      's.bed_nights as bedNights', 's.exits_to_safe_housing as exitsToSafeHousing', 's.reported_at as reportedAt'])
    .where('p.kind', '=', 'aftercare_center').where('p.state', 'in', states)
    // Expected to report: vetted centers that existed by the month's end; and any center that did report.
    .where((w) => w.or([
      w.and([w('p.vetting_status', '=', 'vetted'), w(sql`local_day(p.created_at)`, '<', sql<string>`${month}::date + interval '1 month'`)]),
      w('s.id', 'is not', null)
    ]))
    .orderBy('p.state').orderBy('p.name').orderBy('p.id').execute();
}

/**
 * Per month from `from` to `to` (newest first): how many centers of these states reported, of how many
 * were expected to — the vetted centers that existed by the month's end, and any that reported.
 */
export async function completeness(db: Db, states: string[], from: string, to: string) {
  const { rows } = await sql<{ month: string; reported: number; expected: number }>`
    with months as (select generate_series(${from}::date, ${to}::date, interval '1 month')::date as month)
    select to_char(m.month, 'YYYY-MM') as month,
      (select count(*) from survivor_count s join partner p on p.id = s.center_id
        where s.month = m.month and p.state in (${sql.join(states)}))::int as reported,
      (select count(*) from partner p where p.kind = 'aftercare_center' and p.state in (${sql.join(states)})
        and ((p.vetting_status = 'vetted' and local_day(p.created_at) < m.month + interval '1 month')
          or exists (select 1 from survivor_count s where s.center_id = p.id and s.month = m.month)))::int as expected
    from months m order by m.month desc`.execute(db);
  return rows;
}

export async function findCenter(db: Db, id: number) {
  return db.selectFrom('partner').select(['id', 'name', 'kind', 'state']).where('id', '=', id).executeTakeFirst();
}

export async function lockMonth(tx: Db, centerId: number, month: string) {
  return tx.selectFrom('survivor_count').select(['id', 'served', 'new_intakes as newIntakes', 'bed_nights as bedNights', 'exits_to_safe_housing as exitsToSafeHousing'])
    .where('center_id', '=', centerId).where('month', '=', month).forUpdate().executeTakeFirst();
}

/** The center's median of each measure over its other reported months, and how many months that is. */
export async function medians(tx: Db, centerId: number, exceptMonth: string) {
  const { rows } = await sql<{ months: number; served: number | null; newIntakes: number | null; bedNights: number | null; exitsToSafeHousing: number | null }>`
    select count(*)::int as months,
      percentile_cont(0.5) within group (order by served) as "served",
      percentile_cont(0.5) within group (order by new_intakes) as "newIntakes",
      percentile_cont(0.5) within group (order by bed_nights) as "bedNights",
      percentile_cont(0.5) within group (order by exits_to_safe_housing) as "exitsToSafeHousing"
    from survivor_count where center_id = ${centerId} and month <> ${exceptMonth}::date`.execute(tx);
  return rows[0];
}

export async function upsertMonth(tx: Db, v: { centerId: number; month: string; served: number; newIntakes: number; bedNights: number; exitsToSafeHousing: number }) {
  const values = { served: v.served, new_intakes: v.newIntakes, bed_nights: v.bedNights, exits_to_safe_housing: v.exitsToSafeHousing };
  return tx.insertInto('survivor_count').values({ center_id: v.centerId, month: v.month, ...values })
    .onConflict((oc) => oc.columns(['center_id', 'month']).doUpdateSet({ ...values, reported_at: sql<Date>`now()` }))
    .returning(['id', 'state', 'served', 'new_intakes as newIntakes', 'bed_nights as bedNights', 'exits_to_safe_housing as exitsToSafeHousing'])
    .executeTakeFirstOrThrow();
}

export async function localToday(db: Db): Promise<string> {
  const { rows } = await sql<{ today: string }>`select to_char(local_day(now()), 'YYYY-MM-DD') as today`.execute(db);
  return rows[0].today;
}
