// Partners, budgets and goals, survivor counts entered in the app (issue 16, items 4–6): each
// procedure's refusals in plain words (nothing written), region scope, the audit row with before →
// after, the change_log row that makes it live, and the database's own refusals whoever writes (SQL).
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

/** The error a call fails with, and its formatted `data` (as a browser would receive it). */
async function refusal(call: Promise<unknown>) {
  const err = await call.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TRPCError);
  const e = err as TRPCError;
  const shape = appRouter._def._config.errorFormatter({
    shape: { message: e.message, code: -32600, data: { code: e.code, httpStatus: 400 } } as never,
    error: e, type: 'mutation', path: undefined, input: undefined, ctx: undefined
  }) as unknown as { data: { fieldErrors: Record<string, string[]> | null } };
  return { code: e.code, message: e.message, fieldErrors: shape.data.fieldErrors ?? {} };
}

/** A database error's SQLSTATE (both drivers put it on `code`). */
async function sqlstate(write: Promise<unknown>): Promise<string> {
  const err = await write.then(() => null, (e: unknown) => e);
  expect(err, 'the database accepted it').not.toBeNull();
  return (err as { code: string }).code;
}

/** Plain words: no field keys, no cents, no validator wording. */
function expectPlain(message: string | undefined) {
  expect(message).toBeTruthy();
  expect(message).not.toMatch(/cents|amountCents|vettedUntil|newIntakes|bedNights|exitsToSafeHousing|Expected|Invalid|zod|Required/);
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysFromNow = (n: number) => isoDay(new Date(Date.now() + n * 86_400_000));

for (const target of targets) {
  describe(`data entry on ${target.name}`, () => {
    let h: TestDb;
    let mountain: SessionUser;
    let pacific: SessionUser;
    let leader: SessionUser;
    let M: Caller;
    let P: Caller;
    let L: Caller;
    const audits = async (action: string) =>
      h.db.selectFrom('audit_log').select(['actor_id', 'entity_id', 'before', 'after', 'state']).where('action', '=', action).orderBy('id').execute();
    const changes = async (topic: string, afterSeq: number) =>
      h.db.selectFrom('change_log').select(['seq', 'entity', 'entity_id', 'op']).where('topic', '=', topic).where('seq', '>', afterSeq).execute();
    const lastSeq = async () => Number((await sql<{ s: number }>`select coalesce(max(seq), 0)::int as s from change_log`.execute(h.db)).rows[0].s);
    const today = async () => (await sql<{ d: string }>`select to_char(local_day(now()), 'YYYY-MM-DD') as d`.execute(h.db)).rows[0].d;

    beforeAll(async () => {
      h = await target.open();
      mountain = await testUser(h.db, 'coordinator', { divisions: ['mountain'] });
      pacific = await testUser(h.db, 'coordinator', { divisions: ['pacific'] });
      leader = await testUser(h.db, 'leadership');
      M = createCaller({ db: h.db, dbKind: h.kind, user: mountain });
      P = createCaller({ db: h.db, dbKind: h.kind, user: pacific });
      L = createCaller({ db: h.db, dbKind: h.kind, user: leader });
    });
    afterAll(() => h?.drop());

    describe('partners', () => {
      it('creates a partner pending vetting, audited and announced; bad input is refused in plain words with nothing written', async () => {
        const before = await h.db.selectFrom('partner').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        const short = await refusal(M.partners.create({ name: 'X', kind: 'forensic_lab', state: 'CO' }));
        expect(short.code).toBe('BAD_REQUEST');
        expectPlain(short.fieldErrors.name?.[0]);
        const street = await refusal(M.partners.create({ name: 'Synthetic Haven House', kind: 'aftercare_center', state: 'CO', city: '1420 Larimer St' }));
        expect(street.fieldErrors.city?.[0]).toMatch(/city only, never a street address/);
        const kind = await refusal(M.partners.create({ name: 'Synthetic Agency', kind: 'sheriff' as never, state: 'CO' }));
        expectPlain(kind.fieldErrors.kind?.[0]);
        const after = await h.db.selectFrom('partner').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        expect(Number(after.n)).toBe(Number(before.n));

        const seq = await lastSeq();
        const p = await M.partners.create({ name: 'Synthetic Front Range ICAC Task Force', kind: 'icac_task_force', state: 'CO', city: 'Denver' });
        expect(p).toMatchObject({ vettingStatus: 'pending', city: 'Denver', state: 'CO', vettedUntil: null });
        const audit = (await audits('partners.create')).at(-1)!;
        expect(audit).toMatchObject({ actor_id: mountain.id, entity_id: String(p.id), state: 'CO' });
        expect(audit.after).toMatchObject({ name: 'Synthetic Front Range ICAC Task Force', kind: 'icac_task_force', city: 'Denver' });
        expect(await changes('partner', seq)).toEqual([expect.objectContaining({ entity: 'partner', entity_id: p.id, op: 'I' })]);
      });

      it('keeps coordinators to their regions: creating, moving or vetting elsewhere is FORBIDDEN', async () => {
        expect((await refusal(P.partners.create({ name: 'Synthetic Boise Lab', kind: 'forensic_lab', state: 'ID' }))).code).toBe('FORBIDDEN');
        const p = await M.partners.create({ name: 'Synthetic Ogden Lab', kind: 'forensic_lab', state: 'UT' });
        expect((await refusal(P.partners.update({ id: p.id, changes: { name: 'Renamed' } }))).code).toBe('FORBIDDEN');
        expect((await refusal(M.partners.update({ id: p.id, changes: { state: 'CA' } }))).code).toBe('FORBIDDEN');
        expect((await refusal(P.partners.vet({ id: p.id, status: 'vetted', note: 'Synthetic evidence', vettedUntil: daysFromNow(200) }))).code).toBe('FORBIDDEN');
        const row = await h.db.selectFrom('partner').select(['name', 'state', 'vetting_status']).where('id', '=', p.id).executeTakeFirstOrThrow();
        expect(row).toEqual({ name: 'Synthetic Ogden Lab', state: 'UT', vetting_status: 'pending' });
      });

      it('updates name and city with before → after in the audit trail', async () => {
        const p = await M.partners.create({ name: 'Synthetic Safe Harbor', kind: 'aftercare_center', state: 'NM' });
        await M.partners.update({ id: p.id, changes: { name: 'Synthetic Safe Harbor Home', city: 'Santa Fe' } });
        const audit = (await audits('partners.update')).at(-1)!;
        expect(audit.before).toEqual({ name: 'Synthetic Safe Harbor', city: null });
        // Name first always (the activity feed names the partner), even when only the city changes.
        expect(audit.after).toEqual({ name: 'Synthetic Safe Harbor Home', city: 'Santa Fe' });
        await M.partners.update({ id: p.id, changes: { city: 'Taos' } });
        expect((await audits('partners.update')).at(-1)!.after).toEqual({ name: 'Synthetic Safe Harbor Home', city: 'Taos' });
        const street = await refusal(M.partners.update({ id: p.id, changes: { city: '22 Canyon Rd' } }));
        expect(street.fieldErrors.city?.[0]).toMatch(/never a street address/);
      });

      it('vets with evidence and a vetted-until date; refuses a vetting without them or already past', async () => {
        const p = await M.partners.create({ name: 'Synthetic Pueblo PD', kind: 'law_enforcement_agency', state: 'CO' });
        const noNote = await refusal(M.partners.vet({ id: p.id, status: 'vetted', note: '', vettedUntil: daysFromNow(100) }));
        expectPlain(noNote.fieldErrors.note?.[0]);
        const noDate = await refusal(M.partners.vet({ id: p.id, status: 'vetted', note: 'MOU signed' }));
        expect(noDate.fieldErrors.vettedUntil?.[0]).toBe('Enter the date the vetting is good until.');
        const past = await refusal(M.partners.vet({ id: p.id, status: 'vetted', note: 'MOU signed', vettedUntil: daysFromNow(-3) }));
        expect(past.fieldErrors.vettedUntil?.[0]).toMatch(/has passed/);
        const until = daysFromNow(300);
        const row = await M.partners.vet({ id: p.id, status: 'vetted', note: 'MOU signed; accreditation checked', vettedUntil: until });
        expect(row).toMatchObject({ vettingStatus: 'vetted', vettedUntil: until, vettingNote: 'MOU signed; accreditation checked' });
        const audit = (await audits('partners.vet')).at(-1)!;
        expect(audit.before).toMatchObject({ vetting_status: 'pending', vetted_until: null });
        expect(audit.after).toMatchObject({ vetting_status: 'vetted', vetted_until: until });
      });

      it('the database refuses an approval for a partner whose vetting expired, whoever writes it, until renewed', async () => {
        const p = await M.partners.create({ name: 'Synthetic Grand Junction PD', kind: 'law_enforcement_agency', state: 'CO' });
        await M.partners.vet({ id: p.id, status: 'vetted', note: 'Chief letter on file', vettedUntil: daysFromNow(30) });
        const newRequest = async () => {
          const r = await h.db.insertInto('funding_request').values({ partner_id: p.id, title: 'Synthetic extraction kit', category: 'extraction_software', fiscal_year: 2026, requested_cents: 1_200_000 })
            .returning('id').executeTakeFirstOrThrow();
          await sql`insert into funding_stage_event (request_id, from_stage, to_stage) values (${r.id}, 'intake', 'vetting')`.execute(h.db);
          return r.id;
        };
        // The vetting lapses (yesterday, in the organisation's time zone).
        await sql`update partner set vetted_until = local_day(now()) - 1 where id = ${p.id}`.execute(h.db);
        const bySql = await newRequest();
        expect(await sqlstate(sql`insert into funding_stage_event (request_id, from_stage, to_stage, amount_cents) values (${bySql}, 'vetting', 'approved', 500000)`.execute(h.db))).toBe('BC004');
        const viaApp = await newRequest();
        const refused = await refusal(L.funding.advance({ id: viaApp, from: 'vetting', to: 'approved', amountCents: 500_000 }));
        expect(refused.code).toBe('BAD_REQUEST');
        expect(refused.fieldErrors.partnerId?.[0]).toMatch(/^Partner "Synthetic Grand Junction PD"'s vetting expired on .+ Renew the vetting/);
        const stages = await h.db.selectFrom('funding_request').select('stage').where('id', 'in', [bySql, viaApp]).execute();
        expect(stages.map((s) => s.stage)).toEqual(['vetting', 'vetting']);

        // No vetted-until date at all is refused too.
        await sql`update partner set vetted_until = null where id = ${p.id}`.execute(h.db);
        expect(await sqlstate(sql`insert into funding_stage_event (request_id, from_stage, to_stage, amount_cents) values (${bySql}, 'vetting', 'approved', 500000)`.execute(h.db))).toBe('BC004');

        // Renewed: both approvals go through.
        await M.partners.vet({ id: p.id, status: 'vetted', note: 'Renewed: new MOU', vettedUntil: daysFromNow(365) });
        expect((await audits('partners.renewVetting')).at(-1)!.after).toMatchObject({ vetting_status: 'vetted', vetting_note: 'Renewed: new MOU' });
        await sql`insert into funding_stage_event (request_id, from_stage, to_stage, amount_cents) values (${bySql}, 'vetting', 'approved', 500000)`.execute(h.db);
        await L.funding.advance({ id: viaApp, from: 'vetting', to: 'approved', amountCents: 500_000, reason: 'Synthetic: no budget set in this test' });
        const approved = await h.db.selectFrom('funding_request').select('stage').where('id', 'in', [bySql, viaApp]).execute();
        expect(approved.map((s) => s.stage)).toEqual(['approved', 'approved']);
      });

      it('a vetting written without a date (scripts, older rows) is good for a year from the day it is written', async () => {
        const row = await h.db.insertInto('partner').values({ name: 'Synthetic Scripted Lab', kind: 'forensic_lab', state: 'AZ', vetting_status: 'vetted' })
          .returning(['vetted_until']).executeTakeFirstOrThrow();
        const t = await today();
        const [y, m, d] = t.split('-').map(Number);
        const expected = m === 2 && d === 29 ? `${y + 1}-03-01` : `${y + 1}${t.slice(4)}`;
        expect(row.vetted_until).toBe(expected);
      });
    });

    describe('budgets and goals', () => {
      it('sets a program area budget with donor restrictions; the views, the dashboard and the audit trail follow', async () => {
        const seq = await lastSeq();
        const saved = await L.budgets.set({ fiscalYear: 2031, programArea: 'aftercare', amountCents: 80_000_000,
          restrictions: [{ restriction: 'Hart Foundation — survivor housing only', amountCents: 20_000_000 }] });
        expect(saved.totalCents).toBe(100_000_000);
        const view = await h.db.selectFrom('v_budget').selectAll().where('fiscal_year', '=', 2031).where('program_area', '=', 'aftercare').executeTakeFirstOrThrow();
        expect(view).toMatchObject({ budget_cents: 100_000_000, restricted_cents: 20_000_000 });
        expect((await changes('budget', seq)).length).toBe(2);
        const overview = await L.dashboard.overview({ fiscalYear: 2031 });
        expect(overview.funding.budget.budgetCents).toBe(100_000_000);
        const first = (await audits('budgets.set')).at(-1)!;
        expect(first.before).toBeNull();
        expect(first.after).toMatchObject({ fiscalYear: 2031, programArea: 'aftercare', amountCents: 80_000_000, totalCents: 100_000_000 });

        // Set again without the restricted line: it is removed; before → after shows both.
        await L.budgets.set({ fiscalYear: 2031, programArea: 'aftercare', amountCents: 90_000_000, restrictions: [] });
        const lines = await h.db.selectFrom('budget').select(['donor_restriction', 'amount_cents']).where('fiscal_year', '=', 2031).execute();
        expect(lines).toEqual([{ donor_restriction: null, amount_cents: 90_000_000 }]);
        const second = (await audits('budgets.set')).at(-1)!;
        expect(second.before).toMatchObject({ totalCents: 100_000_000, restrictions: [{ restriction: 'Hart Foundation — survivor housing only', amountCents: 20_000_000 }] });
        expect(second.after).toMatchObject({ totalCents: 90_000_000, restrictions: [] });
        expect((await L.budgets.list({ fiscalYear: 2031 })).areas.find((a) => a.programArea === 'aftercare')).toMatchObject({ budgetCents: 90_000_000, amountCents: 90_000_000 });
      });

      it('refuses bad budgets in plain words, writing nothing; coordinators may not set budgets or goals', async () => {
        const negative = await refusal(L.budgets.set({ fiscalYear: 2032, programArea: 'education', amountCents: -5 }));
        expect(negative.fieldErrors.amountCents?.[0]).toBe('A budget cannot be negative.');
        const huge = await refusal(L.budgets.set({ fiscalYear: 2032, programArea: 'education', amountCents: 2_000_000_000_000 }));
        expect(huge.fieldErrors.amountCents?.[0]).toBe('Use at most $10,000,000,000.');
        const twice = await refusal(L.budgets.set({ fiscalYear: 2032, programArea: 'education', amountCents: 1,
          restrictions: [{ restriction: 'Lee Trust', amountCents: 5 }, { restriction: 'lee trust', amountCents: 6 }] }));
        expect(twice.fieldErrors.restrictions?.[0]).toMatch(/listed twice/);
        for (const r of [negative, huge, twice]) expectPlain(r.message);
        expect(await h.db.selectFrom('budget').select('id').where('fiscal_year', '=', 2032).execute()).toEqual([]);
        expect((await refusal(M.budgets.set({ fiscalYear: 2032, programArea: 'education', amountCents: 1 }))).code).toBe('FORBIDDEN');
        expect((await refusal(M.goals.set({ division: 'mountain', fiscalYear: 2032, peopleGoal: 10 }))).code).toBe('FORBIDDEN');
      });

      it('a year\'s goal replaces the quarterly goals inside it (so no month counts twice), audited with what they added up to', async () => {
        for (const [start, end, people] of [['2033-01-01', '2033-04-01', 1000], ['2033-04-01', '2033-07-01', 2000], ['2034-01-01', '2034-04-01', 5000]] as const) {
          await h.db.insertInto('outreach_goal').values({ division_code: 'pacific', period_start: start, period_end: end, people_goal: people, events_goal: 3 }).execute();
        }
        const listed = (await L.budgets.list({ fiscalYear: 2033 })).goals.find((g) => g.division === 'pacific');
        expect(listed).toMatchObject({ periods: 2, peopleGoal: 3000, eventsGoal: 6 });
        await L.goals.set({ division: 'pacific', fiscalYear: 2033, peopleGoal: 4000, eventsGoal: 10 });
        const goals = await h.db.selectFrom('outreach_goal').select(['period_start', 'period_end', 'people_goal']).where('division_code', '=', 'pacific').orderBy('period_start').execute();
        expect(goals).toEqual([
          { period_start: '2033-01-01', period_end: '2034-01-01', people_goal: 4000 },
          { period_start: '2034-01-01', period_end: '2034-04-01', people_goal: 5000 }
        ]);
        expect((await audits('goals.set')).at(-1)!.before).toEqual({ division: 'pacific', fiscalYear: 2033, peopleGoal: 3000, eventsGoal: 6, periods: 2 });
      });

      it('sets a division outreach goal for a fiscal year, then changes it (audited before → after)', async () => {
        const seq = await lastSeq();
        await L.goals.set({ division: 'mountain', fiscalYear: 2031, peopleGoal: 12_000, eventsGoal: 40 });
        await L.goals.set({ division: 'mountain', fiscalYear: 2031, peopleGoal: 15_000, eventsGoal: null });
        const goals = await h.db.selectFrom('outreach_goal').select(['period_start', 'period_end', 'people_goal', 'events_goal']).where('division_code', '=', 'mountain').execute();
        // BEACON_FY_START_MONTH is unset in tests: FY2031 is calendar 2031.
        expect(goals).toEqual([{ period_start: '2031-01-01', period_end: '2032-01-01', people_goal: 15_000, events_goal: null }]);
        const audit = (await audits('goals.set')).at(-1)!;
        expect(audit.before).toMatchObject({ peopleGoal: 12_000, eventsGoal: 40 });
        expect(audit.after).toMatchObject({ peopleGoal: 15_000, eventsGoal: null });
        expect((await changes('outreach', seq)).map((c) => c.entity)).toEqual(['outreach_goal', 'outreach_goal']);
        const zero = await refusal(L.goals.set({ division: 'mountain', fiscalYear: 2031, peopleGoal: 0 }));
        expect(zero.fieldErrors.peopleGoal?.[0]).toBe('The goal for people reached must be at least 1.');
      });
    });

    describe('survivor counts', () => {
      let centerId: number;
      let pacificCenter: number;
      const monthsAgo = (n: number, t: string) => {
        const [y, m] = t.split('-').map(Number);
        const k = y * 12 + (m - 1) - n;
        return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
      };
      beforeAll(async () => {
        // Centers that existed long before the months reported (a center is expected to report from its first month on).
        centerId = (await h.db.insertInto('partner').values({ name: 'Synthetic Rio Grande Aftercare', kind: 'aftercare_center', state: 'NM', vetting_status: 'vetted', created_at: '2024-01-15T12:00:00Z' })
          .returning('id').executeTakeFirstOrThrow()).id;
        pacificCenter = (await h.db.insertInto('partner').values({ name: 'Synthetic Cascade Aftercare', kind: 'aftercare_center', state: 'OR', vetting_status: 'vetted', created_at: '2024-01-15T12:00:00Z' })
          .returning('id').executeTakeFirstOrThrow()).id;
      });

      it('records a month for a center of the coordinator\'s region, audited and announced; the month shows who has not reported', async () => {
        const t = await today();
        const month = monthsAgo(1, t);
        const before = await M.survivorCounts.list({ division: 'mountain', month });
        expect(before.centers.find((c) => c.id === centerId)?.counts).toBeNull();
        // A center vetted today is not expected to have reported last month.
        const fresh = (await h.db.insertInto('partner').values({ name: 'Synthetic New Aftercare', kind: 'aftercare_center', state: 'NM', vetting_status: 'vetted' })
          .returning('id').executeTakeFirstOrThrow()).id;
        expect((await M.survivorCounts.list({ division: 'mountain', month })).centers.map((c) => c.id)).not.toContain(fresh);
        expect((await M.survivorCounts.list({ division: 'mountain', month: t.slice(0, 7) })).centers.map((c) => c.id)).toContain(fresh);
        const seq = await lastSeq();
        await M.survivorCounts.set({ centerId, month, served: 14, newIntakes: 3, bedNights: 310, exitsToSafeHousing: 2 });
        const after = await M.survivorCounts.list({ division: 'mountain', month });
        expect(after.centers.find((c) => c.id === centerId)?.counts).toMatchObject({ served: 14, newIntakes: 3, bedNights: 310, exitsToSafeHousing: 2 });
        expect(after.months.find((m) => m.month === month)).toMatchObject({ reported: 1 });
        expect(after.months.find((m) => m.month === monthsAgo(2, t))).toMatchObject({ reported: 0 });
        expect((await changes('survivors', seq)).map((c) => c.op)).toEqual(['I']);
        // Another region's coordinator sees that the center reported, never its numbers.
        const elsewhere = (await P.survivorCounts.list({ division: 'mountain', month })).centers.find((c) => c.id === centerId);
        expect(elsewhere).toMatchObject({ reported: true, mayEnter: false, counts: null });
        expect((await L.survivorCounts.list({ division: 'mountain', month })).centers.find((c) => c.id === centerId)?.counts).toMatchObject({ served: 14 });
        expect((await audits('survivorCounts.set')).at(-1)).toMatchObject({ state: 'NM', before: null,
          after: { centerId, month, served: 14, newIntakes: 3, bedNights: 310, exitsToSafeHousing: 2 } });
        // A correction keeps one row per month and audits before → after.
        await M.survivorCounts.set({ centerId, month, served: 15, newIntakes: 3, bedNights: 310, exitsToSafeHousing: 2 });
        expect((await audits('survivorCounts.set')).at(-1)).toMatchObject({ before: { served: 14 }, after: { served: 15 } });
        expect((await refusal(P.survivorCounts.set({ centerId, month, served: 1, newIntakes: 0, bedNights: 0, exitsToSafeHousing: 0 }))).code).toBe('FORBIDDEN');
        expect((await refusal(M.survivorCounts.set({ centerId: pacificCenter, month, served: 1, newIntakes: 0, bedNights: 0, exitsToSafeHousing: 0 }))).code).toBe('FORBIDDEN');
      });

      it('refuses negative counts and months that have not begun, in the app and in the database (SQL)', async () => {
        const t = await today();
        const next = monthsAgo(-1, t);
        const future = await refusal(M.survivorCounts.set({ centerId, month: next, served: 1, newIntakes: 0, bedNights: 0, exitsToSafeHousing: 0 }));
        expect(future.fieldErrors.month?.[0]).toMatch(/has not begun yet/);
        const negative = await refusal(M.survivorCounts.set({ centerId, month: monthsAgo(3, t), served: -1, newIntakes: 0, bedNights: 0, exitsToSafeHousing: 0 }));
        expect(negative.fieldErrors.served?.[0]).toBe('Survivors served cannot be negative.');
        const exits = await refusal(M.survivorCounts.set({ centerId, month: monthsAgo(3, t), served: 2, newIntakes: 0, bedNights: 0, exitsToSafeHousing: 5 }));
        expect(exits.fieldErrors.exitsToSafeHousing?.[0]).toBe('Exits to safe housing cannot be more than survivors served.');
        expect(await sqlstate(sql`insert into survivor_count (center_id, month, served, new_intakes, bed_nights) values (${centerId}, ${`${next}-01`}::date, 1, 0, 0)`.execute(h.db))).toBe('23514');
        expect(await sqlstate(sql`insert into survivor_count (center_id, month, served, new_intakes, bed_nights, exits_to_safe_housing) values (${centerId}, ${`${monthsAgo(4, t)}-01`}::date, 3, 0, 0, -1)`.execute(h.db))).toBe('23514');
        expect(await sqlstate(sql`insert into survivor_count (center_id, month, served, new_intakes, bed_nights) values (${centerId}, ${`${monthsAgo(4, t)}-01`}::date, -3, 0, 0)`.execute(h.db))).toBe('23514');
        const row = await h.db.selectFrom('survivor_count').select('id').where('center_id', '=', centerId).where('month', 'in', [`${next}-01`, `${monthsAgo(3, t)}-01`, `${monthsAgo(4, t)}-01`]).execute();
        expect(row).toEqual([]);
      });

      it('asks for confirmation of a value more than 3× the center\'s median month, then saves it when confirmed', async () => {
        const t = await today();
        const c = (await h.db.insertInto('partner').values({ name: 'Synthetic Sangre Aftercare', kind: 'aftercare_center', state: 'CO', vetting_status: 'vetted' })
          .returning('id').executeTakeFirstOrThrow()).id;
        // History: served 8, 10, 12, 30 → median 11 (so 33 passes, 34 asks); bed nights 100 each → median 100.
        for (const [i, served] of [8, 10, 12, 30].entries()) {
          await M.survivorCounts.set({ centerId: c, month: monthsAgo(i + 2, t), served, newIntakes: 1, bedNights: 100, exitsToSafeHousing: 0 });
        }
        const month = monthsAgo(1, t);
        await M.survivorCounts.set({ centerId: c, month, served: 33, newIntakes: 1, bedNights: 300, exitsToSafeHousing: 0 });
        const asked = await refusal(M.survivorCounts.set({ centerId: c, month, served: 34, newIntakes: 1, bedNights: 301, exitsToSafeHousing: 0 }));
        expect(asked.code).toBe('BAD_REQUEST');
        expect(Object.keys(asked.fieldErrors).sort()).toEqual(['bedNights', 'confirmed', 'served']);
        expect(asked.fieldErrors.served?.[0]).toMatch(/^34 is more than 3× this center's usual month \(median 11\)/);
        expectPlain(asked.message);
        const kept = await h.db.selectFrom('survivor_count').select(['served', 'bed_nights']).where('center_id', '=', c).where('month', '=', `${month}-01`).executeTakeFirstOrThrow();
        expect(kept).toEqual({ served: 33, bed_nights: 300 });
        await M.survivorCounts.set({ centerId: c, month, served: 34, newIntakes: 1, bedNights: 301, exitsToSafeHousing: 0, confirmed: true });
        expect((await audits('survivorCounts.set')).at(-1)!.after).toMatchObject({ served: 34, confirmed: true });
      });

      it('refuses counts for a partner that is not an aftercare center', async () => {
        const lab = (await h.db.insertInto('partner').values({ name: 'Synthetic Taos Lab', kind: 'forensic_lab', state: 'NM' }).returning('id').executeTakeFirstOrThrow()).id;
        const r = await refusal(M.survivorCounts.set({ centerId: lab, month: '2026-01', served: 1, newIntakes: 0, bedNights: 0, exitsToSafeHousing: 0 }));
        expect(r.fieldErrors.centerId?.[0]).toMatch(/not an aftercare center/);
      });
    });
  });
}
