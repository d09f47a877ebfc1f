// Alerts: all their SQL. Each kind's condition is computed in the database (beacon_alert_differences,
// migration 2026-12-08-10, written from its definition: see $lib/alert-kinds.ts and docs/figures.md
// "Alerts"), for every enabled rule of the kind at once, optionally only for some rows (the ones a
// committed change touched), and compared there with the open alerts.
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

/**
 * Which rows of a per-row kind to check: null = all; else these ids, and for survivor counts also the
 * centers of some changed count rows.
 */
export interface Subjects {
  ids: number[];
  ofCountRows?: number[];
}

/** Kinds whose conditions are per row (a need, a request, a center): a change to that row re-checks only it. */
export const PER_ROW: ReadonlySet<AlertKind> = new Set(['critical_need_overdue', 'request_stage_too_long', 'report_overdue', 'survivor_counts_missing']);

/** What an evaluation must do: open an alert for a true condition without one, or resolve an open alert whose condition is gone. */
export type Difference =
  | { action: 'fire'; kind: AlertKind; condition: ConditionRow }
  | { action: 'resolve'; kind: AlertKind; alert: OpenAlert };

/**
 * One statement for every kind to re-check (beacon_alert_differences, migration 2026-12-08-10, where
 * each kind's condition is written): it takes the evaluation lock, sets each kind's true conditions
 * against its open alerts and returns only the differences (most committed changes return none).
 * Conditions are of enabled rules only, so an open alert of a rule turned off comes back to be resolved.
 */
export async function differences(db: Db, kinds: ReadonlyArray<{ kind: AlertKind; subjects: Subjects | null }>, clock: ConditionClock, ruleIds: number[] | null): Promise<Difference[]> {
  if (!kinds.length) return [];
  const asked = new Map(kinds.map((k) => [k.kind, k.subjects]));
  const ids = (kind: AlertKind) => asked.get(kind)?.ids ?? null;
  const { rows } = await sql<{
    kind: AlertKind; action: 'fire' | 'resolve'; rule_id: string | number; condition_key: string; subject_id: string | number | null;
    state: string | null; division_code: string | null; figures: ConditionRow['figures'] | null; alert_id: string | number | null; message: string | null;
  }>`select * from beacon_alert_differences(${kinds.map((k) => k.kind)}::text[], ${ids('critical_need_overdue')}::bigint[],
      ${ids('request_stage_too_long')}::bigint[], ${ids('report_overdue')}::bigint[], ${ids('survivor_counts_missing')}::bigint[],
      ${asked.get('survivor_counts_missing')?.ofCountRows ?? []}::bigint[], ${ruleIds}::bigint[], ${clock.now}::timestamptz, ${clock.fiscalYearStartMonth}::int)`.execute(db);
  return rows.map((r) => r.action === 'fire'
    ? { action: 'fire', kind: r.kind, condition: { ruleId: Number(r.rule_id), key: r.condition_key, subjectId: r.subject_id === null ? null : Number(r.subject_id),
      state: r.state?.trim() ?? null, divisionCode: r.division_code, figures: r.figures ?? {} } }
    : { action: 'resolve', kind: r.kind, alert: { id: Number(r.alert_id), ruleId: Number(r.rule_id), key: r.condition_key, state: r.state?.trim() ?? null,
      divisionCode: r.division_code, message: r.message ?? '' } });
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

/**
 * Opens these alerts, each unless one is open for its rule and condition (the partial unique index
 * decides): the ids of those opened, by `ruleId|key`.
 */
export async function openAlerts(tx: Db, alerts: readonly NewAlert[]): Promise<Map<string, number>> {
  if (!alerts.length) return new Map();
  const rows = alerts.map((a) => ({ rule_id: a.ruleId, condition_key: a.key, subject_id: a.subjectId, state: a.state, division_code: a.divisionCode,
    message: a.message, link: a.link, details: a.details }));
  const { rows: opened } = await sql<{ id: string; rule_id: string; condition_key: string }>`
    insert into alert (rule_id, condition_key, subject_id, state, division_code, message, link, details, opened_at)
    select (e.j->>'rule_id')::bigint, e.j->>'condition_key', (e.j->>'subject_id')::bigint, e.j->>'state', e.j->>'division_code',
      e.j->>'message', e.j->>'link', coalesce(e.j->'details', '{}'::jsonb), now()
    from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as e(j, n)
    order by e.n
    on conflict (rule_id, condition_key) where resolved_at is null do nothing
    returning id, rule_id, condition_key`.execute(tx);
  return new Map(opened.map((r) => [`${r.rule_id}|${r.condition_key}`, Number(r.id)]));
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
