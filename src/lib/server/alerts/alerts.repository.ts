// Alerts: all their SQL. Each kind's condition is computed here from the base tables, written from
// its definition (see $lib/alert-kinds.ts and docs/figures.md "Alerts"), for every enabled rule of the kind
// at once (one statement per kind, whatever the number of rules), optionally only for some rows
// (the ones a committed change touched). `today` is the organisation's day at the evaluator's clock.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/index.js';
import type { AlertKind } from '../../alert-kinds.js';

/** One true condition of one rule: what the evaluator opens an alert for (when none is open). */
export interface ConditionRow {
  ruleId: number;
  key: string;
  subjectId: number | null;
  state: string | null;
  divisionCode: string | null;
  /** Figures and labels the message is written from (plain numbers, names and days). */
  figures: Record<string, string | number | null>;
}

export interface ConditionClock {
  /** The evaluator's clock. */
  now: Date;
  fiscalYearStartMonth: number;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

type Row = Record<string, unknown> & { rule_id: unknown; subject_id?: unknown; state?: unknown; division_code?: unknown };

function toConditions(rows: Row[], key: (r: Row) => string, figures: (r: Row) => ConditionRow['figures']): ConditionRow[] {
  return rows.map((r) => ({
    ruleId: Number(r.rule_id),
    key: key(r),
    subjectId: num(r.subject_id),
    state: (r.state as string | null | undefined)?.trim() ?? null,
    divisionCode: (r.division_code as string | null | undefined) ?? null,
    figures: figures(r)
  }));
}

/** The rule ids to check (null = every enabled rule of the kind). */
function ruleFilter(ruleIds: number[] | null): RawBuilder<boolean> {
  return ruleIds === null ? sql<boolean>`true` : sql<boolean>`r.id = any(${ruleIds}::bigint[])`;
}

function subjectFilter(column: RawBuilder<unknown>, subjects: number[] | null): RawBuilder<boolean> {
  return subjects === null ? sql<boolean>`true` : sql<boolean>`${column} = any(${subjects}::bigint[])`;
}

/**
 * Budget commitment: per program area, the current fiscal year's committed amount above the rule's
 * share of the area's budget, both as the Budget view (v_budget) has them: committed = the approved
 * amounts of its requests now approved, disbursed or reported; budget = every line, donor-restricted
 * ones included. No budget set: nothing to compare with, no alert.
 */
async function budgetCommitment(db: Db, clock: ConditionClock, ruleIds: number[] | null): Promise<ConditionRow[]> {
  const { rows } = await sql<Row>`
    with today as (select local_day(${clock.now}::timestamptz) as d),
    fy as (select (case when ${clock.fiscalYearStartMonth}::int = 1 then extract(year from d)
                        else extract(year from d + make_interval(months => 13 - ${clock.fiscalYearStartMonth}::int)) end)::int as y from today),
    -- Materialised: the view's aggregate is read once, not once per rule.
    b as materialized (select v.* from v_budget v, fy where v.fiscal_year = fy.y)
    select r.id as rule_id, b.program_area, b.budget_cents, b.committed_cents, b.fiscal_year, r.threshold_percent::float8 as threshold
    from alert_rule r
    join b on r.program_area is null or r.program_area = b.program_area
    where r.kind = 'budget_commitment' and r.enabled and ${ruleFilter(ruleIds)}
      and b.budget_cents > 0 and b.committed_cents * 100 > r.threshold_percent * b.budget_cents
    order by r.id, b.program_area`.execute(db);
  return toConditions(rows, (r) => `budget:${r.fiscal_year}:${r.program_area}`, (r) => ({
    programArea: r.program_area as string, fiscalYear: Number(r.fiscal_year), budgetCents: Number(r.budget_cents),
    committedCents: Number(r.committed_cents), threshold: Number(r.threshold)
  }));
}

/** A critical need not fulfilled or cancelled whose needed-by day passed more than N days ago. */
async function criticalNeedOverdue(db: Db, clock: ConditionClock, ruleIds: number[] | null, subjects: number[] | null): Promise<ConditionRow[]> {
  const { rows } = await sql<Row>`
    select r.id as rule_id, n.id as subject_id, n.state, g.division_code, n.title, p.name as center,
      to_char(n.needed_by, 'YYYY-MM-DD') as needed_by, (local_day(${clock.now}::timestamptz) - n.needed_by) as days_past
    from alert_rule r
    join aftercare_need n on n.priority = 'critical' and n.status in ('open', 'in_progress', 'pledged') and n.needed_by is not null
      and local_day(${clock.now}::timestamptz) - n.needed_by > r.threshold_days
    join region g on g.code = n.state
    join partner p on p.id = n.center_id
    where r.kind = 'critical_need_overdue' and r.enabled and ${ruleFilter(ruleIds)}
      and (r.division_code is null or r.division_code = g.division_code) and ${subjectFilter(sql`n.id`, subjects)}
    order by r.id, n.id`.execute(db);
  return toConditions(rows, (r) => `need:${r.subject_id}`, (r) => ({
    title: r.title as string, center: r.center as string, neededBy: r.needed_by as string, daysPast: Number(r.days_past)
  }));
}

/** A request still in intake, vetting, approved or disbursed more than N days after it entered that stage. */
async function requestStageTooLong(db: Db, clock: ConditionClock, ruleIds: number[] | null, subjects: number[] | null): Promise<ConditionRow[]> {
  const { rows } = await sql<Row>`
    select r.id as rule_id, f.id as subject_id, f.state, g.division_code, f.title, p.name as partner, f.stage::text as stage,
      floor(extract(epoch from (${clock.now}::timestamptz - f.stage_entered_at)) / 86400)::int as days_in_stage
    from alert_rule r
    join funding_request f on f.stage in ('intake', 'vetting', 'approved', 'disbursed')
      and ${clock.now}::timestamptz - f.stage_entered_at > make_interval(days => r.threshold_days)
    join region g on g.code = f.state
    join partner p on p.id = f.partner_id
    where r.kind = 'request_stage_too_long' and r.enabled and ${ruleFilter(ruleIds)}
      and (r.division_code is null or r.division_code = g.division_code) and ${subjectFilter(sql`f.id`, subjects)}
    order by r.id, f.id`.execute(db);
  return toConditions(rows, (r) => `request:${r.subject_id}:${r.stage}`, (r) => ({
    title: r.title as string, partner: r.partner as string, stage: r.stage as string, daysInStage: Number(r.days_in_stage)
  }));
}

/**
 * The latest month whose last day is at least N days ago: each aftercare center expected to report
 * for it (vetted, and existing by the month's end: the survivor-counts page's rule) without a count.
 */
async function survivorCountsMissing(db: Db, clock: ConditionClock, ruleIds: number[] | null, subjects: number[] | null): Promise<ConditionRow[]> {
  const { rows } = await sql<Row>`
    select r.id as rule_id, p.id as subject_id, p.state, g.division_code, p.name as center, to_char(m.month, 'YYYY-MM') as month,
      (local_day(${clock.now}::timestamptz) - (m.month + interval '1 month' - interval '1 day')::date) as days_after
    from alert_rule r
    cross join lateral (select (month_start((local_day(${clock.now}::timestamptz) - r.threshold_days) + 1) - interval '1 month')::date as month) m
    join partner p on p.kind = 'aftercare_center' and p.vetting_status = 'vetted' and local_day(p.created_at) < m.month + interval '1 month'
    join region g on g.code = p.state
    where r.kind = 'survivor_counts_missing' and r.enabled and ${ruleFilter(ruleIds)}
      and (r.division_code is null or r.division_code = g.division_code)
      and not exists (select 1 from survivor_count s where s.center_id = p.id and s.month = m.month) and ${subjectFilter(sql`p.id`, subjects)}
    order by r.id, p.id`.execute(db);
  return toConditions(rows, (r) => `counts:${r.subject_id}:${r.month}`, (r) => ({
    center: r.center as string, month: r.month as string, daysAfter: Number(r.days_after)
  }));
}

/** A disbursed request whose grantee report was due more than N days ago (reported ends it). */
async function reportOverdue(db: Db, clock: ConditionClock, ruleIds: number[] | null, subjects: number[] | null): Promise<ConditionRow[]> {
  const { rows } = await sql<Row>`
    select r.id as rule_id, f.id as subject_id, f.state, g.division_code, f.title, p.name as partner,
      to_char(f.report_due_on, 'YYYY-MM-DD') as due_on, (local_day(${clock.now}::timestamptz) - f.report_due_on) as days_overdue
    from alert_rule r
    join funding_request f on f.stage = 'disbursed' and f.report_due_on is not null
      and local_day(${clock.now}::timestamptz) - f.report_due_on > r.threshold_days
    join region g on g.code = f.state
    join partner p on p.id = f.partner_id
    where r.kind = 'report_overdue' and r.enabled and ${ruleFilter(ruleIds)}
      and (r.division_code is null or r.division_code = g.division_code) and ${subjectFilter(sql`f.id`, subjects)}
    order by r.id, f.id`.execute(db);
  return toConditions(rows, (r) => `report:${r.subject_id}`, (r) => ({
    title: r.title as string, partner: r.partner as string, dueOn: r.due_on as string, daysOverdue: Number(r.days_overdue)
  }));
}

/**
 * Outreach pace: for each goal whose period contains today, the pace = the people goal × the share
 * of the period's days gone (today included); people reached = attendees of the division's events
 * dated from the period's start to today. Behind by more than the rule's share of the pace → alert.
 */
async function outreachPace(db: Db, clock: ConditionClock, ruleIds: number[] | null): Promise<ConditionRow[]> {
  const { rows } = await sql<Row>`
    with today as (select local_day(${clock.now}::timestamptz) as d),
    -- Materialised: each goal's figures are computed once, not once per rule.
    goals as materialized (
      select o.id, o.division_code, o.period_start, o.period_end, o.people_goal,
        o.people_goal::float8 * ((today.d - o.period_start) + 1) / (o.period_end - o.period_start) as pace,
        -- Whole months before this one from the month × state rollup; this month's events to today from the table.
        ((select coalesce(sum(m.attendees), 0) from rollup_outreach_reach m join region x on x.code = m.state
           where x.division_code = o.division_code and m.month >= o.period_start and m.month < month_start(today.d))
         + (select coalesce(sum(e.attendees), 0) from outreach_event e join region x on x.code = e.state
           where x.division_code = o.division_code and e.occurred_on >= greatest(o.period_start, month_start(today.d)) and e.occurred_on <= today.d))::bigint as reached
      from outreach_goal o, today where o.period_start <= today.d and today.d < o.period_end
    )
    select r.id as rule_id, o.id as subject_id, null::text as state, o.division_code, d.name as division,
      to_char(o.period_start, 'YYYY-MM-DD') as period_start, to_char(o.period_end - 1, 'YYYY-MM-DD') as period_last,
      o.people_goal, o.pace, o.reached, r.threshold_percent::float8 as threshold
    from alert_rule r
    join goals o on r.division_code is null or r.division_code = o.division_code
    join division d on d.code = o.division_code
    where r.kind = 'outreach_pace' and r.enabled and ${ruleFilter(ruleIds)}
      and o.pace > 0 and (o.pace - o.reached) * 100 > r.threshold_percent * o.pace
    order by r.id, o.id`.execute(db);
  return toConditions(rows, (r) => `pace:${r.subject_id}`, (r) => ({
    division: r.division as string, periodStart: r.period_start as string, periodLast: r.period_last as string,
    peopleGoal: Number(r.people_goal), pace: Number(r.pace), reached: Number(r.reached), threshold: Number(r.threshold)
  }));
}

/** The true conditions of one kind (only for `subjects` when given: the rows a change touched). */
export async function conditions(db: Db, kind: AlertKind, clock: ConditionClock, ruleIds: number[] | null, subjects: number[] | null): Promise<ConditionRow[]> {
  switch (kind) {
    case 'budget_commitment': return budgetCommitment(db, clock, ruleIds);
    case 'critical_need_overdue': return criticalNeedOverdue(db, clock, ruleIds, subjects);
    case 'request_stage_too_long': return requestStageTooLong(db, clock, ruleIds, subjects);
    case 'survivor_counts_missing': return survivorCountsMissing(db, clock, ruleIds, subjects);
    case 'report_overdue': return reportOverdue(db, clock, ruleIds, subjects);
    case 'outreach_pace': return outreachPace(db, clock, ruleIds);
  }
}

/** Kinds whose conditions are per row (a need, a request, a center): a change to that row re-checks only it. */
export const PER_ROW: ReadonlySet<AlertKind> = new Set(['critical_need_overdue', 'request_stage_too_long', 'report_overdue', 'survivor_counts_missing']);

/** The centers some survivor count rows are for (a changed count re-checks its center only). */
export async function centersOfCounts(db: Db, countIds: number[]): Promise<number[]> {
  if (!countIds.length) return [];
  const rows = await db.selectFrom('survivor_count').select('center_id').distinct().where('id', 'in', countIds).execute();
  return rows.map((r) => Number(r.center_id));
}

/** Each enabled rule's threshold (a share or a number of days), for the sentences of new alerts. */
export async function thresholds(db: Db): Promise<Map<number, number>> {
  const rows = await db.selectFrom('alert_rule').select(['id', 'threshold_percent', 'threshold_days']).execute();
  return new Map(rows.map((r) => [Number(r.id), Number(r.threshold_percent ?? r.threshold_days)]));
}

/** Serialises evaluation across instances (and with this process's own passes): held to commit. */
export async function lockEvaluation(tx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('beacon.alerts.evaluate'))`.execute(tx);
}

export interface OpenAlert {
  id: number;
  ruleId: number;
  key: string;
  state: string | null;
  divisionCode: string | null;
  message: string;
}

/** Open alerts of these kinds (of some rows only, for per-row kinds, when `subjects` is given). */
export async function openAlerts(db: Db, kind: AlertKind, ruleIds: number[] | null, subjects: number[] | null): Promise<OpenAlert[]> {
  let q = db.selectFrom('alert as a').innerJoin('alert_rule as r', 'r.id', 'a.rule_id')
    .select(['a.id', 'a.rule_id as ruleId', 'a.condition_key as key', 'a.state', 'a.division_code as divisionCode', 'a.message'])
    .where('a.resolved_at', 'is', null).where('r.kind', '=', kind);
  if (ruleIds !== null) q = q.where('r.id', 'in', ruleIds.length ? ruleIds : [-1]);
  if (subjects !== null) q = q.where('a.subject_id', 'in', subjects.length ? subjects : [-1]);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), ruleId: Number(r.ruleId), state: r.state?.trim() ?? null }));
}

export interface NewAlert {
  ruleId: number;
  key: string;
  subjectId: number | null;
  state: string | null;
  divisionCode: string | null;
  message: string;
  link: string;
  details: unknown;
}

/** Opens an alert unless one is open for the rule and condition (the partial unique index decides). */
export async function openAlert(tx: Db, a: NewAlert): Promise<number | null> {
  const { rows } = await sql<{ id: string }>`
    insert into alert (rule_id, condition_key, subject_id, state, division_code, message, link, details, opened_at)
    values (${a.ruleId}, ${a.key}, ${a.subjectId}, ${a.state}, ${a.divisionCode}, ${a.message}, ${a.link}, ${JSON.stringify(a.details)}::jsonb, now())
    on conflict (rule_id, condition_key) where resolved_at is null do nothing
    returning id`.execute(tx);
  return rows.length ? Number(rows[0].id) : null;
}

export async function resolveAlerts(tx: Db, alertIds: number[]): Promise<number[]> {
  if (!alertIds.length) return [];
  const rows = await tx.updateTable('alert').set({ resolved_at: sql`greatest(now(), opened_at)` })
    .where('id', 'in', alertIds).where('resolved_at', 'is', null).returning('id').execute();
  return rows.map((r) => Number(r.id));
}

/** Open alerts of disabled rules (a rule turned off closes what it opened). */
export async function openAlertsOfDisabledRules(db: Db): Promise<OpenAlert[]> {
  const rows = await db.selectFrom('alert as a').innerJoin('alert_rule as r', 'r.id', 'a.rule_id')
    .select(['a.id', 'a.rule_id as ruleId', 'a.condition_key as key', 'a.state', 'a.division_code as divisionCode', 'a.message'])
    .where('a.resolved_at', 'is', null).where('r.enabled', '=', false).execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), ruleId: Number(r.ruleId), state: r.state?.trim() ?? null }));
}

/**
 * Who is told of an alert: active leadership and admins always; coordinators whose regions cover
 * its place (its state, or for a division-wide alert any state of the division). Organisation-wide
 * alerts (budgets) reach leadership and admins only.
 */
const IN_SCOPE = (alert: RawBuilder<unknown>) => sql<boolean>`
  u.active and (u.role in ('leadership', 'admin') or (u.role = 'coordinator' and exists (
    select 1 from user_region ur left join region ug on ug.code = ur.state
    where ur.user_id = u.id and (
      (${alert}.state is not null and (ur.state = ${alert}.state or ur.division_code = ${alert}.division_code))
      or (${alert}.state is null and ${alert}.division_code is not null
          and (ur.division_code = ${alert}.division_code or ug.division_code = ${alert}.division_code))))))`;

/** One inbox notification per person in scope of each new alert (the database announces them live). */
export async function notifyAlerts(tx: Db, alertIds: number[]): Promise<number[]> {
  if (!alertIds.length) return [];
  const { rows } = await sql<{ id: string }>`
    insert into notification (user_id, kind, subject_type, subject_id, link, text)
    select u.id, 'alert', 'alert', a.id::text, a.link, 'Alert: ' || a.message
    from alert a join app_user u on ${IN_SCOPE(sql`a`)}
    where a.id = any(${alertIds}::bigint[])
    order by a.id, u.id
    returning id`.execute(tx);
  return rows.map((r) => Number(r.id));
}

/**
 * A resolved alert adds nothing to anyone's inbox, but everyone in its scope is told to look again
 * (their badge and the marked dashboard tile follow): the same beacon_inbox announcement, no row.
 */
export async function announceResolved(tx: Db, alertIds: number[]): Promise<void> {
  if (!alertIds.length) return;
  await sql`
    select pg_notify('beacon_inbox', json_build_object('userId', p.id)::text)
    from (select distinct u.id from alert a join app_user u on ${IN_SCOPE(sql`a`)} where a.id = any(${alertIds}::bigint[])) p`.execute(tx);
}

// ── Rules ──────────────────────────────────────────────────────────────────────────────────────

const RULE_COLUMNS = [
  'r.id', 'r.kind', sql<number | null>`r.threshold_percent::float8`.as('thresholdPercent'), 'r.threshold_days as thresholdDays',
  'r.division_code as divisionCode', 'r.program_area as programArea', 'r.enabled', 'r.created_at as createdAt', 'r.updated_at as updatedAt',
  'u.display_name as createdByName'
] as const;

export async function listRules(db: Db) {
  const rows = await db.selectFrom('alert_rule as r').leftJoin('app_user as u', 'u.id', 'r.created_by').select(RULE_COLUMNS)
    .select((eb) => eb.selectFrom('alert as a').select(eb.fn.countAll<string>().as('n')).whereRef('a.rule_id', '=', 'r.id').where('a.resolved_at', 'is', null).as('openAlerts'))
    .orderBy('r.id').execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), openAlerts: Number(r.openAlerts ?? 0) }));
}

export async function findRule(db: Db, id: number) {
  return db.selectFrom('alert_rule').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export interface RuleValues {
  kind: AlertKind;
  threshold_percent: number | null;
  threshold_days: number | null;
  division_code: string | null;
  program_area: 'law_enforcement' | 'forensic_labs' | 'aftercare' | 'education' | null;
  enabled: boolean;
}

export async function insertRule(tx: Db, v: RuleValues, createdBy: string) {
  const row = await tx.insertInto('alert_rule').values({ ...v, created_by: createdBy }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function updateRule(tx: Db, id: number, v: RuleValues) {
  await tx.updateTable('alert_rule').set({ ...v, updated_at: sql`now()` }).where('id', '=', id).execute();
}

// ── Alerts for people ──────────────────────────────────────────────────────────────────────────

export interface AlertScope {
  /** null = every alert (leadership, admin). */
  states: string[] | null;
  divisions: string[] | null;
}

/** Open alerts and those resolved in the last `recentDays`, newest first, within the caller's scope. */
export async function listAlerts(db: Db, scope: AlertScope, opts: { recentDays: number; limit: number }) {
  let q = db.selectFrom('alert as a').innerJoin('alert_rule as r', 'r.id', 'a.rule_id')
    .select(['a.id', 'a.rule_id as ruleId', 'r.kind', 'a.condition_key as key', 'a.state', 'a.division_code as divisionCode', 'a.message', 'a.link',
      'a.details', 'a.opened_at as openedAt', 'a.resolved_at as resolvedAt'])
    .where((w) => w.or([w('a.resolved_at', 'is', null), w('a.resolved_at', '>', sql<Date>`now() - make_interval(days => ${opts.recentDays})`)]));
  if (scope.states !== null) {
    const states = scope.states.length ? scope.states : [''];
    const divisions = scope.divisions?.length ? scope.divisions : [''];
    q = q.where((w) => w.or([
      w('a.state', 'in', states),
      w.and([w('a.state', 'is', null), w('a.division_code', 'in', divisions)])
    ]));
  }
  const rows = await q.orderBy(sql`a.resolved_at is null`, 'desc').orderBy('a.opened_at', 'desc').orderBy('a.id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), ruleId: Number(r.ruleId), state: r.state?.trim() ?? null }));
}
