// Snapshot rows, their schedules and share links. One query per function; the data column is read
// only where a snapshot is opened (never by the list).
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { FundingCategory } from '../db/schema.js';

export interface NewSnapshot {
  title: string;
  notes: string;
  periodKind: string;
  periodLabel: string;
  periodFrom: string;
  periodTo: string;
  filters: Record<string, unknown>;
  authorId: string | null;
  scheduleId: number | null;
  scheduledFor: Date | null;
  seq: number;
  dataJson: string;
  sha256: string;
}

export function insertSnapshot(tx: Db, s: NewSnapshot) {
  return tx
    .insertInto('snapshot')
    .values({
      title: s.title, notes: s.notes, period_kind: s.periodKind, period_label: s.periodLabel, period_from: s.periodFrom,
      period_to: s.periodTo, filters: JSON.stringify(s.filters), author_id: s.authorId, schedule_id: s.scheduleId,
      scheduled_for: s.scheduledFor, seq: s.seq, data: s.dataJson, sha256: s.sha256
    })
    .returning(['id', 'created_at as createdAt'])
    .executeTakeFirstOrThrow();
}

const SUMMARY = [
  's.id', 's.title', 's.period_kind as periodKind', 's.period_label as periodLabel', 's.period_from as periodFrom',
  's.period_to as periodTo', 's.filters', 's.created_at as createdAt', 's.seq', 's.schedule_id as scheduleId', 'u.display_name as authorName'
] as const;

export function listSnapshots(db: Db, limit: number) {
  return db
    .selectFrom('snapshot as s')
    .leftJoin('app_user as u', 'u.id', 's.author_id')
    .select(SUMMARY)
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(limit)
    .execute();
}

export function findSnapshot(db: Db, id: number) {
  return db
    .selectFrom('snapshot as s')
    .leftJoin('app_user as u', 'u.id', 's.author_id')
    .select([...SUMMARY, 's.notes', 's.data', 's.sha256', 's.scheduled_for as scheduledFor'])
    .where('s.id', '=', id)
    .executeTakeFirst();
}

export function findSnapshotForUpdate(tx: Db, id: number) {
  return tx.selectFrom('snapshot').select(['id', 'title', 'notes']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateSnapshotText(tx: Db, id: number, title: string, notes: string) {
  return tx.updateTable('snapshot').set({ title, notes }).where('id', '=', id).execute();
}

/**
 * Payments dated in (from, to] (the move to "disbursed" and further payments), each at its corrected
 * amount, with the snapshot's region/category filters.
 */
export function disbursementsBetween(db: Db, from: Date, to: Date, f: { states?: string[]; category?: FundingCategory }, limit: number) {
  let q = db
    .selectFrom('funding_stage_event as e')
    .innerJoin('funding_request as r', 'r.id', 'e.request_id')
    .innerJoin('partner as p', 'p.id', 'r.partner_id')
    .where('e.to_stage', '=', 'disbursed')
    .where('e.kind', '<>', 'correction')
    .where('e.occurred_at', '>', from)
    .where('e.occurred_at', '<=', to);
  if (f.states) q = q.where('e.state', 'in', f.states);
  if (f.category) q = q.where('e.category', '=', f.category);
  return q
    .select(['r.id', 'r.title', 'r.category', 'e.state', 'p.name as partnerName', 'e.occurred_at as at'])
    .select(sql<number>`e.amount_cents + coalesce((select sum(c.amount_cents) from funding_stage_event c where c.corrects_event_id = e.id), 0)`.as('amountCents'))
    .orderBy('e.occurred_at')
    .orderBy('e.id')
    .limit(limit)
    .execute();
}

export function disbursementTotalsBetween(db: Db, from: Date, to: Date, f: { states?: string[]; category?: FundingCategory }) {
  let q = db
    .selectFrom('funding_stage_event as e')
    .where('e.to_stage', '=', 'disbursed')
    .where('e.occurred_at', '>', from)
    .where('e.occurred_at', '<=', to);
  if (f.states) q = q.where('e.state', 'in', f.states);
  if (f.category) q = q.where('e.category', '=', f.category);
  // Corrections are dated on the payment they correct: summing them in gives the corrected amounts.
  return q.select([sql<number>`count(*) filter (where e.kind <> 'correction')::bigint`.as('count'), sql<number>`coalesce(sum(e.amount_cents), 0)::bigint`.as('amountCents')]).executeTakeFirstOrThrow();
}

/** Needs closed as fulfilled in (from, to] (and still fulfilled), with the snapshot's region filter. */
function fulfilledNeeds(db: Db, from: Date, to: Date, states?: string[]) {
  let q = db
    .selectFrom('aftercare_need as n')
    .where('n.status', '=', 'fulfilled')
    .where('n.closed_at', '>', from)
    .where('n.closed_at', '<=', to);
  if (states) q = q.where('n.state', 'in', states);
  return q;
}

export function needsFulfilledBetween(db: Db, from: Date, to: Date, states: string[] | undefined, limit: number) {
  return fulfilledNeeds(db, from, to, states)
    .innerJoin('partner as p', 'p.id', 'n.center_id')
    .select(['n.id', 'n.title', 'n.kind', 'n.priority', 'n.state', 'p.name as centerName', 'n.estimated_cost_cents as estimatedCostCents', 'n.closed_at as at'])
    .orderBy('n.closed_at')
    .orderBy('n.id')
    .limit(limit)
    .execute();
}

export function needsFulfilledTotalsBetween(db: Db, from: Date, to: Date, states: string[] | undefined) {
  return fulfilledNeeds(db, from, to, states)
    .select([sql<number>`count(*)::bigint`.as('count'), sql<number>`coalesce(sum(n.estimated_cost_cents), 0)::bigint`.as('estimatedCostCents')])
    .executeTakeFirstOrThrow();
}

// Schedules.
const SCHEDULE = ['id', 'title', 'frequency', 'filters', 'next_run_at as nextRunAt', 'last_run_at as lastRunAt', 'created_at as createdAt'] as const;

export function listSchedules(db: Db) {
  return db.selectFrom('snapshot_schedule').select(SCHEDULE).orderBy('next_run_at').orderBy('id').execute();
}

export function findSchedule(db: Db, id: number) {
  return db.selectFrom('snapshot_schedule').select(SCHEDULE).where('id', '=', id).executeTakeFirst();
}

export function insertSchedule(tx: Db, s: { title: string; frequency: string; filters: Record<string, unknown>; nextRunAt: Date; createdBy: string | null }) {
  return tx
    .insertInto('snapshot_schedule')
    .values({ title: s.title, frequency: s.frequency, filters: JSON.stringify(s.filters), next_run_at: s.nextRunAt, created_by: s.createdBy })
    .returning(SCHEDULE)
    .executeTakeFirstOrThrow();
}

export function updateSchedule(tx: Db, id: number, s: { title: string; frequency: string; filters: Record<string, unknown>; nextRunAt: Date }) {
  return tx
    .updateTable('snapshot_schedule')
    .set({ title: s.title, frequency: s.frequency, filters: JSON.stringify(s.filters), next_run_at: s.nextRunAt, updated_at: sql`now()` })
    .where('id', '=', id)
    .returning(SCHEDULE)
    .executeTakeFirst();
}

export function deleteSchedule(tx: Db, id: number) {
  return tx.deleteFrom('snapshot_schedule').where('id', '=', id).returning(SCHEDULE).executeTakeFirst();
}

/** The earliest schedule due at `now`, skipping `skip` (ones that failed in this pass). */
export function nextDueSchedule(db: Db, now: Date, skip: number[]) {
  let q = db.selectFrom('snapshot_schedule').select(SCHEDULE).where('next_run_at', '<=', now);
  if (skip.length) q = q.where('id', 'not in', skip);
  return q.orderBy('next_run_at').orderBy('id').limit(1).executeTakeFirst();
}

/**
 * Claims one run: moves next_run_at on only if it still is `scheduledFor` (a compare-and-set, so of
 * several instances exactly one claims a run). Returns false when another instance got there first.
 */
export async function claimScheduledRun(tx: Db, id: number, scheduledFor: Date, nextRunAt: Date, now: Date) {
  const res = await tx
    .updateTable('snapshot_schedule')
    .set({ next_run_at: nextRunAt, last_run_at: now, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('next_run_at', '=', scheduledFor)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// Share links.
export function insertShareLink(tx: Db, l: { snapshotId: number; tokenHash: string; createdBy: string; createdAt: Date; expiresAt: Date }) {
  return tx
    .insertInto('snapshot_share_link')
    .values({ snapshot_id: l.snapshotId, token_hash: l.tokenHash, created_by: l.createdBy, created_at: l.createdAt, expires_at: l.expiresAt })
    .returning(['id', 'expires_at as expiresAt', 'created_at as createdAt'])
    .executeTakeFirstOrThrow();
}

export function listShareLinks(db: Db, snapshotId: number) {
  return db
    .selectFrom('snapshot_share_link as l')
    .leftJoin('app_user as u', 'u.id', 'l.created_by')
    .select([
      'l.id', 'l.snapshot_id as snapshotId', 'l.created_at as createdAt', 'l.expires_at as expiresAt', 'l.revoked_at as revokedAt',
      'l.view_count as viewCount', 'l.last_viewed_at as lastViewedAt', 'u.display_name as createdByName'
    ])
    .where('l.snapshot_id', '=', snapshotId)
    .orderBy('l.id', 'desc')
    .execute();
}

export function revokeShareLink(tx: Db, id: number, now: Date) {
  return tx
    .updateTable('snapshot_share_link')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(['id', 'snapshot_id as snapshotId', 'revoked_at as revokedAt'])
    .executeTakeFirst();
}

export function findShareLinkById(db: Db, id: number) {
  return db.selectFrom('snapshot_share_link').select(['id', 'snapshot_id as snapshotId', 'revoked_at as revokedAt']).where('id', '=', id).executeTakeFirst();
}

/** Counts a view of a live link and returns its snapshot id; nothing for a revoked, expired or unknown token. */
export function openShareLink(db: Db, tokenHash: string, now: Date) {
  return db
    .updateTable('snapshot_share_link')
    .set({ view_count: sql`view_count + 1`, last_viewed_at: now })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['snapshot_id as snapshotId', 'view_count as viewCount', 'expires_at as expiresAt'])
    .executeTakeFirst();
}

// Subscribers and mailings.
export function subscriberEmails(db: Db, scheduleId: number) {
  return db
    .selectFrom('snapshot_schedule_subscriber as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .where('s.schedule_id', '=', scheduleId)
    .where('u.active', '=', true)
    .select(['u.id', 'u.email'])
    .orderBy('u.email')
    .execute();
}

export function subscribersOfSchedules(db: Db) {
  return db
    .selectFrom('snapshot_schedule_subscriber as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.schedule_id as scheduleId', 'u.email'])
    .orderBy('u.email')
    .execute();
}

export function usersByEmail(db: Db, emails: string[]) {
  if (!emails.length) return Promise.resolve([]);
  return db.selectFrom('app_user').select(['id', 'email']).where(sql<string>`lower(email)`, 'in', emails).execute();
}

export async function replaceSubscribers(tx: Db, scheduleId: number, userIds: string[]) {
  await tx.deleteFrom('snapshot_schedule_subscriber').where('schedule_id', '=', scheduleId).execute();
  if (userIds.length) await tx.insertInto('snapshot_schedule_subscriber').values(userIds.map((u) => ({ schedule_id: scheduleId, user_id: u }))).execute();
}

/** Claims a snapshot's mailing; false when it was claimed before (another instance, or an earlier pass). */
export async function claimMailing(db: Db, snapshotId: number, outcome: 'sending' | 'skipped') {
  const row = await db
    .insertInto('snapshot_mailing')
    .values({ snapshot_id: snapshotId, outcome, finished_at: outcome === 'skipped' ? sql`now()` : null })
    .onConflict((oc) => oc.column('snapshot_id').doNothing())
    .returning('snapshot_id')
    .executeTakeFirst();
  return !!row;
}

export function finishMailing(db: Db, snapshotId: number, outcome: 'sent' | 'failed', recipients: number, error: string | null) {
  return db
    .updateTable('snapshot_mailing')
    .set({ outcome, recipients, error, finished_at: sql`now()` })
    .where('snapshot_id', '=', snapshotId)
    .execute();
}
