// Bounded schedules: a first run at most one period back and one year ahead (refused beside its
// field otherwise), and a server that was down for years back-fills at most 12 runs, the first of
// which notes the gap. On PGlite and Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { runDueSchedules } from '../../src/lib/server/snapshots/snapshots.service.js';

const createCaller = createCallerFactory(appRouter);
const OPTIONS = { fiscalYearStartMonth: 1 };
const DAY = 86_400_000;

async function refused(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    // Refused by the input rules (zod) or by the service (a DomainError naming its field).
    const data = err.cause instanceof ZodError
      ? { fieldErrors: err.cause.flatten().fieldErrors as Record<string, string[]> }
      : (err.cause as { details?: { fieldErrors?: Record<string, string[]> } } | undefined)?.details;
    return { code: err.code, message: err.message, fieldErrors: data?.fieldErrors ?? {} };
  }
  return null;
}

for (const target of targets) {
  describe(`snapshot schedules on ${target.name}`, () => {
    let h: TestDb;
    let leader: SessionUser;
    const as = (user: SessionUser) => createCaller({ db: h.db, dbKind: h.kind, user });
    const set = (frequency: 'monthly' | 'quarterly', nextRunAt: Date) => as(leader).snapshots.setSchedule({ title: 'Board pack', frequency, nextRunAt });

    beforeAll(async () => {
      h = await target.open();
      leader = await testUser(h.db, 'leadership');
    }, 120_000);
    afterAll(() => h?.drop());

    it('refuses a first run more than one period back or more than a year ahead, in plain words beside the field', async () => {
      const now = Date.now();
      const cases: Array<['monthly' | 'quarterly', number]> = [
        ['monthly', -40], // a month is at most 31 days
        ['quarterly', -100], // three months are at most 92 days
        ['monthly', 370],
        ['quarterly', 400],
        ['monthly', -100 * 365]
      ];
      for (const [frequency, days] of cases) {
        const r = await refused(set(frequency, new Date(now + days * DAY)));
        expect(r, `${frequency} ${days} days`).not.toBeNull();
        expect(r!.code).toBe('BAD_REQUEST');
        expect(r!.fieldErrors.nextRunAt?.[0]).toBe(r!.message);
        expect(r!.message).toMatch(/first run/i);
        expect(r!.message).not.toMatch(/nextRunAt|next_run_at|Date|invalid/);
      }
      expect(await h.db.selectFrom('snapshot_schedule').select('id').execute()).toEqual([]);
    });

    it('accepts a first run within one period back and one year ahead', async () => {
      const now = Date.now();
      for (const [frequency, days] of [['monthly', -27], ['quarterly', -88], ['monthly', 360], ['quarterly', 1]] as const) {
        const s = await set(frequency, new Date(now + days * DAY));
        expect(s.id).toBeGreaterThan(0);
        await as(leader).snapshots.deleteSchedule({ id: s.id });
      }
    });

    it('back-fills at most 12 missed runs after a long outage, the first of them noting the gap', async () => {
      // A monthly schedule whose next run was due on the 1st, three years before this month's 1st:
      // a run on each 1st since, 37 in all (this month's included), of which the latest 12 are made.
      const today = new Date();
      const [y, m] = [today.getUTCFullYear(), today.getUTCMonth()];
      const first = new Date(Date.UTC(y - 3, m, 1));
      const { id } = await h.db
        .insertInto('snapshot_schedule')
        .values({ title: 'Monthly', frequency: 'monthly', filters: '{}', next_run_at: first, created_by: leader.id })
        .returning('id')
        .executeTakeFirstOrThrow();

      const made = await runDueSchedules(h.db, OPTIONS);
      expect(made).toHaveLength(12);
      const rows = await h.db.selectFrom('snapshot').select(['scheduled_for', 'notes']).where('schedule_id', '=', id).orderBy('scheduled_for').execute();
      expect(rows.map((r) => r.scheduled_for!.toISOString())).toEqual(
        Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(y, m - 11 + i, 1)).toISOString())
      );
      // 37 − 12 = 25 skipped: from the month before `first` (the period its run covers) onwards.
      expect(rows[0].notes).toMatch(/25 scheduled runs/);
      expect(rows[0].notes).toMatch(/gap/i);
      expect(rows.slice(1).every((r) => r.notes === '')).toBe(true);
      const schedule = await h.db.selectFrom('snapshot_schedule').select('next_run_at').where('id', '=', id).executeTakeFirstOrThrow();
      expect(schedule.next_run_at.toISOString()).toBe(new Date(Date.UTC(y, m + 1, 1)).toISOString());
      expect(await runDueSchedules(h.db, OPTIONS)).toEqual([]);
    });

    it('back-fills every missed run when there are 12 or fewer, without a gap note', async () => {
      const today = new Date();
      const [y, m] = [today.getUTCFullYear(), today.getUTCMonth()];
      const { id } = await h.db
        .insertInto('snapshot_schedule')
        .values({ title: 'Quarterly', frequency: 'quarterly', filters: '{}', next_run_at: new Date(Date.UTC(y - 2, m, 1)), created_by: leader.id })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Every 3 months from two years back: 9 runs up to this month's 1st.
      expect(await runDueSchedules(h.db, OPTIONS)).toHaveLength(9);
      const rows = await h.db.selectFrom('snapshot').select('notes').where('schedule_id', '=', id).execute();
      expect(rows.every((r) => r.notes === '')).toBe(true);
    });
  });
}
