// Decisions, payments and corrections (issue 16, items 2 and 3), at the procedures and in the
// database whoever writes (SQL included): disbursed above approved, a correction without a reason, an
// approval for an unvetted or expired partner are refused with plain messages; an approval above the
// ask or the remaining budget needs a reason and names the overshoot in dollars; decline and withdraw
// need a reason; a correction is an event dated on the corrected event's moment, the request and the
// period figures follow it, and the history keeps both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import { databaseRefusal } from '../../src/lib/server/db/refusals.js';

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

async function refusal(call: Promise<unknown>) {
  const err = await call.then(() => null, (e: unknown) => e);
  expect(err, 'it was accepted').toBeInstanceOf(TRPCError);
  const e = err as TRPCError;
  const shape = appRouter._def._config.errorFormatter({
    shape: { message: e.message, code: -32600, data: { code: e.code, httpStatus: 400 } } as never,
    error: e, type: 'mutation', path: undefined, input: undefined, ctx: undefined
  }) as unknown as { data: { fieldErrors: Record<string, string[]> | null } };
  return { code: e.code, message: e.message, fieldErrors: shape.data.fieldErrors ?? {} };
}

/** A write the database must refuse: its SQLSTATE, and the plain words the app shows for it. */
async function dbRefusal(write: Promise<unknown>) {
  const err = await write.then(() => null, (e: unknown) => e);
  expect(err, 'the database accepted it').not.toBeNull();
  const mapped = databaseRefusal(err);
  expect(mapped, `no plain message for ${(err as Error).message}`).not.toBeNull();
  const words = Object.values((mapped!.details?.fieldErrors ?? {}) as Record<string, string[]>)[0]?.[0] ?? mapped!.message;
  expectPlain(words);
  return { code: (err as { code: string }).code, words };
}

function expectPlain(message: string | undefined) {
  expect(message).toBeTruthy();
  expect(message).not.toMatch(/cents|Cents|amountCents|partnerId|Expected|Invalid|zod|Required|violates|relation|[a-z]_[a-z]/);
}

for (const target of targets) {
  describe(`funding money on ${target.name}`, () => {
    let h: TestDb;
    let M: Caller;
    let L: Caller;
    let vetted: number;
    const sums = async (id: number) => {
      const r = await h.db.selectFrom('funding_request').select(['approved_cents', 'disbursed_cents', 'stage']).where('id', '=', id).executeTakeFirstOrThrow();
      return { approved: Number(r.approved_cents), disbursed: Number(r.disbursed_cents), stage: r.stage };
    };
    const newRequest = async (partnerId = vetted, requestedCents = 2_405_000, fiscalYear = 2026) =>
      (await h.db.insertInto('funding_request').values({ partner_id: partnerId, title: 'Synthetic forensic kit', category: 'forensic_hardware',
        fiscal_year: fiscalYear, requested_cents: requestedCents }).returning('id').executeTakeFirstOrThrow()).id;
    const today = async () => (await sql<{ d: string }>`select to_char(local_day(now()), 'YYYY-MM-DD') as d`.execute(h.db)).rows[0].d;
    const move = (id: number, from: 'intake' | 'vetting' | 'approved', to: 'vetting' | 'approved' | 'disbursed', amount: number | null = null) =>
      h.db.insertInto('funding_stage_event').values({ request_id: id, from_stage: from, to_stage: to, amount_cents: amount }).returning('id').executeTakeFirstOrThrow();

    beforeAll(async () => {
      h = await target.open();
      M = createCaller({ db: h.db, dbKind: h.kind, user: await testUser(h.db, 'coordinator', { divisions: ['mountain'] }) });
      L = createCaller({ db: h.db, dbKind: h.kind, user: await testUser(h.db, 'leadership') });
      vetted = (await h.db.insertInto('partner').values({ name: 'Synthetic Front Range ICAC', kind: 'icac_task_force', state: 'CO', vetting_status: 'vetted' })
        .returning('id').executeTakeFirstOrThrow()).id;
      await h.db.insertInto('budget').values({ fiscal_year: 2027, program_area: 'law_enforcement', amount_cents: 2_500_000 }).execute();
    });
    afterAll(() => h?.drop());

    it('SQL: a payment above the approved amount is refused, in a first or a further payment', async () => {
      const id = await newRequest();
      await move(id, 'intake', 'vetting');
      await move(id, 'vetting', 'approved', 1_000_000);
      const first = await dbRefusal(move(id, 'approved', 'disbursed', 1_000_001));
      expect(first.code).toBe('23514');
      expect(first.words).toMatch(/cannot exceed the amount approved/);
      await move(id, 'approved', 'disbursed', 600_000);
      const further = await dbRefusal(h.db.insertInto('funding_stage_event').values({ request_id: id, kind: 'payment', to_stage: 'disbursed', amount_cents: 400_001 }).execute());
      expect(further.code).toBe('23514');
      // A payment without an amount pays what is left; then nothing is left.
      await h.db.insertInto('funding_stage_event').values({ request_id: id, kind: 'payment', to_stage: 'disbursed' }).execute();
      expect(await sums(id)).toEqual({ approved: 1_000_000, disbursed: 1_000_000, stage: 'disbursed' });
      expect((await dbRefusal(h.db.insertInto('funding_stage_event').values({ request_id: id, kind: 'payment', to_stage: 'disbursed' }).execute())).code).toBe('23514');
      // An approval corrected below what is paid is refused too.
      const approval = await h.db.selectFrom('funding_stage_event').select('id').where('request_id', '=', id).where('to_stage', '=', 'approved').executeTakeFirstOrThrow();
      expect((await dbRefusal(h.db.insertInto('funding_stage_event').values({ request_id: id, kind: 'correction', to_stage: 'approved',
        corrects_event_id: approval.id, corrected_to_cents: 900_000, reason: 'minutes say less' }).execute())).code).toBe('23514');
    });

    it('SQL: a correction without a reason is refused; with one it is dated on the corrected event and the figures follow', async () => {
      const id = await newRequest();
      await move(id, 'intake', 'vetting');
      await move(id, 'vetting', 'approved', 1_000_000);
      const paid = await move(id, 'approved', 'disbursed', 300_000);
      const noReason = await dbRefusal(h.db.insertInto('funding_stage_event').values({ request_id: id, kind: 'correction', to_stage: 'disbursed',
        corrects_event_id: paid.id, corrected_to_cents: 250_000 }).execute());
      expect(noReason.code).toBe('23514');
      expect(noReason.words).toMatch(/needs a reason/);
      await h.db.insertInto('funding_stage_event').values({ request_id: id, kind: 'correction', to_stage: 'disbursed', corrects_event_id: paid.id,
        corrected_to_cents: 250_000, reason: 'The wire was $2,500' }).execute();
      expect(await sums(id)).toMatchObject({ approved: 1_000_000, disbursed: 250_000 });
      const events = await h.db.selectFrom('funding_stage_event').select(['id', 'kind', 'amount_cents', 'occurred_at', 'recorded_at', 'corrects_event_id'])
        .where('request_id', '=', id).where('to_stage', '=', 'disbursed').orderBy('id').execute();
      expect(events.map((e) => [e.kind, Number(e.amount_cents)])).toEqual([['move', 300_000], ['correction', -50_000]]);
      expect(events[1].occurred_at.getTime()).toBe(events[0].occurred_at.getTime());
      const month = await sql<{ amount: string; moves: string }>`select sum(amount_cents)::text as amount, sum(moves)::text as moves from v_move_month
        where scope = 's:CO' and category = 'forensic_hardware' and to_stage = 'disbursed'`.execute(h.db);
      expect(month.rows[0]).toEqual({ amount: String(250_000 + 1_000_000), moves: '3' });
    });

    it('SQL: approving a request of an unvetted or expired partner is refused', async () => {
      const pending = (await h.db.insertInto('partner').values({ name: 'Synthetic Pending Lab', kind: 'forensic_lab', state: 'CO' }).returning('id').executeTakeFirstOrThrow()).id;
      const expired = (await h.db.insertInto('partner').values({ name: 'Synthetic Lapsed Agency', kind: 'icac_task_force', state: 'CO', vetting_status: 'vetted', vetted_until: '2025-01-31' })
        .returning('id').executeTakeFirstOrThrow()).id;
      for (const [partner, code, words] of [[pending, 'BC003', /is pending.*Vet the partner/], [expired, 'BC004', /expired on January 31, 2025.*Renew/]] as const) {
        const id = await newRequest(partner);
        await move(id, 'intake', 'vetting');
        const r = await dbRefusal(move(id, 'vetting', 'approved', 500_000));
        expect(r.code).toBe(code);
        expect(r.words).toMatch(words);
        expect((await sums(id)).stage).toBe('vetting');
      }
    });

    it('SQL: a decline or a withdrawal without a reason (or with a blank one) is refused; with one it is kept', async () => {
      const decide = (id: number, from: 'intake' | 'vetting' | 'approved', to: 'declined' | 'withdrawn', reason?: string | null) =>
        h.db.insertInto('funding_stage_event').values({ request_id: id, from_stage: from, to_stage: to, ...(reason === undefined ? {} : { reason }) }).execute();
      const atIntake = await newRequest();
      const atVetting = await newRequest();
      await move(atVetting, 'intake', 'vetting');
      const atApproved = await newRequest();
      await move(atApproved, 'intake', 'vetting');
      await move(atApproved, 'vetting', 'approved', 1_000_000);
      for (const [id, from] of [[atIntake, 'intake'], [atVetting, 'vetting'], [atApproved, 'approved']] as const) {
        for (const to of ['declined', 'withdrawn'] as const) {
          for (const reason of [undefined, null]) {
            const r = await dbRefusal(decide(id, from, to, reason));
            expect(r.code, `${from} → ${to} with reason ${reason}`).toBe('23514');
            expect(r.words).toBe('Write why the request is declined or withdrawn (at least 3 characters).');
          }
          expect((await dbRefusal(decide(id, from, to, '  '))).words).toMatch(/reason in 3 to 2,000 characters/);
          expect((await sums(id)).stage).toBe(from);
        }
      }
      // Raw SQL, not the query builder: the same refusal.
      const raw = await sql`insert into funding_stage_event (request_id, from_stage, to_stage) values (${atIntake}, 'intake', 'withdrawn')`.execute(h.db)
        .then(() => null, (e: { code?: string; constraint?: string }) => e);
      expect(raw).toMatchObject({ code: '23514', constraint: 'funding_stage_event_decision_reason' });
      await decide(atVetting, 'vetting', 'declined', 'Outside the program area');
      await decide(atApproved, 'approved', 'withdrawn', 'The agency found other funds');
      const kept = await h.db.selectFrom('funding_stage_event').select(['request_id', 'reason']).where('to_stage', 'in', ['declined', 'withdrawn'])
        .where('request_id', 'in', [atIntake, atVetting, atApproved]).orderBy('request_id').execute();
      expect(kept.map((k) => [Number(k.request_id), k.reason])).toEqual([[atVetting, 'Outside the program area'], [atApproved, 'The agency found other funds']]);
      expect((await sums(atApproved)).stage).toBe('withdrawn');
    });

    it('approves above the ask or the remaining budget only with a reason, naming the overshoot in dollars', async () => {
      // FY2027: a $25,000 law enforcement budget, nothing committed yet; the ask is $24,050.
      const id = await newRequest(vetted, 2_405_000, 2027);
      await M.funding.advance({ id, from: 'intake', to: 'vetting' });
      const ask = await refusal(L.funding.advance({ id, from: 'vetting', to: 'approved', amountCents: 2_500_000 }));
      expect(ask.fieldErrors.reason?.[0]).toBe('This is $950 above the ask of $24,050. Write the reason to approve it.');
      const both = await refusal(L.funding.advance({ id, from: 'vetting', to: 'approved', amountCents: 2_600_000 }));
      expect(both.fieldErrors.reason?.[0]).toBe('This is $1,950 above the ask of $24,050. This is $1,000 above the remaining law enforcement FY2027 budget of $25,000. Write the reason to approve it.');
      expect((await sums(id)).stage).toBe('vetting');
      await L.funding.advance({ id, from: 'vetting', to: 'approved', amountCents: 2_600_000, reason: 'Board added a spare device' });
      expect(await sums(id)).toMatchObject({ approved: 2_600_000, stage: 'approved' });
      const event = await h.db.selectFrom('funding_stage_event').select(['reason']).where('request_id', '=', id).where('to_stage', '=', 'approved').executeTakeFirstOrThrow();
      expect(event.reason).toBe('Board added a spare device');
      // Now nothing is left of FY2027's budget: even the ask needs a reason.
      const next = await newRequest(vetted, 100_000, 2027);
      await M.funding.advance({ id: next, from: 'intake', to: 'vetting' });
      const none = await refusal(L.funding.advance({ id: next, from: 'vetting', to: 'approved', amountCents: 100_000 }));
      expect(none.fieldErrors.reason?.[0]).toBe('This is above the remaining law enforcement FY2027 budget of $0 (already $1,000 over). Write the reason to approve it.');
    });

    it('declines and withdraws only with a reason', async () => {
      const id = await newRequest();
      const r = await refusal(M.funding.advance({ id, from: 'intake', to: 'declined' }));
      expect(r.fieldErrors.reason?.[0]).toBe('Write why the request is declined (at least 3 characters).');
      await M.funding.advance({ id, from: 'intake', to: 'withdrawn', reason: 'Agency found other funds' });
      expect((await sums(id)).stage).toBe('withdrawn');
    });

    it('pays in two payments and corrects one: the request, the history and the audit keep both', async () => {
      const id = await newRequest(vetted, 1_000_000);
      await M.funding.advance({ id, from: 'intake', to: 'vetting' });
      await L.funding.advance({ id, from: 'vetting', to: 'approved', amountCents: 1_000_000, reason: 'Within the law enforcement budget' });
      const day = await today();
      await L.funding.advance({ id, from: 'approved', to: 'disbursed', amountCents: 600_000, paidOn: day, reference: 'WIRE-1', reportDueOn: '2099-06-30' });
      const tooMuch = await refusal(M.funding.pay({ id, amountCents: 400_001, paidOn: day }));
      expect(tooMuch.fieldErrors.amountCents?.[0]).toBe('$4,000.01 would pay more than approved: $4,000 of the $10,000 approved is left to pay.');
      await M.funding.pay({ id, amountCents: 300_000, paidOn: day, reference: 'WIRE-2' });
      expect(await sums(id)).toMatchObject({ disbursed: 900_000 });
      const got = await L.funding.get({ id });
      expect(got.money.map((m) => [m.toStage, m.kind, Number(m.amountCents), m.day])).toEqual([
        ['approved', 'move', 1_000_000, day], ['disbursed', 'move', 600_000, day], ['disbursed', 'payment', 300_000, day]
      ]);
      const second = got.money[2];
      // Coordinators do not correct; a correction needs a reason.
      expect((await refusal(M.funding.correct({ id, eventId: second.id, amountCents: 350_000, reason: 'typo' }))).code).toBe('FORBIDDEN');
      const noReason = await refusal(L.funding.correct({ id, eventId: second.id, amountCents: 350_000, reason: ' ' }));
      expect(noReason.fieldErrors.reason?.[0]).toMatch(/A correction needs a reason/);
      const above = await refusal(L.funding.correct({ id, eventId: second.id, amountCents: 500_000, reason: 'The wire was larger' }));
      expect(above.fieldErrors.amountCents?.[0]).toBe('Payments would then total $11,000, more than the $10,000 approved.');
      await L.funding.correct({ id, eventId: second.id, amountCents: 350_000, reason: 'The second wire was $3,500' });
      expect(await sums(id)).toMatchObject({ disbursed: 950_000 });
      const after = await L.funding.get({ id });
      expect(after.money.map((m) => Number(m.amountCents))).toEqual([1_000_000, 600_000, 350_000]);
      const correction = after.history.find((e) => e.kind === 'correction')!;
      expect([Number(correction.amountCents), Number(correction.correctedToCents), correction.reason]).toEqual([50_000, 350_000, 'The second wire was $3,500']);
      expect(after.history.filter((e) => e.kind === 'payment').map((e) => Number(e.amountCents))).toEqual([300_000]);
      const audit = await h.db.selectFrom('audit_log').select(['action', 'before', 'after']).where('entity_id', '=', String(id)).orderBy('id').execute();
      expect(audit.map((a) => a.action)).toEqual(['funding.advance', 'funding.advance', 'funding.advance', 'funding.pay', 'funding.correct']);
      expect(audit[4].before).toMatchObject({ payment: 300_000, day });
      expect(audit[4].after).toMatchObject({ payment: 350_000, reason: 'The second wire was $3,500' });
      // Its report is due in 2099: not overdue. One due yesterday is.
      expect((await L.funding.overdueReports({ division: 'mountain' })).rows.map((r) => r.id)).not.toContain(id);
      await h.db.updateTable('funding_request').set({ report_due_on: sql<string>`local_day(now()) - 1` }).where('id', '=', id).execute();
      const overdue = (await L.funding.overdueReports({ division: 'mountain' })).rows.find((r) => r.id === id);
      expect(overdue).toMatchObject({ daysOverdue: 1, disbursedCents: 950_000 });
      expect((await L.funding.overdueReports({ division: 'pacific' })).rows.map((r) => r.id)).not.toContain(id);
    });
  });
}
