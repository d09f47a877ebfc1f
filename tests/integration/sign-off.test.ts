// Monthly sign-off (issue 21, item 4): leadership signs a division's month off and the database
// refuses every write dated in it — through the procedures (funding pay/advance/correct, survivor
// counts, outreach create/update, needs), through imports (the whole file, the row named) and raw SQL
// (SQLSTATE BC005) — while other months and divisions still take writes; an admin reopens it with a
// reason and the writes pass again; lock and reopen are audited; dashboards list the period's months
// not signed off (provisional).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

/** The error a call fails with, and its formatted `data` (as a browser receives it). */
async function refusal(call: Promise<unknown>) {
  const err = await call.then(() => null, (e: unknown) => e);
  expect(err, 'the call was accepted').toBeInstanceOf(TRPCError);
  const e = err as TRPCError;
  const shape = appRouter._def._config.errorFormatter({
    shape: { message: e.message, code: -32600, data: { code: e.code, httpStatus: 400 } } as never,
    error: e, type: 'mutation', path: undefined, input: undefined, ctx: undefined
  }) as unknown as { message: string; data: { fieldErrors: Record<string, string[]> | null } };
  return { code: e.code, message: shape.message, fieldErrors: shape.data.fieldErrors ?? {} };
}

/** A database error (SQLSTATE and message) from a raw write. */
async function dbError(write: Promise<unknown>) {
  const err = await write.then(() => null, (e: unknown) => e);
  expect(err, 'the database accepted it').not.toBeNull();
  return err as { code: string; message: string };
}

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}
/** 'March 2026', written from the calendar (not by the code under test). */
const monthName = (month: string) =>
  `${new Date(`${month}-01T12:00:00Z`).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })} ${month.slice(0, 4)}`;
const lastDay = (month: string) => new Date(Date.parse(`${addMonths(month, 1)}-01T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

const csvOf = (rows: Array<Array<string | number>>) => rows.map((r) => r.join(',')).join('\n') + '\n';

for (const target of targets) {
  describe(`monthly sign-off on ${target.name}`, () => {
    let h: TestDb;
    let leader: SessionUser;
    let admin: SessionUser;
    let L: Caller;
    let A: Caller;
    let M: Caller;
    /** Months relative to the organisation's current month: approvals, the month locked, an open one. */
    let early: string;
    let locked: string;
    let open: string;
    let sentence: string;
    let centerId: number;
    const ids: Record<string, number> = {};
    const count = async (table: 'outreach_event' | 'survivor_count' | 'funding_stage_event' | 'funding_request' | 'aftercare_need') =>
      Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    beforeAll(async () => {
      h = await target.open();
      leader = await testUser(h.db, 'leadership');
      admin = await testUser(h.db, 'admin');
      L = createCaller({ db: h.db, dbKind: h.kind, user: leader });
      A = createCaller({ db: h.db, dbKind: h.kind, user: admin });
      M = createCaller({ db: h.db, dbKind: h.kind, user: await testUser(h.db, 'coordinator', { divisions: ['mountain'] }) });
      const current = (await sql<{ m: string }>`select to_char(local_day(now()), 'YYYY-MM') as m`.execute(h.db)).rows[0].m;
      early = addMonths(current, -4);
      locked = addMonths(current, -2);
      open = addMonths(current, -1);
      sentence = `${monthName(locked)} is signed off and locked for the Mountain division; an admin must reopen it before anything dated in it changes.`;

      const partners = await L.imports.commit({ kind: 'partners', fileName: 'partners.csv', csv: csvOf([
        ['External id', 'Name', 'Kind', 'State', 'Vetting', 'Vetted until'],
        ['P-1', 'Synthetic Denver Task Force', 'ICAC task force', 'CO', 'vetted', '2030-12-31'],
        ['P-2', 'Synthetic Pueblo Haven', 'Aftercare center', 'CO', 'vetted', '2030-12-31']
      ]) });
      expect(partners).toMatchObject({ committed: true, inserted: 2 });
      centerId = Number((await h.db.selectFrom('partner').select('id').where('external_id', '=', 'P-2').executeTakeFirstOrThrow()).id);
      const requests = await L.imports.commit({ kind: 'requests', fileName: 'requests.csv', csv: csvOf([
        ['Request ID', 'Partner', 'Category', 'Amount requested', 'Created', 'Approved date', 'Approved amount', 'Disbursed date', 'Disbursed amount'],
        ['R-1', 'P-1', 'Forensic hardware', '5000', `${early}-03`, `${early}-05`, '1000', `${early}-10`, '400'],
        ['R-2', 'P-1', 'Forensic hardware', '5000', `${early}-03`, `${early}-05`, '2000', '', ''],
        ['R-3', 'P-1', 'Forensic hardware', '5000', `${locked}-03`, `${locked}-05`, '3000', '', '']
      ]) });
      expect(requests.errors).toEqual([]);
      expect(requests.committed).toBe(true);
      for (const r of await h.db.selectFrom('funding_request').select(['id', 'external_id']).execute()) ids[r.external_id!] = Number(r.id);
      ids.approval3 = Number((await h.db.selectFrom('funding_stage_event').select('id').where('request_id', '=', ids['R-3']).where('to_stage', '=', 'approved').executeTakeFirstOrThrow()).id);
      await L.survivorCounts.set({ centerId, month: locked, served: 10, newIntakes: 2, bedNights: 150, exitsToSafeHousing: 1 });
      const inLocked = await L.outreach.create({ occurredOn: `${locked}-12`, state: 'CO', format: 'webinar', audience: 'parents', attendees: 20 });
      const inOpen = await L.outreach.create({ occurredOn: `${open}-12`, state: 'CO', format: 'webinar', audience: 'parents', attendees: 30 });
      ids.outreachLocked = inLocked.id;
      ids.outreachOpen = inOpen.id;
      // A need closed (cancelled) in the month to lock, one opened in it and still open: imported history.
      const at = `${locked}-14 12:00:00`;
      const needs = await sql<{ id: number }>`insert into aftercare_need (center_id, title, kind, status, created_at, closed_at) values
        (${centerId}, 'Synthetic closed need', 'equipment', 'cancelled', (${at}::timestamp at time zone beacon_tz()), (${at}::timestamp at time zone beacon_tz())),
        (${centerId}, 'Synthetic open need', 'equipment', 'open', (${at}::timestamp at time zone beacon_tz()), null) returning id::int as id`.execute(h.db);
      [ids.needClosed, ids.needOpen] = needs.rows.map((r) => r.id);
    });
    afterAll(() => h?.drop());

    const lockedPeriod = () => ({ division: 'mountain' as const, from: `${locked}-01`, to: lastDay(locked) });

    it('dashboards list the period’s months not signed off: provisional until every division in scope signs off', async () => {
      expect((await L.dashboard.outreach(lockedPeriod())).provisionalMonths).toEqual([locked]);
      expect((await L.dashboard.overview({ division: 'mountain', from: `${locked}-01`, to: lastDay(open) })).provisionalMonths).toEqual([locked, open]);
    });

    it('signs off a month that has ended (audited); the current month and a second sign-off are refused in plain words', async () => {
      const current = addMonths(open, 1);
      const notEnded = await refusal(L.periods.lock({ division: 'mountain', month: current }));
      expect(notEnded.code).toBe('BAD_REQUEST');
      expect(notEnded.fieldErrors.month?.[0]).toBe(`${monthName(current)} has not ended yet: only a month that has ended can be signed off.`);
      // The database refuses it too, whoever writes.
      expect((await dbError(sql`insert into period_approval (division_code, month) values ('mountain', ${`${current}-01`}::date)`.execute(h.db))).code).toBe('23514');

      await L.periods.lock({ division: 'mountain', month: locked });
      const again = await refusal(A.periods.lock({ division: 'mountain', month: locked }));
      expect(again.code).toBe('CONFLICT');
      const audit = await h.db.selectFrom('audit_log').select(['actor_id', 'after']).where('action', '=', 'periods.lock').execute();
      expect(audit).toEqual([{ actor_id: leader.id, after: { division: 'mountain', month: locked, status: 'signed_off' } }]);

      expect((await L.dashboard.outreach(lockedPeriod())).provisionalMonths).toEqual([]);
      expect((await L.dashboard.aftercare(lockedPeriod())).provisionalMonths).toEqual([]);
      // Every division in scope: without the division filter ten others are still open.
      expect((await L.dashboard.funding({ from: `${locked}-01`, to: lastDay(locked) })).provisionalMonths).toEqual([locked]);
    });

    it('every procedure that writes something dated in the locked month is refused beside its field, nothing written', async () => {
      const events = await count('funding_stage_event');
      const pay = await refusal(L.funding.pay({ id: ids['R-1'], amountCents: 10_000, paidOn: `${locked}-15` }));
      expect(pay).toMatchObject({ code: 'BAD_REQUEST', message: sentence, fieldErrors: { paidOn: [sentence] } });
      const disburse = await refusal(L.funding.advance({ id: ids['R-2'], from: 'approved', to: 'disbursed', paidOn: `${locked}-15` }));
      expect(disburse.fieldErrors.paidOn).toEqual([sentence]);
      // A correction is dated on the event it corrects (an approval in the locked month).
      const correct = await refusal(L.funding.correct({ id: ids['R-3'], eventId: ids.approval3, amountCents: 250_000, reason: 'Synthetic: the minute says $2,500' }));
      expect(correct.fieldErrors.amountCents).toEqual([sentence]);
      expect(await count('funding_stage_event')).toBe(events);

      const counts = await refusal(M.survivorCounts.set({ centerId, month: locked, served: 11, newIntakes: 2, bedNights: 150, exitsToSafeHousing: 1 }));
      expect(counts.fieldErrors.month).toEqual([sentence]);
      expect(Number((await h.db.selectFrom('survivor_count').select('served').where('center_id', '=', centerId).executeTakeFirstOrThrow()).served)).toBe(10);

      const outreach = await count('outreach_event');
      const created = await refusal(M.outreach.create({ occurredOn: `${locked}-20`, state: 'UT', format: 'webinar', audience: 'parents', attendees: 5 }));
      expect(created.fieldErrors.occurredOn).toEqual([sentence]);
      const edited = await refusal(M.outreach.update({ id: ids.outreachLocked, version: 1, changes: { attendees: 25 } }));
      expect(edited).toMatchObject({ code: 'BAD_REQUEST', message: sentence });
      const moved = await refusal(M.outreach.update({ id: ids.outreachOpen, version: 1, changes: { occurredOn: `${locked}-28` } }));
      expect(moved.fieldErrors.occurredOn).toEqual([sentence]);
      expect(await count('outreach_event')).toBe(outreach);
      const stored = await h.db.selectFrom('outreach_event').select(['id', 'attendees', 'occurred_on']).where('id', 'in', [ids.outreachLocked, ids.outreachOpen]).orderBy('id').execute();
      expect(stored.map((o) => o.attendees)).toEqual([20, 30]);

      // Reopening a need closed in the locked month changes that month's closed count.
      const reopen = await refusal(M.needs.move({ id: ids.needClosed, version: 1, to: 'open' }));
      expect(reopen.fieldErrors.to).toEqual([sentence]);
    });

    it('an import with one row dated in the locked month writes nothing and names the row', async () => {
      const outreach = await count('outreach_event');
      const file = await L.imports.commit({ kind: 'outreach', fileName: 'outreach.csv', csv: csvOf([
        ['External id', 'Date', 'State', 'Format', 'Audience', 'Attendees'],
        ['O-1', `${open}-02`, 'CO', 'Webinar', 'Parents', 12],
        ['O-2', `${locked}-09`, 'AZ', 'Webinar', 'Parents', 14],
        ['O-3', `${locked}-09`, 'WA', 'Webinar', 'Parents', 16]
      ]) });
      expect(file.committed).toBe(false);
      expect(file.errors).toEqual([{ row: 3, field: 'Date', message: expect.stringContaining(`${monthName(locked)} is signed off and locked for the Mountain division`) }]);
      expect(await count('outreach_event')).toBe(outreach);

      const counts = await L.imports.commit({ kind: 'survivor-counts', fileName: 'counts.csv', csv: csvOf([
        ['Center', 'Month', 'Survivors served', 'New intakes', 'Bed nights'], ['P-2', open, 9, 1, 100], ['P-2', locked, 12, 1, 100]
      ]) });
      expect(counts.committed).toBe(false);
      expect(counts.errors.map((e) => [e.row, e.field])).toEqual([[3, 'Month']]);

      const events = await count('funding_stage_event');
      const requests = await L.imports.commit({ kind: 'requests', fileName: 'requests.csv', csv: csvOf([
        ['Request ID', 'Partner', 'Category', 'Amount requested', 'Created', 'Approved date', 'Approved amount'],
        ['R-4', 'P-1', 'Forensic hardware', '5000', `${early}-03`, `${open}-05`, '1000'],
        ['R-5', 'P-1', 'Forensic hardware', '5000', `${early}-03`, `${locked}-05`, '1000']
      ]) });
      expect(requests.committed).toBe(false);
      expect(requests.errors.map((e) => [e.row, e.field])).toEqual([[3, 'Approved date']]);
      expect(await count('funding_stage_event')).toBe(events);
    });

    it('raw SQL dated in the locked month is refused (BC005, the plain sentence), the whole statement', async () => {
      const before = { outreach: await count('outreach_event'), counts: await count('survivor_count'), requests: await count('funding_request'), needs: await count('aftercare_need') };
      const day = `${locked}-16`;
      const writes = [
        // One row in an open month and one in the locked month: neither is written.
        sql`insert into outreach_event (occurred_on, state, format, audience, attendees) values
          (${`${open}-16`}::date, 'CO', 'webinar', 'parents', 3), (${day}::date, 'NM', 'webinar', 'parents', 4)`,
        sql`update outreach_event set attendees = attendees + 1 where id = ${ids.outreachLocked}`,
        sql`delete from outreach_event where id = ${ids.outreachLocked}`,
        sql`update survivor_count set served = served + 1 where center_id = ${centerId}`,
        sql`delete from survivor_count where center_id = ${centerId}`,
        sql`insert into funding_request (partner_id, title, category, fiscal_year, requested_cents, created_at)
          values (${(await h.db.selectFrom('partner').select('id').where('external_id', '=', 'P-1').executeTakeFirstOrThrow()).id}, 'Synthetic backdated', 'forensic_hardware', 2026, 100000, (${day}::timestamp at time zone beacon_tz()))`,
        sql`insert into funding_stage_event (request_id, from_stage, to_stage, kind, corrects_event_id, corrected_to_cents, reason)
          values (${ids['R-3']}, 'approved', 'approved', 'correction', ${ids.approval3}, 100000, 'Synthetic: by hand')`,
        sql`insert into aftercare_need (center_id, title, kind, created_at) values (${centerId}, 'Synthetic backdated need', 'equipment', (${day}::timestamp at time zone beacon_tz()))`,
        sql`update aftercare_need set status = 'open' where id = ${ids.needClosed}`
      ];
      for (const w of writes) {
        const e = await dbError(w.execute(h.db));
        expect(e.code).toBe('BC005');
        expect(e.message).toBe(sentence);
      }
      expect({ outreach: await count('outreach_event'), counts: await count('survivor_count'), requests: await count('funding_request'), needs: await count('aftercare_need') }).toEqual(before);
    });

    it('writes in other months and divisions pass, and so do moves of what was merely created in the locked month', async () => {
      await L.funding.pay({ id: ids['R-1'], amountCents: 10_000, paidOn: `${open}-15` });
      await M.survivorCounts.set({ centerId, month: open, served: 9, newIntakes: 1, bedNights: 100, exitsToSafeHousing: 0 });
      await M.outreach.create({ occurredOn: `${open}-20`, state: 'UT', format: 'webinar', audience: 'parents', attendees: 5 });
      await L.outreach.create({ occurredOn: `${locked}-20`, state: 'WA', format: 'webinar', audience: 'parents', attendees: 5 });
      await M.outreach.update({ id: ids.outreachOpen, version: 1, changes: { attendees: 31 } });
      // Opened in the locked month, closed now: the locked month's figures do not change.
      await M.needs.move({ id: ids.needOpen, version: 1, to: 'cancelled' });
      // Created in the locked month, approved again now is impossible; a payment now of R-3 is a move dated today.
      await L.funding.advance({ id: ids['R-3'], from: 'approved', to: 'disbursed' });
    });

    it('status shows completeness and who signed off; coordinators see their divisions only', async () => {
      const s = await L.periods.status({ to: open, months: 3 });
      expect(s.months).toEqual([open, locked, addMonths(locked, -1)]);
      expect(s.divisions).toHaveLength(11);
      const cell = s.divisions.find((d) => d.division === 'mountain')!.cells.find((c) => c.month === locked)!;
      expect(cell).toMatchObject({ status: 'signed_off', signedOff: { byName: leader.displayName }, reopened: null, centers: { reported: 1 } });
      // Outreach logged in the locked month for Mountain: the one event made before the lock.
      expect(cell.outreachEvents).toBe(1);
      expect(s.divisions.find((d) => d.division === 'pacific')!.cells.find((c) => c.month === locked)).toMatchObject({ status: 'open', outreachEvents: 1 });
      const m = await M.periods.status({ to: open, months: 3 });
      expect(m.divisions.map((d) => d.division)).toEqual(['mountain']);
      expect(m).toMatchObject({ mayLock: false, mayUnlock: false });
    });

    it('an admin reopens with a reason (audited); then the writes pass', async () => {
      expect((await refusal(L.periods.unlock({ division: 'mountain', month: locked, reason: 'Synthetic: late report' }))).code).toBe('FORBIDDEN');
      const noReason = await refusal(A.periods.unlock({ division: 'mountain', month: locked, reason: ' ' }));
      expect(noReason.fieldErrors.reason?.[0]).toBe('Write why the month is reopened (at least 3 characters).');
      const notLocked = await refusal(A.periods.unlock({ division: 'pacific', month: locked, reason: 'Synthetic: nothing to reopen' }));
      expect(notLocked.fieldErrors.month?.[0]).toBe(`${monthName(locked)} is not signed off for the Pacific division: there is nothing to reopen.`);

      await A.periods.unlock({ division: 'mountain', month: locked, reason: 'Synthetic: the center sent corrected counts' });
      const audit = await h.db.selectFrom('audit_log').select(['actor_id', 'before', 'after']).where('action', '=', 'periods.unlock').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0].actor_id).toBe(admin.id);
      expect(audit[0].before).toMatchObject({ division: 'mountain', month: locked, status: 'signed_off', signedOffBy: leader.id });
      expect(audit[0].after).toEqual({ division: 'mountain', month: locked, status: 'reopened', reason: 'Synthetic: the center sent corrected counts' });

      await M.survivorCounts.set({ centerId, month: locked, served: 11, newIntakes: 2, bedNights: 150, exitsToSafeHousing: 1 });
      await L.funding.pay({ id: ids['R-1'], amountCents: 10_000, paidOn: `${locked}-15` });
      await M.outreach.update({ id: ids.outreachLocked, version: 1, changes: { attendees: 25 } });
      const cell = (await L.periods.status({ to: open, months: 3 })).divisions.find((d) => d.division === 'mountain')!.cells.find((c) => c.month === locked)!;
      expect(cell).toMatchObject({ status: 'reopened', reopened: { byName: admin.displayName, reason: 'Synthetic: the center sent corrected counts' } });
      expect((await L.dashboard.outreach(lockedPeriod())).provisionalMonths).toEqual([locked]);
      // Signed off again: locked again.
      await L.periods.lock({ division: 'mountain', month: locked });
      expect((await dbError(sql`delete from survivor_count where center_id = ${centerId}`.execute(h.db))).code).toBe('BC005');
    });
  });
}
