// Alerts: rules leadership sets, and the evaluation that opens one alert per true condition and
// closes it by itself when the condition clears. Evaluation is one transaction that first takes a
// database-wide advisory lock (so of several instances evaluating the same change, one goes first and
// the others then find the alert already open: it fires exactly once; the partial unique index
// alert_one_open is the last line of defence). Every firing and resolution is audited in that same
// transaction, and the people in scope get an inbox notification (live through beacon_inbox), then
// mail after the commit (instant, or in their daily digest) through the one mail module.
import type { Db } from '../db/index.js';
import { assertRole, OPERATIONAL_ROLES, type Role, type SessionUser } from '../auth/access.js';
import { recordAudit, recordAudits, type AuditEntry } from '../audit/audit.repository.js';
import { refusing } from '../db/refusals.js';
import { DomainError } from '../errors.js';
import { mailInstantLater } from '../notifications/notifications.service.js';
import { divisionName, divisionOf, type RegionCode } from '../../regions.js';
import { dollars, PROGRAM_AREA_WORDS } from '../../funding-labels.js';
import { dayLabel, monthLabel } from '../../format.js';
import { ALERT_KINDS, KIND_INFO, ruleSentence, type AlertKind } from '../../alert-kinds.js';
import * as repo from './alerts.repository.js';
import type { ConditionClock, ConditionRow } from './alerts.repository.js';
import type { SetRuleInput } from './alerts.schemas.js';

export const RULE_SETTERS: readonly Role[] = ['leadership', 'admin'];
const NOT_YOURS = 'Alert rules are set by leadership and admins.';

// ── Messages (plain words, figures as people read them) ──────────────────────────────────────────

const days = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'day' : 'days'}`;
const people = (n: number) => `${Math.round(n).toLocaleString('en-US')} ${Math.round(n) === 1 ? 'person' : 'people'}`;
const pct = (n: number) => `${n.toLocaleString('en-US', { maximumFractionDigits: 1 })}%`;
const STAGE_WORDS: Record<string, string> = { intake: 'intake', vetting: 'vetting', approved: 'approved (awaiting payment)', disbursed: 'disbursed (awaiting its report)' };

interface Described {
  message: string;
  link: string;
  details: Record<string, string | number>;
}

function describe(kind: AlertKind, c: ConditionRow, threshold: number): Described {
  const f = c.figures as Record<string, never>;
  const place = c.state ?? '';
  const division = c.divisionCode ?? '';
  switch (kind) {
    case 'budget_commitment': {
      const share = (Number(f.committedCents) / Number(f.budgetCents)) * 100;
      const area = PROGRAM_AREA_WORDS[f.programArea] ?? String(f.programArea);
      return {
        message: `The ${area} budget for FY${f.fiscalYear} is ${pct(Math.floor(share * 10) / 10)} committed: ${dollars(f.committedCents)} of ${dollars(f.budgetCents)}, above the ${pct(threshold)} alert line.`,
        link: '/budgets',
        details: { 'Program area': area, 'Fiscal year': `FY${f.fiscalYear}`, Budget: dollars(f.budgetCents), Committed: dollars(f.committedCents),
          'Share committed': pct(Math.floor(share * 10) / 10), 'Alert line': pct(threshold) }
      };
    }
    case 'critical_need_overdue':
      return {
        message: `Critical need “${f.title}” at ${f.center} (${place}) is ${days(f.daysPast)} past its needed-by date, ${dayLabel(f.neededBy)}.`,
        link: `/needs?division=${division}&need=${c.subjectId}`,
        details: { Need: f.title, Center: f.center, State: place, 'Needed by': dayLabel(f.neededBy), 'Days past': f.daysPast, 'Days of grace': threshold }
      };
    case 'request_stage_too_long':
      return {
        message: `Request “${f.title}” (${f.partner}, ${place}) has been in ${STAGE_WORDS[f.stage] ?? f.stage} for ${days(f.daysInStage)}, longer than the ${threshold}-day alert line.`,
        link: `/pipeline?division=${division}&request=${c.subjectId}`,
        details: { Request: f.title, Partner: f.partner, State: place, Stage: STAGE_WORDS[f.stage] ?? f.stage, 'Days in stage': f.daysInStage, 'Alert line (days)': threshold }
      };
    case 'survivor_counts_missing':
      return {
        message: `${f.center} (${place}) has not reported survivor counts for ${monthLabel(f.month)}, ${days(f.daysAfter)} after the month ended.`,
        link: `/survivor-counts?month=${f.month}`,
        details: { Center: f.center, State: place, Month: monthLabel(f.month), 'Days since the month ended': f.daysAfter, 'Alert after (days)': threshold }
      };
    case 'report_overdue':
      return {
        message: `The grantee report for “${f.title}” (${f.partner}, ${place}) was due ${dayLabel(f.dueOn)} and is ${days(f.daysOverdue)} overdue.`,
        link: `/pipeline?division=${division}&request=${c.subjectId}`,
        details: { Request: f.title, Partner: f.partner, State: place, 'Report due': dayLabel(f.dueOn), 'Days overdue': f.daysOverdue, 'Days of grace': threshold }
      };
    case 'outreach_pace': {
      const behind = ((Number(f.pace) - Number(f.reached)) / Number(f.pace)) * 100;
      return {
        message: `${divisionName(division)} outreach has reached ${people(f.reached)} against a pace of ${people(f.pace)} for its goal of ${people(f.peopleGoal)} (${dayLabel(f.periodStart)} to ${dayLabel(f.periodLast)}): ${pct(Math.floor(behind * 10) / 10)} behind, more than the ${pct(threshold)} alert line.`,
        link: `/dashboard/outreach?division=${division}`,
        details: { Division: divisionName(division), Goal: people(f.peopleGoal), 'Pace to date': people(f.pace), Reached: people(f.reached),
          Behind: pct(Math.floor(behind * 10) / 10), 'Alert line': pct(threshold) }
      };
    }
  }
}

// ── Evaluation ───────────────────────────────────────────────────────────────────────────────────

/**
 * What to re-check: a kind, and for per-row kinds optionally only some rows (null = all);
 * `survivorCountRows`: changed survivor count rows, whose centers are re-checked.
 */
export type EvaluationScope = Partial<Record<AlertKind, number[] | null>> & { survivorCountRows?: number[] };

export interface EvaluationResult {
  fired: number[];
  resolved: number[];
  notifications: number[];
}

export interface EvaluateOptions {
  /** The evaluator's clock (tests move it forward instead of waiting days). */
  now?: Date;
  fiscalYearStartMonth: number;
  /** Which kinds (and rows) to re-check; every kind, every row when absent. */
  scope?: EvaluationScope;
  /** Only these rules (a rule just set). */
  ruleIds?: number[];
  /** Send instant mail after the commit (default true). */
  mail?: boolean;
}

export const EVERYTHING: EvaluationScope = Object.fromEntries(ALERT_KINDS.map((k) => [k, null]));

/**
 * Re-checks the rules of the kinds in scope: opens an alert for each true condition that has none
 * open, resolves each open alert whose condition is no longer true (or whose rule was turned off).
 */
export async function evaluateAlerts(db: Db, options: EvaluateOptions): Promise<EvaluationResult> {
  const clock: ConditionClock = { now: options.now ?? new Date(), fiscalYearStartMonth: options.fiscalYearStartMonth };
  const scope: EvaluationScope = { ...(options.scope ?? EVERYTHING) };
  const ruleIds = options.ruleIds ?? null;
  // A full pass (the timer's, start-up's) or a rule just set also closes what turned-off rules opened.
  const sweep = ruleIds !== null || ALERT_KINDS.every((k) => scope[k] === null);
  // Every kind to re-check, each with the rows to re-check (per-row kinds) or all.
  const countRows = scope.survivor_counts_missing === null ? [] : (scope.survivorCountRows ?? []);
  const kinds = ALERT_KINDS.flatMap((kind) => {
    if (kind === 'survivor_counts_missing' && countRows.length) return [{ kind, subjects: { ids: scope[kind] ?? [], ofCountRows: countRows } }];
    if (!(kind in scope)) return [];
    const ids = repo.PER_ROW.has(kind) ? (scope[kind] ?? null) : null;
    if (ids !== null && !ids.length) return [];
    return [{ kind, subjects: ids === null ? null : { ids } }];
  });
  if (!kinds.length && !sweep) return { fired: [], resolved: [], notifications: [] };
  // Usually nothing differs: one statement, under the evaluation lock, says so, and nothing is written.
  // Otherwise the transaction below takes the lock again and works from a fresh read.
  if (!sweep && !(await repo.differences(db, kinds, clock, ruleIds)).length) return { fired: [], resolved: [], notifications: [] };
  const result = await db.transaction().execute(async (tx) => {
    await repo.lockEvaluation(tx);
    const fired: number[] = [];
    const resolved: number[] = [];
    // What differs between the true conditions and the open alerts, read under the lock held to commit.
    const differences = await repo.differences(tx, kinds, clock, ruleIds);
    // Thresholds are read only when something fires.
    const firing = differences.flatMap((d) => (d.action === 'fire' ? [d] : []));
    const thresholds = firing.length ? await repo.thresholds(tx) : new Map<number, number>();
    const toOpen = firing.map(({ kind, condition: c }) => {
      const threshold = thresholds.get(c.ruleId) ?? 0;
      const words = describe(kind, c, threshold);
      return { kind, threshold, words, alert: { ruleId: c.ruleId, key: c.key, subjectId: c.subjectId, state: c.state,
        divisionCode: c.divisionCode ?? (c.state ? divisionOf(c.state as RegionCode) : null), message: words.message, link: words.link, details: words.details } };
    });
    const opened = await repo.openAlerts(tx, toOpen.map((o) => o.alert));
    const audits: AuditEntry[] = [];
    for (const { kind, threshold, words, alert: a } of toOpen) {
      const alertId = opened.get(`${a.ruleId}|${a.key}`);
      if (alertId === undefined) continue;
      fired.push(alertId);
      audits.push({ actorId: null, action: 'alerts.fire', entity: 'alert', entityId: alertId, state: a.state,
        after: { rule: a.ruleId, kind, rule_words: ruleSentence(kind, threshold), condition: a.key, message: words.message, details: words.details } });
    }
    const gone = differences.flatMap((d) => (d.action === 'resolve' ? [d] : []));
    for (const id of await repo.resolveAlerts(tx, gone.map((d) => d.alert.id))) {
      const { kind, alert: a } = gone.find((d) => d.alert.id === id)!;
      resolved.push(id);
      audits.push({ actorId: null, action: 'alerts.resolve', entity: 'alert', entityId: id, state: a.state,
        before: { rule: a.ruleId, kind, condition: a.key, message: a.message }, after: { resolved: true, reason: 'The condition is no longer true.' } });
    }
    // A rule turned off closes what it opened.
    const orphaned = sweep ? (await repo.openAlertsOfDisabledRules(tx)).filter((a) => ruleIds === null || ruleIds.includes(a.ruleId)) : [];
    for (const id of await repo.resolveAlerts(tx, orphaned.map((a) => a.id))) {
      const a = orphaned.find((x) => x.id === id)!;
      resolved.push(id);
      audits.push({ actorId: null, action: 'alerts.resolve', entity: 'alert', entityId: id, state: a.state,
        before: { rule: a.ruleId, condition: a.key, message: a.message }, after: { resolved: true, reason: 'The rule was turned off.' } });
    }
    await recordAudits(tx, audits);
    const notifications = await repo.notifyAlerts(tx, fired);
    await repo.announceResolved(tx, resolved);
    return { fired, resolved, notifications };
  });
  if (options.mail !== false) mailInstantLater(db, result.notifications);
  return result;
}

// ── Rules ────────────────────────────────────────────────────────────────────────────────────────

/** Rules in words; coordinators see the ones that cover their divisions (or everything). */
export async function listRules(db: Db, actor: SessionUser) {
  assertRole(actor, OPERATIONAL_ROLES);
  const rules = await repo.listRules(db);
  const visible = actor.role === 'coordinator'
    ? rules.filter((r) => r.programArea === null && (r.divisionCode === null || coveredDivisions(actor).includes(r.divisionCode)))
    : rules;
  return {
    mayEdit: RULE_SETTERS.includes(actor.role),
    rules: visible.map((r) => {
      const kind = r.kind as AlertKind;
      const threshold = Number(r.thresholdPercent ?? r.thresholdDays);
      return {
        ...r, kind, threshold, label: KIND_INFO[kind].label, sentence: ruleSentence(kind, threshold),
        scopeWords: r.programArea ? `Program area: ${PROGRAM_AREA_WORDS[r.programArea]}` : r.divisionCode ? `Division: ${divisionName(r.divisionCode)}` : KIND_INFO[kind].scope === 'program_area' ? 'Every program area' : 'Every division'
      };
    })
  };
}

/** Creates, changes, or turns off/on a rule (leadership and admin); then re-checks it at once. */
export async function setRule(db: Db, actor: SessionUser, input: SetRuleInput, options: { fiscalYearStartMonth: number; now?: Date }) {
  assertRole(actor, RULE_SETTERS, NOT_YOURS);
  const info = KIND_INFO[input.kind];
  const values: repo.RuleValues = {
    kind: input.kind,
    threshold_percent: info.threshold === 'percent' ? input.threshold : null,
    threshold_days: info.threshold === 'days' ? input.threshold : null,
    division_code: input.division,
    program_area: input.programArea,
    enabled: input.enabled
  };
  const id = await refusing(() => db.transaction().execute(async (tx) => {
    if (input.id === undefined) {
      const created = await repo.insertRule(tx, values, actor.id);
      await recordAudit(tx, { actorId: actor.id, action: 'alerts.setRule', entity: 'alert_rule', entityId: created, before: null, after: values });
      return created;
    }
    const current = await repo.findRule(tx, input.id);
    if (!current) throw new DomainError('NOT_FOUND', 'This alert rule no longer exists: reload the page.');
    if (current.kind !== input.kind) throw new DomainError('BAD_REQUEST', 'A rule keeps what it watches: add a new rule for another kind.', { fieldErrors: { kind: ['A rule keeps what it watches: add a new rule for another kind.'] } });
    await repo.updateRule(tx, input.id, values);
    const before = { kind: current.kind, threshold_percent: current.threshold_percent === null ? null : Number(current.threshold_percent), threshold_days: current.threshold_days,
      division_code: current.division_code, program_area: current.program_area, enabled: current.enabled };
    await recordAudit(tx, { actorId: actor.id, action: 'alerts.setRule', entity: 'alert_rule', entityId: input.id, before, after: values });
    return input.id;
  }));
  // A changed threshold or scope may open or close alerts of this rule: check it now, not at the next tick.
  await evaluateAlerts(db, { fiscalYearStartMonth: options.fiscalYearStartMonth, now: options.now, ruleIds: [id] });
  const { rules } = await listRules(db, actor);
  return rules.find((r) => r.id === id)!;
}

// ── Alerts for people ────────────────────────────────────────────────────────────────────────────

/** A coordinator's divisions: assigned ones and those of their assigned states. */
function coveredDivisions(actor: SessionUser): string[] {
  return [...new Set([...actor.divisions, ...actor.states.map((s) => divisionOf(s as RegionCode)).filter(Boolean)])];
}

/** Open and recently resolved alerts: leadership and admins all, coordinators those of their regions, the board none. */
export async function listAlerts(db: Db, actor: SessionUser, input: { recentDays: number; limit: number }) {
  assertRole(actor, OPERATIONAL_ROLES, 'Alerts are for leadership, admins and coordinators.');
  const scope = actor.role === 'coordinator' ? { states: actor.states, divisions: coveredDivisions(actor) } : { states: null, divisions: null };
  const alerts = await repo.listAlerts(db, scope, input);
  return {
    open: alerts.filter((a) => a.resolvedAt === null).map((a) => ({ ...a, kind: a.kind as AlertKind, tile: KIND_INFO[a.kind as AlertKind].tile })),
    resolved: alerts.filter((a) => a.resolvedAt !== null).map((a) => ({ ...a, kind: a.kind as AlertKind, tile: KIND_INFO[a.kind as AlertKind].tile }))
  };
}
