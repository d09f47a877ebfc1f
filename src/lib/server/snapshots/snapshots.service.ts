// Board snapshots: made from every dashboard dataset in one consistent read, stored with the
// change_log seq they reflect and a SHA-256 of their data, and never changed again (the database
// refuses it). Opening one re-hashes its data and says whether it still matches.
import { createHash } from 'node:crypto';
import type { Db } from '../db/index.js';
import { assertRole, mayReadOperational, SNAPSHOT_MAKERS, type Role, type SessionUser } from '../auth/access.js';
import { recordAudit } from '../audit/audit.repository.js';
import { DomainError } from '../errors.js';
import { generateToken, hashToken, looksLikeToken } from '../auth/tokens.js';
import { statesIn, type DivisionCode } from '../../regions.js';
import { protectStoredSurvivorFigures, compareMetrics } from '../../snapshot-report.js';
import * as repo from './snapshots.repository.js';
import { componentLog } from '../log.js';
import { metrics } from '../metrics.js';
import { readSnapshotDatasets } from './snapshot-datasets.js';
import { snapshotAnnotations } from '../annotations/annotations.service.js';
import type { ChartAnnotation } from '../../annotations.js';
import { localToday } from '../dashboards/dashboard.period.js';
import { organisationTimeZone } from '../dashboards/datasets.js';
import type { FrozenComparisons } from '../../snapshot-headlines.js';
import { mailScheduledRuns } from './snapshot-mail.js';
import { addDays, comparisonPeriods, firstRunProblem, nextRunAfter, resolvePeriod, scheduledPeriod, type ResolvedPeriod } from './snapshot-period.js';
import type { CreateSnapshotInput, SetScheduleInput, SnapshotFilters } from './snapshots.schemas.js';

export interface SnapshotOptions {
  fiscalYearStartMonth: number;
}

const ADMINS: readonly Role[] = ['admin'];

/** JSON with object keys sorted, so the same data always hashes the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface MakeSnapshot {
  title: string;
  notes: string;
  period: ResolvedPeriod;
  filters: SnapshotFilters;
  authorId: string | null;
  /** A scheduled run: claimed by moving the schedule's next_run_at from `claimFrom` (default
   *  `scheduledFor`; earlier when runs beyond the back-fill bound are skipped) to `nextRunAt`. */
  schedule?: { id: number; scheduledFor: Date; nextRunAt: Date; claimFrom?: Date };
}

/** The dashboards' filters for a snapshot: its fiscal year, or its dates (the last day included). */
export function dashboardFiltersFor(period: ResolvedPeriod, filters: SnapshotFilters) {
  if (period.kind === 'fiscal_year') return { ...filters, fiscalYear: period.fiscalYear };
  return { ...filters, from: period.from, to: addDays(period.to, -1) };
}

/** Reads every dataset (one transaction), then stores the snapshot and its audit row (another). */
async function makeSnapshot(db: Db, m: MakeSnapshot, options: SnapshotOptions) {
  const asOfDay = localToday(new Date(), organisationTimeZone({}));
  const compare = comparisonPeriods(m.period, asOfDay, options.fiscalYearStartMonth);
  const { seq, datasets, comparisons } = await readSnapshotDatasets(db, dashboardFiltersFor(m.period, m.filters), options, compare);
  // The chart annotations of its period and place, frozen as they stand now: one made (or removed)
  // later never changes what this snapshot shows.
  const annotations = await snapshotAnnotations(db, m.filters, m.period.from, addDays(m.period.to, -1), new Date());
  // Through JSON once, so what is hashed is exactly what jsonb stores (dates become ISO strings).
  const data = JSON.parse(JSON.stringify({ fiscalYear: m.period.fiscalYear, fiscalYearStartMonth: options.fiscalYearStartMonth, datasets, comparisons, annotations }));
  const dataJson = canonicalJson(data);
  const sha256 = sha256Hex(dataJson);
  return db.transaction().execute(async (tx) => {
    const now = new Date();
    if (m.schedule && !(await repo.claimScheduledRun(tx, m.schedule.id, m.schedule.claimFrom ?? m.schedule.scheduledFor, m.schedule.nextRunAt, now))) return null;
    const row = await repo.insertSnapshot(tx, {
      title: m.title, notes: m.notes, periodKind: m.period.kind, periodLabel: m.period.label, periodFrom: m.period.from,
      periodTo: m.period.to, filters: m.filters, authorId: m.authorId, scheduleId: m.schedule?.id ?? null,
      scheduledFor: m.schedule?.scheduledFor ?? null, seq, dataJson, sha256
    });
    await recordAudit(tx, {
      actorId: m.authorId, action: 'snapshots.create', entity: 'snapshot', entityId: row.id,
      after: { title: m.title, period: m.period.label, filters: m.filters, seq, sha256, scheduleId: m.schedule?.id ?? null }
    });
    return { id: row.id, createdAt: row.createdAt, seq, sha256 };
  });
}

export async function createSnapshot(db: Db, actor: SessionUser, input: CreateSnapshotInput, options: SnapshotOptions) {
  assertRole(actor, SNAPSHOT_MAKERS, 'Only leadership and admins make snapshots.');
  const period = resolvePeriod(input.period, options.fiscalYearStartMonth);
  return (await makeSnapshot(db, { title: input.title, notes: input.notes, period, filters: input.filters, authorId: actor.id }, options))!;
}

export async function listSnapshots(db: Db, _actor: SessionUser, limit: number) {
  return repo.listSnapshots(db, limit);
}

type StoredData = {
  fiscalYear: number; fiscalYearStartMonth: number; datasets: Record<string, unknown>; comparisons?: FrozenComparisons | null;
  /** The chart annotations of its period and place when it was made (absent: made before annotations existed). */
  annotations?: ChartAnnotation[];
};

/** A stored snapshot as pages show it (survivor figures as published), and whether its hash still holds. */
async function openSnapshot(db: Db, id: number) {
  const row = await repo.findSnapshot(db, id);
  if (!row) throw new DomainError('NOT_FOUND', `There is no snapshot ${id}.`);
  const { data, sha256, ...rest } = row;
  const stored = data as StoredData;
  const verified = sha256Hex(canonicalJson(stored)) === sha256;
  return {
    ...rest,
    filters: rest.filters as SnapshotFilters,
    asOf: rest.createdAt,
    periodLastDay: addDays(rest.periodTo, -1),
    sha256,
    verified,
    fiscalYear: stored.fiscalYear,
    datasets: protectStoredSurvivorFigures(stored.datasets ?? {}),
    /** Headline figures of the comparison periods, frozen at creation (null: made before they were). */
    comparisons: stored.comparisons ?? null,
    annotations: stored.annotations ?? []
  };
}
export type OpenedSnapshot = Awaited<ReturnType<typeof openSnapshot>>;

export async function getSnapshot(db: Db, _actor: SessionUser, id: number) {
  return openSnapshot(db, id);
}

/** For the server's PDF renderer (its print page checks the render key; no session there). */
export async function snapshotForReport(db: Db, id: number) {
  return openSnapshot(db, id);
}

export async function updateSnapshotNotes(db: Db, actor: SessionUser, input: { id: number; title?: string; notes?: string }) {
  assertRole(actor, SNAPSHOT_MAKERS, 'Only leadership and admins edit snapshot notes.');
  return db.transaction().execute(async (tx) => {
    const before = await repo.findSnapshotForUpdate(tx, input.id);
    if (!before) throw new DomainError('NOT_FOUND', `There is no snapshot ${input.id}.`);
    const after = { title: input.title ?? before.title, notes: input.notes ?? before.notes };
    await repo.updateSnapshotText(tx, input.id, after.title, after.notes);
    await recordAudit(tx, {
      actorId: actor.id, action: 'snapshots.updateNotes', entity: 'snapshot', entityId: input.id,
      before: { title: before.title, notes: before.notes }, after
    });
    return { id: input.id, ...after };
  });
}

function statesOf(filters: SnapshotFilters): string[] | undefined {
  if (filters.state) return [filters.state];
  if (filters.division) return statesIn(filters.division as DivisionCode);
  return undefined;
}

const LIST_LIMIT = 200;

/**
 * Two snapshots side by side (older first), metric by metric — both read from what the snapshots
 * hold — and, for the roles that read live operational data, the requests disbursed and needs
 * fulfilled between them (read from the live tables: titles, partners, centers). The board reads
 * only what snapshots hold, so gets no `between` (one rule with HTTP and live: mayReadOperational).
 */
export async function compareSnapshots(db: Db, actor: SessionUser, input: { a: number; b: number }) {
  const [x, y] = await Promise.all([openSnapshot(db, input.a), openSnapshot(db, input.b)]);
  const [older, newer] = x.createdAt <= y.createdAt ? [x, y] : [y, x];
  return {
    a: older,
    b: newer,
    sameFilters: JSON.stringify(older.filters) === JSON.stringify(newer.filters),
    metrics: compareMetrics(older.datasets, newer.datasets),
    between: mayReadOperational(actor) ? await closedBetween(db, older, newer) : null
  };
}

async function closedBetween(db: Db, older: { createdAt: Date }, newer: { createdAt: Date; filters: SnapshotFilters }) {
  // The lists use the newer snapshot's filters; the page says so when the two differ.
  const states = statesOf(newer.filters);
  const category = newer.filters.category;
  const [disbursed, disbursedTotal, fulfilled, fulfilledTotal] = await Promise.all([
    repo.disbursementsBetween(db, older.createdAt, newer.createdAt, { states, category }, LIST_LIMIT),
    repo.disbursementTotalsBetween(db, older.createdAt, newer.createdAt, { states, category }),
    repo.needsFulfilledBetween(db, older.createdAt, newer.createdAt, states, LIST_LIMIT),
    repo.needsFulfilledTotalsBetween(db, older.createdAt, newer.createdAt, states)
  ]);
  return {
    from: older.createdAt,
    to: newer.createdAt,
    requestsDisbursed: { ...disbursedTotal, items: disbursed, limit: LIST_LIMIT },
    needsFulfilled: { ...fulfilledTotal, items: fulfilled, limit: LIST_LIMIT }
  };
}

// Schedules.
export async function listSchedules(db: Db, actor: SessionUser) {
  assertRole(actor, SNAPSHOT_MAKERS, 'Only leadership and admins see snapshot schedules.');
  const [schedules, subscribers] = await Promise.all([repo.listSchedules(db), repo.subscribersOfSchedules(db)]);
  return schedules.map((s) => ({ ...s, subscribers: subscribers.filter((x) => Number(x.scheduleId) === Number(s.id)).map((x) => x.email) }));
}

/** The users behind subscriber email addresses; an address no user has is refused beside its field. */
async function subscriberIds(db: Db, emails: string[]): Promise<string[]> {
  const unique = [...new Set(emails)];
  const users = await repo.usersByEmail(db, unique);
  const unknown = unique.filter((e) => !users.some((u) => u.email.toLowerCase() === e));
  if (unknown.length) {
    const message = `${unknown.length === 1 ? 'No user has the email address' : 'No users have the email addresses'} ${unknown.join(', ')}: subscribers must be Beacon users.`;
    throw new DomainError('BAD_REQUEST', message, { fieldErrors: { subscribers: [message] } });
  }
  return users.map((u) => u.id);
}

export async function setSchedule(db: Db, actor: SessionUser, input: SetScheduleInput) {
  assertRole(actor, SNAPSHOT_MAKERS, 'Only leadership and admins schedule snapshots.');
  const problem = firstRunProblem(input.frequency, input.nextRunAt, new Date());
  if (problem) throw new DomainError('BAD_REQUEST', problem, { fieldErrors: { nextRunAt: [problem] } });
  const subscribers = input.subscribers === undefined ? undefined : await subscriberIds(db, input.subscribers);
  return db.transaction().execute(async (tx) => {
    const values = { title: input.title, frequency: input.frequency, filters: input.filters, nextRunAt: input.nextRunAt };
    const audited = input.subscribers === undefined ? values : { ...values, subscribers: [...new Set(input.subscribers)].sort() };
    if (input.id === undefined) {
      const created = await repo.insertSchedule(tx, { ...values, createdBy: actor.id });
      if (subscribers) await repo.replaceSubscribers(tx, created.id, subscribers);
      await recordAudit(tx, { actorId: actor.id, action: 'snapshots.setSchedule', entity: 'snapshot_schedule', entityId: created.id, after: audited });
      return created;
    }
    const before = await repo.findSchedule(tx, input.id);
    const beforeSubscribers = before ? (await repo.subscriberEmails(tx, input.id)).map((u) => u.email) : [];
    const updated = before && (await repo.updateSchedule(tx, input.id, values));
    if (!updated) throw new DomainError('NOT_FOUND', `There is no schedule ${input.id}.`);
    if (subscribers) await repo.replaceSubscribers(tx, input.id, subscribers);
    await recordAudit(tx, {
      actorId: actor.id, action: 'snapshots.setSchedule', entity: 'snapshot_schedule', entityId: input.id,
      before: { ...before, subscribers: beforeSubscribers }, after: audited
    });
    return updated;
  });
}

export async function deleteSchedule(db: Db, actor: SessionUser, id: number) {
  assertRole(actor, SNAPSHOT_MAKERS, 'Only leadership and admins remove snapshot schedules.');
  return db.transaction().execute(async (tx) => {
    const removed = await repo.deleteSchedule(tx, id);
    if (!removed) throw new DomainError('NOT_FOUND', `There is no schedule ${id}.`);
    await recordAudit(tx, { actorId: actor.id, action: 'snapshots.deleteSchedule', entity: 'snapshot_schedule', entityId: id, before: removed });
    return { id };
  });
}

/** Missed runs of one schedule made at once at most; older ones are skipped, and the gap noted. */
export const MAX_BACKFILL_RUNS = 12;

/**
 * Makes every run that is due at `now`, oldest first, including runs missed while no server was up
 * (one snapshot per missed run, the latest MAX_BACKFILL_RUNS at most: the first one made says in its
 * notes which runs were skipped). Safe with several instances: each run is claimed by a
 * compare-and-set on next_run_at, and (schedule, run time) is unique in the table.
 */
export async function runDueSchedules(db: Db, options: SnapshotOptions, now = new Date()) {
  const made: number[] = [];
  const runs: Array<{ id: number; scheduleId: number }> = [];
  const failed: number[] = [];
  for (;;) {
    const due = await repo.nextDueSchedule(db, now, failed);
    if (!due) break;
    const frequency = due.frequency as 'monthly' | 'quarterly';
    const { runAt, skipped } = backfillStart(frequency, due.nextRunAt, now);
    const period = scheduledPeriod(frequency, runAt, options.fiscalYearStartMonth);
    try {
      const result = await makeSnapshot(
        db,
        {
          title: `${due.title} — ${period.label}`, notes: skipped ? gapNote(skipped, frequency, options.fiscalYearStartMonth) : '', period,
          filters: due.filters as SnapshotFilters, authorId: null,
          schedule: { id: due.id, scheduledFor: runAt, nextRunAt: nextRunAfter(frequency, runAt), claimFrom: due.nextRunAt }
        },
        options
      );
      if (result) {
        made.push(result.id);
        runs.push({ id: result.id, scheduleId: due.id });
      }
    } catch (err) {
      // Skipped for this pass (the next pass retries), so one failing schedule cannot stall the rest.
      componentLog('snapshots').error({ err, scheduleId: due.id }, 'scheduled run failed');
      metrics().schedulerFailures.inc();
      failed.push(due.id);
    }
  }
  if (runs.length) await mailScheduledRuns(db, runs);
  return made;
}

/** The first run to make of those due since `nextRunAt`, and the older ones skipped (if any). */
function backfillStart(frequency: 'monthly' | 'quarterly', nextRunAt: Date, now: Date): { runAt: Date; skipped: { first: Date; last: Date; count: number } | null } {
  // The last MAX_BACKFILL_RUNS + 1 due runs (the one before the kept ones ends the gap), and how many in all.
  const tail: Date[] = [];
  let total = 0;
  for (let at = nextRunAt; at <= now; at = nextRunAfter(frequency, at)) {
    total++;
    tail.push(at);
    if (tail.length > MAX_BACKFILL_RUNS + 1) tail.shift();
  }
  if (total <= MAX_BACKFILL_RUNS) return { runAt: nextRunAt, skipped: null };
  return { runAt: tail[1], skipped: { first: nextRunAt, last: tail[0], count: total - MAX_BACKFILL_RUNS } };
}

function gapNote(skipped: { first: Date; last: Date; count: number }, frequency: 'monthly' | 'quarterly', startMonth: number): string {
  const first = scheduledPeriod(frequency, skipped.first, startMonth).label;
  const last = scheduledPeriod(frequency, skipped.last, startMonth).label;
  const runs = skipped.count === 1 ? '1 scheduled run was' : `${skipped.count} scheduled runs were`;
  return `Gap: ${runs} missed while no server was running and not made (${first === last ? first : `${first} to ${last}`}); ` +
    `at most ${MAX_BACKFILL_RUNS} missed runs are made at once.`;
}

// Share links.
const SHARE_LINK_DAY_MS = 24 * 60 * 60_000;

export async function listShareLinks(db: Db, actor: SessionUser, snapshotId: number) {
  assertRole(actor, ADMINS, 'Only admins manage share links.');
  return repo.listShareLinks(db, snapshotId);
}

/** A new read-only link; the token is returned once and only its SHA-256 is stored. */
export async function createShareLink(db: Db, actor: SessionUser, input: { snapshotId: number; expiresInDays: number }, now = new Date()) {
  assertRole(actor, ADMINS, 'Only admins make share links.');
  return db.transaction().execute(async (tx) => {
    if (!(await repo.findSnapshotForUpdate(tx, input.snapshotId))) throw new DomainError('NOT_FOUND', `There is no snapshot ${input.snapshotId}.`);
    const token = generateToken();
    const expiresAt = new Date(now.getTime() + input.expiresInDays * SHARE_LINK_DAY_MS);
    const link = await repo.insertShareLink(tx, { snapshotId: input.snapshotId, tokenHash: hashToken(token), createdBy: actor.id, createdAt: now, expiresAt });
    await recordAudit(tx, {
      actorId: actor.id, action: 'snapshots.createShareLink', entity: 'snapshot_share_link', entityId: link.id,
      after: { snapshotId: input.snapshotId, expiresAt }
    });
    return { id: link.id, snapshotId: input.snapshotId, token, path: `/s/${token}`, expiresAt: link.expiresAt };
  });
}

export async function revokeShareLink(db: Db, actor: SessionUser, id: number, now = new Date()) {
  assertRole(actor, ADMINS, 'Only admins revoke share links.');
  return db.transaction().execute(async (tx) => {
    const revoked = await repo.revokeShareLink(tx, id, now);
    if (!revoked) {
      const existing = await repo.findShareLinkById(tx, id);
      if (!existing) throw new DomainError('NOT_FOUND', `There is no share link ${id}.`);
      throw new DomainError('CONFLICT', 'This link is already revoked.');
    }
    await recordAudit(tx, {
      actorId: actor.id, action: 'snapshots.revokeShareLink', entity: 'snapshot_share_link', entityId: id,
      after: { snapshotId: revoked.snapshotId, revokedAt: revoked.revokedAt }
    });
    return revoked;
  });
}

/**
 * The snapshot behind a share token, counting the view; null for anything that is not a live link
 * (malformed, unknown, revoked or expired alike, so the answer never confirms that a link exists).
 */
export async function openSharedSnapshot(db: Db, token: string, now = new Date()) {
  if (!looksLikeToken(token)) return null;
  const link = await repo.openShareLink(db, hashToken(token), now);
  if (!link) return null;
  const snapshot = sharedSnapshotView(await openSnapshot(db, link.snapshotId));
  return { snapshot, link: { viewCount: link.viewCount, expiresAt: link.expiresAt } };
}

/**
 * What a share link shows a reader outside the organisation: the report and whether it is intact,
 * and nothing about who made it, which change it reflects or its hash (each dataset's seq dropped too).
 */
export function sharedSnapshotView(s: OpenedSnapshot) {
  const datasets = Object.fromEntries(
    Object.entries(s.datasets).map(([name, dataset]) => {
      if (!dataset || typeof dataset !== 'object') return [name, dataset];
      const { seq: _seq, ...rest } = dataset as Record<string, unknown>;
      return [name, rest];
    })
  ) as OpenedSnapshot['datasets'];
  return {
    shared: true as const,
    title: s.title,
    notes: s.notes,
    asOf: s.asOf,
    periodLabel: s.periodLabel,
    periodFrom: s.periodFrom,
    periodLastDay: s.periodLastDay,
    filters: s.filters,
    verified: s.verified,
    datasets,
    comparisons: s.comparisons,
    annotations: s.annotations
  };
}
export type SharedSnapshotView = ReturnType<typeof sharedSnapshotView>;

/**
 * Demo data (the seed, demo profile): a monthly "Board pack" schedule whose past twelve runs are made
 * now, as the scheduler makes runs missed while no server was up (twelve monthly snapshots, each for
 * its month), and a report for each fiscal year that ended before `anchor`. Made by no one (the
 * schedule, the seed), audited like any other snapshot.
 */
export async function makeDemoSnapshots(db: Db, options: SnapshotOptions, anchor: Date, fiscalYears: number[]) {
  const anchorDay = anchor.toISOString().slice(0, 10);
  const reports: number[] = [];
  for (const fy of fiscalYears) {
    const period = resolvePeriod({ kind: 'fiscal_year', fiscalYear: fy }, options.fiscalYearStartMonth);
    if (period.to > anchorDay) continue;
    const made = await makeSnapshot(db, {
      title: `FY${fy} annual report`,
      notes: `Demo report for FY${fy}: the year's funding, aftercare, outreach and impact, with its change against FY${fy - 1}.`,
      period, filters: {}, authorId: null
    }, options);
    if (made) reports.push(made.id);
  }
  const firstRun = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() - (MAX_BACKFILL_RUNS - 1), 1, 6));
  await repo.insertSchedule(db, { title: 'Monthly board pack', frequency: 'monthly', filters: {}, nextRunAt: firstRun, createdBy: null });
  const monthly = await runDueSchedules(db, options, anchor);
  return { reports, monthly };
}
