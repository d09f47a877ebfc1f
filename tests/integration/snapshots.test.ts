// Snapshots: what they hold equals the dashboards at their seq, the database refuses to change them,
// a tampered row is reported, share links open one snapshot and nothing else, schedules run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { seedDatabase } from '../../src/lib/server/seed/seed.service.js';
import { readAllDashboardDatasets } from '../../src/lib/server/dashboards/datasets.js';
import { canonicalJson, createShareLink, openSharedSnapshot, runDueSchedules, sha256Hex } from '../../src/lib/server/snapshots/snapshots.service.js';
import { startSnapshotScheduler } from '../../src/lib/server/snapshots/snapshot-scheduler.js';
import { WITHHELD } from '../../src/lib/survivor-figures.js';

const createCaller = createCallerFactory(appRouter);
const OPTIONS = { fiscalYearStartMonth: 1 };
const FY = 2026;
const withoutAsOf = ({ asOf: _asOf, ...rest }: Record<string, unknown>) => rest;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof TRPCError ? err.code : (err as Error).message;
  }
  return 'ok';
}

for (const target of targets) {
  describe(`snapshots on ${target.name}`, () => {
    let h: TestDb;
    let leader: SessionUser, admin: SessionUser, board: SessionUser;
    const as = (user: SessionUser | null) => createCaller({ db: h.db, dbKind: h.kind, user });

    beforeAll(async () => {
      h = await target.open();
      await seedDatabase(h.db, { profile: 'demo', seed: 7, fiscalYearStartMonth: 1 });
      leader = await testUser(h.db, 'leadership');
      admin = await testUser(h.db, 'admin');
      board = await testUser(h.db, 'board');
    }, 300_000);
    afterAll(() => h?.drop());

    const make = (title: string, filters: Record<string, string> = {}) =>
      as(leader).snapshots.create({ title, period: { kind: 'fiscal_year', fiscalYear: FY }, filters });

    it("holds exactly every dashboard dataset at its seq, and keeps them after the data moves on", async () => {
      const made = await make('FY2026 impact', { division: 'mountain' });
      const live = await readAllDashboardDatasets(h.db, { division: 'mountain', fiscalYear: FY }, OPTIONS);
      const row = await h.db.selectFrom('snapshot').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
      const stored = row.data as { datasets: Record<string, Record<string, unknown>> };
      expect(row.seq).toBe(live.seq);
      expect(Object.keys(stored.datasets).sort()).toEqual(['aftercare', 'funding', 'outreach', 'overview']);
      for (const [name, dataset] of Object.entries(live.datasets)) {
        expect(withoutAsOf(stored.datasets[name]), name).toEqual(withoutAsOf(JSON.parse(JSON.stringify(dataset))));
      }
      expect(row.sha256).toBe(sha256Hex(canonicalJson(row.data)));

      // Later writes change the dashboards, never the snapshot.
      await h.db.insertInto('outreach_event')
        .values({ occurred_on: `${FY}-03-03`, state: 'CO', format: 'webinar', audience: 'parents', attendees: 123 })
        .execute();
      const after = await readAllDashboardDatasets(h.db, { division: 'mountain', fiscalYear: FY }, OPTIONS);
      expect(after.datasets.overview.outreach.peopleReached).toBe(live.datasets.overview.outreach.peopleReached + 123);
      expect(after.seq).toBeGreaterThan(live.seq);
      const opened = await as(board).snapshots.get({ id: made.id });
      expect(opened.verified).toBe(true);
      expect(opened.seq).toBe(live.seq);
      expect((opened.datasets.overview as typeof live.datasets.overview).outreach.peopleReached).toBe(live.datasets.overview.outreach.peopleReached);
    });

    it('reads a quarter or a span of dates as the dashboards do for that date range', async () => {
      const q = await as(leader).snapshots.create({ title: 'Q2', period: { kind: 'fiscal_quarter', fiscalYear: FY, quarter: 2 } });
      const live = await readAllDashboardDatasets(h.db, { from: `${FY}-04-01`, to: `${FY}-06-30` }, OPTIONS);
      const row = await h.db.selectFrom('snapshot').select(['data', 'period_label', 'period_from', 'period_to']).where('id', '=', q.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ period_label: `FY${FY} Q2`, period_from: `${FY}-04-01`, period_to: `${FY}-07-01` });
      const stored = (row.data as { datasets: Record<string, Record<string, unknown>> }).datasets;
      expect(withoutAsOf(stored.outreach)).toEqual(withoutAsOf(JSON.parse(JSON.stringify(live.datasets.outreach))));
    });

    it('shows survivor figures only rounded to a multiple of 5, or withheld (tests/integration/disclosure.test.ts attacks them)', async () => {
      const made = await make('Utah only', { state: 'UT' });
      const opened = await as(board).snapshots.get({ id: made.id });
      const { served, newIntakes } = (opened.datasets.overview as { survivors: Record<string, unknown> }).survivors;
      for (const value of [served, newIntakes]) expect(typeof value === 'number' ? value % 5 === 0 : value === WITHHELD).toBe(true);
    });

    it('is refused UPDATE of its data and DELETE by the database; title and notes edits are audited', async () => {
      const { id } = await make('Immutable');
      for (const change of [sql`update snapshot set data = '{"datasets":{}}' where id = ${id}`, sql`update snapshot set seq = seq + 1 where id = ${id}`,
        sql`update snapshot set sha256 = repeat('0', 64) where id = ${id}`, sql`update snapshot set filters = '{"state":"UT"}' where id = ${id}`,
        sql`update snapshot set period_from = period_from - 1 where id = ${id}`, sql`update snapshot set author_id = null where id = ${id}`]) {
        await expect(change.execute(h.db)).rejects.toThrow(/immutable/);
      }
      await expect(sql`delete from snapshot where id = ${id}`.execute(h.db)).rejects.toThrow(/cannot be deleted/);
      await expect(sql`truncate snapshot cascade`.execute(h.db)).rejects.toThrow(/append-only|permanent/);

      await as(leader).snapshots.updateNotes({ id, title: 'Immutable, renamed', notes: 'What the quarter meant.' });
      const opened = await as(board).snapshots.get({ id });
      expect(opened).toMatchObject({ title: 'Immutable, renamed', notes: 'What the quarter meant.', verified: true });
      const audit = await h.db.selectFrom('audit_log').selectAll().where('action', '=', 'snapshots.updateNotes').where('entity_id', '=', String(id)).execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_id: leader.id, before: { title: 'Immutable', notes: '' }, after: { title: 'Immutable, renamed' } });
      expect(await refusal(as(board).snapshots.updateNotes({ id, notes: 'board cannot' }))).toBe('FORBIDDEN');
    });

    it('reports a tampered row (changed behind the trigger) as not matching its hash', async () => {
      const { id } = await make('Tampered');
      // Only a superuser can do this, which is the point: the hash catches what the trigger cannot.
      await sql`alter table snapshot disable trigger snapshot_immutable`.execute(h.db);
      try {
        await sql`update snapshot set data = jsonb_set(data, '{datasets,overview,funding,disbursedCents}', '1') where id = ${id}`.execute(h.db);
      } finally {
        await sql`alter table snapshot enable trigger snapshot_immutable`.execute(h.db);
      }
      expect((await as(board).snapshots.get({ id })).verified).toBe(false);
      const compared = await as(board).snapshots.compare({ a: id, b: (await make('Untouched')).id });
      expect([compared.a.verified, compared.b.verified]).toEqual([false, true]);
    });

    it('compares two snapshots metric by metric and lists needs fulfilled and requests disbursed between them', async () => {
      const a = await make('Before');
      const need = await h.db.selectFrom('aftercare_need').select(['id', 'status']).where('status', '=', 'pledged').orderBy('id').executeTakeFirstOrThrow();
      await h.db.updateTable('aftercare_need').set({ status: 'fulfilled', fulfilled_quantity: sql<number>`quantity` }).where('id', '=', need.id).execute();
      const request = await h.db.selectFrom('funding_request').select(['id', 'approved_cents']).where('stage', '=', 'approved').where('fiscal_year', '=', FY)
        .orderBy('id').executeTakeFirstOrThrow();
      await h.db.insertInto('funding_stage_event')
        .values({ request_id: request.id, from_stage: 'approved', to_stage: 'disbursed', amount_cents: request.approved_cents })
        .execute();
      const b = await make('After');
      const result = await as(leader).snapshots.compare({ a: b.id, b: a.id });
      expect([result.a.id, result.b.id]).toEqual([a.id, b.id]);
      expect(result.between!.needsFulfilled.items.map((n) => n.id)).toContain(need.id);
      expect(result.between!.requestsDisbursed.items.map((r) => r.id)).toEqual([request.id]);
      expect(result.between!.requestsDisbursed.amountCents).toBe(request.approved_cents);

      // The board reads only what snapshots hold: the same metrics, and nothing read from the live
      // tables (the lists name needs, centers and partners as they are now).
      const forBoard = await as(board).snapshots.compare({ a: b.id, b: a.id });
      expect(forBoard.between).toBeNull();
      expect(forBoard.metrics).toEqual(result.metrics);
      const disbursed = result.metrics.find((m) => m.key === 'overview|Funding|funding.disbursedCents')!;
      expect(disbursed.change).toBe(request.approved_cents);
      expect(disbursed.percent).toBe(Math.round((request.approved_cents / (disbursed.a as number)) * 1000) / 10);
      expect(result.metrics.length).toBeGreaterThan(20);
    });

    it('share links: a ≥128-bit token, stored only as its hash, opening that snapshot only until revoked or expired', async () => {
      const { id } = await make('Shared');
      const other = await make('Not shared');
      const link = await as(admin).snapshots.createShareLink({ snapshotId: id, expiresInDays: 7 });
      expect(Buffer.from(link.token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
      const stored = await h.db.selectFrom('snapshot_share_link').selectAll().where('id', '=', link.id).executeTakeFirstOrThrow();
      expect(stored.token_hash).toBe(sha256Hex(link.token));
      expect(JSON.stringify(stored)).not.toContain(link.token);

      const first = await openSharedSnapshot(h.db, link.token);
      // That snapshot (the share view carries no id, author, seq or hash: see tests/e2e/security.test.ts).
      expect(first?.snapshot.title).toBe('Shared');
      expect(first?.snapshot.verified).toBe(true);
      expect(first?.snapshot).not.toHaveProperty('sha256');
      expect(other.id).not.toBe(id);
      expect((await openSharedSnapshot(h.db, link.token))?.link.viewCount).toBe(2);
      expect(await openSharedSnapshot(h.db, link.token.slice(0, -1) + (link.token.endsWith('A') ? 'B' : 'A'))).toBeNull();
      // The token is no credential for the API: anonymous callers are refused everything.
      expect(await refusal(as(null).snapshots.get({ id }))).toBe('UNAUTHORIZED');
      expect(await refusal(as(null).snapshots.list({}))).toBe('UNAUTHORIZED');

      await as(admin).snapshots.revokeShareLink({ id: link.id });
      expect(await openSharedSnapshot(h.db, link.token)).toBeNull();
      const links = await as(admin).snapshots.shareLinks({ snapshotId: id });
      expect(links[0]).toMatchObject({ id: link.id, viewCount: 2, revokedAt: expect.any(Date) });

      const old = await createShareLink(h.db, admin, { snapshotId: id, expiresInDays: 1 }, new Date(Date.now() - 2 * 86_400_000));
      expect(await openSharedSnapshot(h.db, old.token)).toBeNull();
      expect(await refusal(as(leader).snapshots.createShareLink({ snapshotId: id, expiresInDays: 7 }))).toBe('FORBIDDEN');
    });

    it('makes a scheduled snapshot when its time comes', async () => {
      const runAt = new Date(Date.now() + 400);
      const schedule = await as(leader).snapshots.setSchedule({ title: 'Monthly board pack', frequency: 'monthly', nextRunAt: runAt, filters: { division: 'pacific' } });
      const scheduler = startSnapshotScheduler(h.db, 50, OPTIONS);
      try {
        const made = () => h.db.selectFrom('snapshot').selectAll().where('schedule_id', '=', schedule.id).execute();
        await until(async () => (await made()).length > 0, 'the scheduled snapshot');
        const [snap] = await made();
        expect(snap.scheduled_for?.getTime()).toBe(runAt.getTime());
        expect(snap.created_at.getTime()).toBeGreaterThanOrEqual(runAt.getTime() - 1000);
        expect(snap.filters).toEqual({ division: 'pacific' });
        expect(snap.author_id).toBeNull();
        const next = (await as(leader).snapshots.schedules()).find((s) => s.id === schedule.id)!;
        expect(next.nextRunAt.getTime()).toBeGreaterThan(runAt.getTime());
      } finally {
        await scheduler.stop();
      }
      await as(leader).snapshots.deleteSchedule({ id: schedule.id });
    });

    it('makes the runs missed while the server was down on the next start, once each, even with two instances', async () => {
      const now = Date.now();
      const missedSince = new Date(now - 75 * 86_400_000);
      // A schedule whose runs fell due while no server was up (setSchedule refuses a first run this far back).
      const schedule = await h.db
        .insertInto('snapshot_schedule')
        .values({ title: 'Missed', frequency: 'monthly', filters: '{}', next_run_at: missedSince, created_by: admin.id })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Two instances starting at once: each run is claimed by exactly one of them.
      await Promise.all([runDueSchedules(h.db, OPTIONS), runDueSchedules(h.db, OPTIONS)]);
      const rows = await h.db.selectFrom('snapshot').select(['scheduled_for', 'title']).where('schedule_id', '=', schedule.id).orderBy('scheduled_for').execute();
      expect(rows.length).toBeGreaterThanOrEqual(3);
      expect(new Set(rows.map((r) => r.scheduled_for!.getTime())).size).toBe(rows.length);
      expect(rows[0].scheduled_for!.getTime()).toBe(missedSince.getTime());
      for (const r of rows) expect(r.scheduled_for!.getTime()).toBeLessThanOrEqual(Date.now());
      const after = (await as(admin).snapshots.schedules()).find((s) => s.id === schedule.id)!;
      expect(after.nextRunAt.getTime()).toBeGreaterThan(now);
      expect(await runDueSchedules(h.db, OPTIONS)).toEqual([]);
    });

    it('lists snapshots for the board, without their data', async () => {
      const list = await as(board).snapshots.list({});
      expect(list.length).toBeGreaterThan(3);
      expect(Object.keys(list[0])).not.toContain('data');
      expect(await refusal(as(board).snapshots.create({ title: 'x', period: { kind: 'fiscal_year', fiscalYear: FY } }))).toBe('FORBIDDEN');
    });
  });
}
