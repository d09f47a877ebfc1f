import { sql } from 'kysely';
import type { Db } from '../db/index.js';

export async function localToday(db: Db): Promise<string> {
  const { rows } = await sql<{ today: string }>`select to_char(local_day(now()), 'YYYY-MM-DD') as today`.execute(db);
  return rows[0].today;
}

export interface ApprovalRow {
  id: number;
  division: string;
  month: string;
  locked: boolean;
  approvedBy: string | null;
  approvedByName: string | null;
  approvedAt: Date;
  reopenedBy: string | null;
  reopenedByName: string | null;
  reopenedAt: Date | null;
  reopenReason: string | null;
}

const approvalColumns = sql`p.id::int as id, p.division_code as division, to_char(p.month, 'YYYY-MM') as month, p.locked,
  p.approved_by as "approvedBy", a.display_name as "approvedByName", p.approved_at as "approvedAt",
  p.reopened_by as "reopenedBy", o.display_name as "reopenedByName", p.reopened_at as "reopenedAt", p.reopen_reason as "reopenReason"`;

/** The sign-offs (and reopenings) of some divisions for months `from`..`to` (first days). */
export async function approvals(db: Db, divisions: string[], from: string, to: string): Promise<ApprovalRow[]> {
  if (!divisions.length) return [];
  const { rows } = await sql<ApprovalRow>`select ${approvalColumns}
    from period_approval p left join app_user a on a.id = p.approved_by left join app_user o on o.id = p.reopened_by
    where p.division_code in (${sql.join(divisions)}) and p.month between ${from}::date and ${to}::date`.execute(db);
  return rows;
}

/** One division-month's row, locked for the transaction (null when it was never signed off). */
export async function lockApproval(tx: Db, division: string, month: string): Promise<ApprovalRow | null> {
  const { rows } = await sql<ApprovalRow>`select ${approvalColumns}
    from period_approval p left join app_user a on a.id = p.approved_by left join app_user o on o.id = p.reopened_by
    where p.division_code = ${division} and p.month = ${month}::date for update of p`.execute(tx);
  return rows[0] ?? null;
}

export async function signOff(tx: Db, division: string, month: string, actorId: string): Promise<number> {
  const { rows } = await sql<{ id: number }>`insert into period_approval (division_code, month, locked, approved_by, approved_at)
    values (${division}, ${month}::date, true, ${actorId}, now())
    on conflict (division_code, month) do update set locked = true, approved_by = excluded.approved_by, approved_at = now()
    returning id::int as id`.execute(tx);
  return rows[0].id;
}

export async function reopen(tx: Db, id: number, actorId: string, reason: string): Promise<void> {
  await sql`update period_approval set locked = false, reopened_by = ${actorId}, reopened_at = now(), reopen_reason = ${reason}
    where id = ${id}`.execute(tx);
}

export interface CenterCompleteness {
  month: string;
  division: string;
  expected: number;
  reported: number;
  missing: string[];
}

/**
 * Per division and month (`from`..`to`, first days): the aftercare centers expected to report (vetted
 * centers that existed by the month's end, and any that reported) and which of them did — the same
 * rule as the survivor counts page.
 */
export async function centerCompleteness(db: Db, divisions: string[], from: string, to: string): Promise<CenterCompleteness[]> {
  if (!divisions.length) return [];
  const { rows } = await sql<CenterCompleteness>`
    with months as (select generate_series(${from}::date, ${to}::date, interval '1 month')::date as month),
    expected as (
      select m.month, r.division_code, p.name,
        exists (select 1 from survivor_count s where s.center_id = p.id and s.month = m.month) as reported,
        p.vetting_status = 'vetted' and local_day(p.created_at) < m.month + interval '1 month' as due
      from months m cross join partner p join region r on r.code = p.state
      where p.kind = 'aftercare_center' and r.division_code in (${sql.join(divisions)}))
    select to_char(month, 'YYYY-MM') as month, division_code as division, count(*)::int as expected,
      (count(*) filter (where reported))::int as reported,
      coalesce(json_agg(name order by name) filter (where not reported), '[]'::json) as missing
    from expected where due or reported group by month, division_code`.execute(db);
  return rows;
}

/** Outreach events per division and month (`from`..`to`, first days). */
export async function outreachCounts(db: Db, divisions: string[], from: string, to: string) {
  if (!divisions.length) return [];
  const { rows } = await sql<{ month: string; division: string; events: number }>`
    select to_char(month_start(o.occurred_on), 'YYYY-MM') as month, r.division_code as division, count(*)::int as events
    from outreach_event o join region r on r.code = o.state
    where r.division_code in (${sql.join(divisions)}) and o.occurred_on >= ${from}::date and o.occurred_on < ${to}::date + interval '1 month'
    group by 1, 2`.execute(db);
  return rows;
}

/** Every locked division-month, as 'division YYYY-MM' (imports check their rows against it). */
export async function lockedPeriods(db: Db): Promise<Set<string>> {
  const { rows } = await sql<{ key: string }>`select division_code || ' ' || to_char(month, 'YYYY-MM') as key from period_approval where locked`.execute(db);
  return new Set(rows.map((r) => r.key));
}

/**
 * The months of `from`..`to` (first days) not signed off for every one of `divisions`, as a JSON array
 * of 'YYYY-MM' (oldest first): a figure whose period and place cover any of them is provisional. An
 * expression, so a dataset reads it in the same statement (the same snapshot) as its figures.
 */
export function provisionalMonthsSql(divisions: readonly string[], from: string, to: string) {
  return sql<string[]>`(select coalesce(json_agg(to_char(m.month, 'YYYY-MM') order by m.month), '[]'::json)
    from generate_series(${from}::date, ${to}::date, interval '1 month') m(month)
    where (select count(*) from period_approval p where p.month = m.month::date and p.locked
      and p.division_code in (${sql.join(divisions)})) < ${divisions.length})`;
}

export async function provisionalMonths(db: Db, divisions: string[], from: string, to: string): Promise<string[]> {
  const { rows } = await sql<{ months: string[] }>`select ${provisionalMonthsSql(divisions, from, to)} as months`.execute(db);
  return rows[0].months;
}
