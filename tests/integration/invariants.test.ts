// The database itself refuses every write that would break a domain invariant, with a clear message,
// and a refused write leaves nothing behind (no row, no rollup change, no change_log entry).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import type { Db } from '../../src/lib/server/db/index.js';
import type { FundingStage, NeedStatus, PartnerKind, VettingStatus } from '../../src/lib/server/db/schema.js';

/** Every table a refused write could touch, dumped in a stable order. */
const DUMPED = [
  'partner', 'funding_request', 'funding_stage_event', 'budget', 'aftercare_need', 'survivor_count', 'outreach_event',
  'outreach_goal', 'audit_log', 'change_log', 'rollup_pipeline', 'rollup_partner_funded', 'rollup_stage_duration',
  'rollup_stage_throughput', 'rollup_need', 'rollup_need_flow', 'rollup_outreach', 'rollup_survivors',
  'rollup_funding_scope', 'rollup_throughput_scope', 'rollup_need_flow_scope', 'rollup_partner_scope', 'rollup_partner_support', 'rollup_need_scope', 'rollup_outreach_scope',
  'rollup_survivors_scope', 'rollup_paid_month', 'rollup_stage_days_month', 'rollup_paid_units_month'
];

async function dump(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of DUMPED) {
    const { rows } = await sql.raw<Record<string, unknown>>(`select to_jsonb(x)::text as j from ${t} x order by 1`).execute(db);
    out[t] = rows.map((r) => r.j);
  }
  return out;
}

interface PgError {
  code?: string;
  message: string;
  detail?: string;
}

/**
 * Runs a write the database must refuse: asserts the SQLSTATE and that the message names the
 * problem, and that every table (including rollups and change_log) is exactly as before.
 */
async function expectRefused(db: Db, write: () => Promise<unknown>, code: string, message: RegExp): Promise<PgError> {
  const before = await dump(db);
  let error: PgError | undefined;
  try {
    await write();
  } catch (e) {
    error = e as PgError;
  }
  expect(error, `the database accepted a write it must refuse (expected ${code} ${message})`).toBeDefined();
  expect(error!.code, `wrong SQLSTATE for: ${error!.message}`).toBe(code);
  expect(error!.message).toMatch(message);
  expect(await dump(db), 'a refused write left something behind').toEqual(before);
  return error!;
}

let clock = Date.parse('2025-01-06T09:00:00Z');
/** Simulated time that only moves forward (one hour per call). */
const tick = () => new Date((clock += 3_600_000));

async function newPartner(db: Db, kind: PartnerKind, vetting: VettingStatus = 'vetted', state = 'CO', name?: string) {
  const row = await db
    .insertInto('partner')
    .values({ name: name ?? `Synthetic ${kind} ${Math.random().toString(36).slice(2, 8)}`, kind, vetting_status: vetting, state })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  return row;
}

async function newRequest(db: Db, partnerId: number, requested = 1_000_000) {
  const row = await db
    .insertInto('funding_request')
    .values({
      partner_id: partnerId, title: 'Synthetic forensic workstation', category: 'forensic_hardware', fiscal_year: 2026,
      requested_cents: requested, units: 1, created_at: tick()
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function move(db: Db, requestId: number, from: FundingStage, to: FundingStage, amount?: number, at: Date = tick()) {
  return db
    .insertInto('funding_stage_event')
    .values({ request_id: requestId, from_stage: from, to_stage: to, amount_cents: amount ?? null, occurred_at: at,
      reason: to === 'declined' || to === 'withdrawn' ? 'Synthetic: outside the program area' : null })
    .execute();
}

const PATH: FundingStage[] = ['intake', 'vetting', 'approved', 'disbursed', 'reported'];

/** A request moved along the pipeline up to `stage` (approved 800 000, disbursed 600 000 cents). */
async function requestAt(db: Db, partnerId: number, stage: FundingStage) {
  const id = await newRequest(db, partnerId);
  const target = PATH.indexOf(stage);
  for (let i = 1; i <= target; i++) {
    const to = PATH[i];
    await move(db, id, PATH[i - 1], to, to === 'approved' ? 800_000 : to === 'disbursed' ? 600_000 : undefined);
  }
  if (stage === 'declined' || stage === 'withdrawn') await move(db, id, 'intake', stage);
  return id;
}

async function request(db: Db, id: number) {
  return db.selectFrom('funding_request').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function newNeed(db: Db, centerId: number, status: NeedStatus = 'open') {
  const row = await db
    .insertInto('aftercare_need')
    .values({ center_id: centerId, title: 'Synthetic washing machine', kind: 'equipment', estimated_cost_cents: 90_000, status, created_at: tick() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

for (const target of targets) {
  describe(`database invariants on ${target.name}`, () => {
    let h: TestDb;
    let db: Db;
    let vetted: { id: number; name: string };
    let pending: { id: number; name: string };
    let center: { id: number; name: string };

    beforeAll(async () => {
      h = await target.open();
      db = h.db;
      vetted = await newPartner(db, 'icac_task_force', 'vetted', 'CO', 'Synthetic Vetted Task Force');
      pending = await newPartner(db, 'law_enforcement_agency', 'pending', 'WA', 'Synthetic Pending Agency');
      center = await newPartner(db, 'aftercare_center', 'vetted', 'OR', 'Synthetic Aftercare House');
    });
    afterAll(() => h?.drop());

    describe('money is never negative', () => {
      it('refuses a negative requested amount (insert and update)', async () => {
        await expectRefused(
          db,
          () => db.insertInto('funding_request').values({
            partner_id: vetted.id, title: 'Negative money', category: 'detection_k9', fiscal_year: 2026, requested_cents: -1
          }).execute(),
          '23514',
          /funding_request_requested_not_negative/
        );
        const id = await newRequest(db, vetted.id);
        await expectRefused(
          db,
          () => db.updateTable('funding_request').set({ requested_cents: -500 }).where('id', '=', id).execute(),
          '23514',
          /funding_request_requested_not_negative/
        );
      });

      it('refuses a negative approved amount (through a stage event and by a direct update)', async () => {
        const id = await requestAt(db, vetted.id, 'vetting');
        await expectRefused(db, () => move(db, id, 'vetting', 'approved', -100), '23514', /(approved|amount)_not_negative/);
        expect((await request(db, id)).stage).toBe('vetting');
        const approvedId = await requestAt(db, vetted.id, 'approved');
        await expectRefused(
          db,
          () => db.updateTable('funding_request').set({ approved_cents: -1 }).where('id', '=', approvedId).execute(),
          '23514',
          /funding_request_approved_not_negative/
        );
      });

      it('refuses a negative disbursed amount', async () => {
        const id = await requestAt(db, vetted.id, 'disbursed');
        await expectRefused(
          db,
          () => db.updateTable('funding_request').set({ disbursed_cents: -1 }).where('id', '=', id).execute(),
          '23514',
          /funding_request_disbursed_not_negative/
        );
        const approvedId = await requestAt(db, vetted.id, 'approved');
        await expectRefused(db, () => move(db, approvedId, 'approved', 'disbursed', -1), '23514', /(disbursed|amount)_not_negative/);
      });

      it('refuses a negative estimated cost of a need (insert and update)', async () => {
        await expectRefused(
          db,
          () => db.insertInto('aftercare_need').values({
            center_id: center.id, title: 'Negative cost', kind: 'equipment', estimated_cost_cents: -1
          }).execute(),
          '23514',
          /aftercare_need_cost_not_negative/
        );
        const needId = await newNeed(db, center.id);
        await expectRefused(
          db,
          () => db.updateTable('aftercare_need').set({ estimated_cost_cents: -10 }).where('id', '=', needId).execute(),
          '23514',
          /aftercare_need_cost_not_negative/
        );
      });

      it('refuses a negative budget amount (insert and update)', async () => {
        await expectRefused(
          db,
          () => db.insertInto('budget').values({ fiscal_year: 2026, program_area: 'aftercare', amount_cents: -1 }).execute(),
          '23514',
          /budget_amount_not_negative/
        );
        const b = await db.insertInto('budget').values({ fiscal_year: 2027, program_area: 'education', amount_cents: 5_000 })
          .returning('id').executeTakeFirstOrThrow();
        await expectRefused(
          db,
          () => db.updateTable('budget').set({ amount_cents: -5_000 }).where('id', '=', b.id).execute(),
          '23514',
          /budget_amount_not_negative/
        );
      });
    });

    describe('disbursed never exceeds approved', () => {
      it('refuses a disbursing stage event above the approved amount', async () => {
        const id = await requestAt(db, vetted.id, 'approved');
        await expectRefused(db, () => move(db, id, 'approved', 'disbursed', 800_001), '23514', /funding_request_disbursed_within_approved/);
        const r = await request(db, id);
        expect([r.stage, r.approved_cents, r.disbursed_cents]).toEqual(['approved', 800_000, 0]);
      });

      it('refuses a direct update of disbursed_cents above approved_cents, or approved below disbursed', async () => {
        const id = await requestAt(db, vetted.id, 'disbursed');
        await expectRefused(
          db,
          () => db.updateTable('funding_request').set({ disbursed_cents: 800_001 }).where('id', '=', id).execute(),
          '23514',
          /funding_request_disbursed_within_approved/
        );
        await expectRefused(
          db,
          () => db.updateTable('funding_request').set({ approved_cents: 599_999 }).where('id', '=', id).execute(),
          '23514',
          /funding_request_disbursed_within_approved/
        );
        const r = await request(db, id);
        expect([r.approved_cents, r.disbursed_cents]).toEqual([800_000, 600_000]);
      });
    });

    describe('only vetted partners are approved or funded', () => {
      it('refuses approving a request of a pending partner (vetting itself is allowed)', async () => {
        const id = await requestAt(db, pending.id, 'vetting');
        const err = await expectRefused(db, () => move(db, id, 'vetting', 'approved', 100_000), 'BC003', /only vetted partners/);
        expect(err.message).toContain(`"${pending.name}" is pending`);
        await expectRefused(
          db,
          () => db.updateTable('funding_request').set({ approved_cents: 1 }).where('id', '=', id).execute(),
          'BC003',
          /is pending — only vetted partners/
        );
        await expectRefused(
          db,
          () => db.updateTable('funding_request').set({ disbursed_cents: 1 }).where('id', '=', id).execute(),
          'BC003',
          /is pending — only vetted partners/
        );
      });

      it('refuses approving or disbursing for a suspended partner', async () => {
        const p = await newPartner(db, 'forensic_lab', 'vetted', 'TX');
        const approved = await requestAt(db, p.id, 'approved');
        const inVetting = await requestAt(db, p.id, 'vetting');
        await db.updateTable('partner').set({ vetting_status: 'suspended' }).where('id', '=', p.id).execute();
        await expectRefused(db, () => move(db, approved, 'approved', 'disbursed', 1_000), 'BC003', /is suspended — only vetted partners/);
        await expectRefused(db, () => move(db, inVetting, 'vetting', 'approved', 1_000), 'BC003', /is suspended — only vetted partners/);
        await expectRefused(
          db,
          () => db.updateTable('funding_request').set({ disbursed_cents: 10 }).where('id', '=', approved).execute(),
          'BC003',
          /is suspended/
        );
        const suspendedFromStart = await newPartner(db, 'icac_affiliate', 'suspended', 'TX');
        const other = await requestAt(db, suspendedFromStart.id, 'vetting');
        await expectRefused(db, () => move(db, other, 'vetting', 'approved', 1_000), 'BC003', /is suspended/);
      });

      it('refuses handing an approved request over to a partner that is not vetted', async () => {
        const id = await requestAt(db, vetted.id, 'approved');
        await expectRefused(
          db,
          () => db.updateTable('funding_request').set({ partner_id: pending.id }).where('id', '=', id).execute(),
          'BC003',
          /is pending/
        );
        expect((await request(db, id)).partner_id).toBe(vetted.id);
      });
    });

    describe('stage moves only along the pipeline', () => {
      it('walks the legal path and records one event per move', async () => {
        const id = await requestAt(db, vetted.id, 'reported');
        const events = await db.selectFrom('funding_stage_event').select(['from_stage', 'to_stage', 'amount_cents'])
          .where('request_id', '=', id).orderBy('id').execute();
        expect(events.map((e) => `${e.from_stage}>${e.to_stage}`)).toEqual([
          'null>intake', 'intake>vetting', 'vetting>approved', 'approved>disbursed', 'disbursed>reported'
        ]);
        const r = await request(db, id);
        expect([r.stage, r.approved_cents, r.disbursed_cents]).toEqual(['reported', 800_000, 600_000]);
      });

      it('refuses skipping a stage (intake → approved)', async () => {
        const id = await requestAt(db, vetted.id, 'intake');
        await expectRefused(db, () => move(db, id, 'intake', 'approved', 5_000), 'BC002', /cannot move from "intake" to "approved"/);
        await expectRefused(db, () => move(db, id, 'intake', 'reported'), 'BC002', /cannot move from "intake" to "reported"/);
      });

      it('refuses declining a disbursed request', async () => {
        const id = await requestAt(db, vetted.id, 'disbursed');
        await expectRefused(db, () => move(db, id, 'disbursed', 'declined'), 'BC002', /cannot move from "disbursed" to "declined"/);
        await expectRefused(db, () => move(db, id, 'disbursed', 'withdrawn'), 'BC002', /cannot move from "disbursed" to "withdrawn"/);
      });

      it('refuses every move out of "reported"', async () => {
        const id = await requestAt(db, vetted.id, 'reported');
        for (const to of ['intake', 'vetting', 'approved', 'disbursed', 'reported', 'declined', 'withdrawn'] as const) {
          await expectRefused(db, () => move(db, id, 'reported', to, 1), 'BC002', new RegExp(`cannot move from "reported" to "${to}"`));
        }
      });

      it('refuses reopening a declined or withdrawn request', async () => {
        const declined = await requestAt(db, vetted.id, 'declined');
        await expectRefused(db, () => move(db, declined, 'declined', 'vetting'), 'BC002', /cannot move from "declined" to "vetting"/);
        await expectRefused(db, () => move(db, declined, 'declined', 'intake'), 'BC002', /cannot move from "declined" to "intake"/);
        const withdrawn = await requestAt(db, vetted.id, 'withdrawn');
        await expectRefused(db, () => move(db, withdrawn, 'withdrawn', 'approved', 9), 'BC002', /cannot move from "withdrawn" to "approved"/);
      });

      it('refuses a stale compare-and-set (from_stage is not the current stage) with BC001', async () => {
        const id = await requestAt(db, vetted.id, 'vetting');
        const err = await expectRefused(db, () => move(db, id, 'intake', 'vetting'), 'BC001', /is in stage "vetting", not "intake": it was moved by someone else/);
        expect(err.detail).toBe('vetting');
        await expectRefused(db, () => move(db, id, 'approved', 'disbursed', 1), 'BC001', /is in stage "vetting", not "approved"/);
      });

      it('refuses an event that predates the current stage, and a second opening event', async () => {
        const id = await requestAt(db, vetted.id, 'vetting');
        const r = await request(db, id);
        const before = new Date(new Date(r.stage_entered_at).getTime() - 1_000);
        await expectRefused(db, () => move(db, id, 'vetting', 'approved', 10, before), '23514', /cannot predate the request's current stage/);
        await expectRefused(
          db,
          () => db.insertInto('funding_stage_event').values({ request_id: id, from_stage: null, to_stage: 'intake', occurred_at: tick() }).execute(),
          '23514',
          /only a new funding request gets an opening "intake" event/
        );
      });

      it('refuses a request that does not start at intake with nothing approved', async () => {
        await expectRefused(
          db,
          () => db.insertInto('funding_request').values({
            partner_id: vetted.id, title: 'Born approved', category: 'detection_k9', fiscal_year: 2026, requested_cents: 10,
            stage: 'approved', approved_cents: 10
          }).execute(),
          '23514',
          /starts at "intake" with nothing approved or disbursed/
        );
      });

      it('refuses updating funding_request.stage directly', async () => {
        const id = await requestAt(db, vetted.id, 'intake');
        await expectRefused(
          db,
          () => db.updateTable('funding_request').set({ stage: 'vetting' }).where('id', '=', id).execute(),
          '23514',
          /change a funding request's stage by recording a stage event/
        );
        expect((await request(db, id)).stage).toBe('intake');
      });

      // The guard tells a trigger-made stage change from a direct one by a session setting
      // (beacon.stage_move) that any client can set itself.
      it('refuses a direct stage update even when the client sets beacon.stage_move itself', async () => {
        const id = await requestAt(db, vetted.id, 'intake');
        await expectRefused(
          db,
          () => db.transaction().execute(async (trx) => {
            await sql`select set_config('beacon.stage_move', '1', true)`.execute(trx);
            await trx.updateTable('funding_request').set({ stage: 'withdrawn' }).where('id', '=', id).execute();
          }),
          '23514',
          /by recording a stage event/
        );
      });
    });

    // Import mode (beacon.import = the transaction's id) swaps the per-row guards of new requests and
    // their events for set-based checks per statement. Any client can set it: whatever it writes
    // then is judged by the same rules.
    describe('import mode: a request written at its final stage with its history', () => {
      interface Ev { from: FundingStage | null; to: FundingStage; amount?: number | null; at: string }
      const at = (day: string) => `${day}T17:00:00Z`;
      const seconds = (a: string, b: string) => Math.floor((Date.parse(b) - Date.parse(a)) / 1000);
      const HISTORY: Ev[] = [
        { from: null, to: 'intake', at: at('2025-02-03') }, { from: 'intake', to: 'vetting', at: at('2025-02-10') },
        { from: 'vetting', to: 'approved', amount: 800_000, at: at('2025-03-01') }, { from: 'approved', to: 'disbursed', amount: 600_000, at: at('2025-04-01') }
      ];
      /** One statement, as the import writes it: the request (its fields from the history unless overridden) and its events. */
      function importWrite(partnerId: number, events: Ev[], override: Record<string, unknown> = {}, flag = true) {
        const sum = (to: FundingStage) => events.filter((e) => e.to === to).reduce((n, e) => n + (e.amount ?? 0), 0);
        const last = events[events.length - 1] ?? HISTORY[0];
        const row = {
          stage: last.to, approved_cents: sum('approved'), disbursed_cents: sum('disbursed'), created_at: (events[0] ?? HISTORY[0]).at,
          stage_entered_at: last.at, updated_at: last.at, version: Math.max(events.length, 1), ...override
        };
        const evs = events.map((e, k) => ({
          k, from_stage: e.from, to_stage: e.to, amount_cents: e.amount ?? null, at: e.at,
          seconds: k === 0 ? null : seconds(events[k - 1].at, e.at), reason: e.to === 'declined' || e.to === 'withdrawn' ? 'Synthetic: imported' : null
        }));
        return db.transaction().execute(async (tx) => {
          if (flag) await sql`select set_config('beacon.import', pg_current_xact_id()::text, true)`.execute(tx);
          await sql`
            with r as (
              insert into funding_request (partner_id, state, title, category, fiscal_year, requested_cents, units, created_at, stage,
                stage_entered_at, updated_at, approved_cents, disbursed_cents, version)
              select p.id, coalesce(${(override.state as string | undefined) ?? null}::char(2), p.state),
                'Synthetic imported workstation', 'forensic_hardware', 2025, 1000000, 1,
                ${row.created_at}::timestamptz, ${row.stage}::funding_stage, ${row.stage_entered_at}::timestamptz, ${row.updated_at}::timestamptz,
                ${row.approved_cents}::bigint, ${row.disbursed_cents}::bigint, ${row.version}::int
              from partner p where p.id = ${partnerId}
              returning id, category, state, fiscal_year
            )
            insert into funding_stage_event (request_id, from_stage, to_stage, amount_cents, occurred_at, category, state, fiscal_year, seconds_in_from_stage, reason)
            select r.id, e.from_stage::funding_stage, e.to_stage::funding_stage, e.amount_cents, e.at, r.category, r.state, r.fiscal_year, e.seconds, e.reason
            from r cross join json_to_recordset(${JSON.stringify(evs)}::json) as e(k int, from_stage text, to_stage text, amount_cents bigint,
              at timestamptz, seconds bigint, reason text)
            order by e.k`.execute(tx);
        });
      }
      const step = (from: FundingStage, to: FundingStage, day: string, amount?: number): Ev => ({ from, to, at: at(day), amount });

      it('accepts a whole history and keeps the request as the app would (positive control)', async () => {
        const before = await db.selectFrom('funding_request').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
        await importWrite(vetted.id, HISTORY);
        const r = await db.selectFrom('funding_request').selectAll().where('id', '>', Number(before.id ?? 0)).executeTakeFirstOrThrow();
        expect([r.stage, r.approved_cents, r.disbursed_cents, r.version, r.state]).toEqual(['disbursed', 800_000, 600_000, 4, 'CO']);
        const events = await db.selectFrom('funding_stage_event').select(['from_stage', 'to_stage', 'seconds_in_from_stage'])
          .where('request_id', '=', r.id).orderBy('id').execute();
        expect(events.map((e) => `${e.from_stage}>${e.to_stage}`)).toEqual(['null>intake', 'intake>vetting', 'vetting>approved', 'approved>disbursed']);
        expect(events[1].seconds_in_from_stage).toBe(7 * 86_400);
      });

      it('refuses a request at a later stage than its history reaches, or written without its history', async () => {
        await expectRefused(db, () => importWrite(vetted.id, HISTORY.slice(0, 1), { stage: 'approved', approved_cents: 800_000 }), '23514',
          /not what its stage history gives/);
        await expectRefused(db, () => importWrite(vetted.id, HISTORY, { disbursed_cents: 500_000 }), '23514', /not what its stage history gives/);
        await expectRefused(db, () => importWrite(vetted.id, HISTORY, { state: 'WA' }), '23514', /not what its stage history gives/);
        await expectRefused(db, () => importWrite(vetted.id, [], { stage: 'vetting' }), '23514', /written with its stage history/);
      });

      it('refuses a skipped stage, a history that does not open at intake, a move from the wrong stage and a back-dated move', async () => {
        await expectRefused(db, () => importWrite(vetted.id, [HISTORY[0], step('intake', 'approved', '2025-03-01', 5_000)]), 'BC002',
          /cannot move from "intake" to "approved"/);
        await expectRefused(db, () => importWrite(vetted.id, HISTORY.slice(1)), '23514', /opens with one "intake" event/);
        await expectRefused(db, () => importWrite(vetted.id, [HISTORY[0], HISTORY[0]]), '23514', /opens with one "intake" event/);
        await expectRefused(db, () => importWrite(vetted.id, [HISTORY[0], step('vetting', 'approved', '2025-03-01', 5_000)]), 'BC001',
          /is in stage "intake", not "vetting"/);
        await expectRefused(db, () => importWrite(vetted.id, [HISTORY[0], step('intake', 'vetting', '2025-01-01')]), '23514',
          /cannot predate the request's current stage/);
      });

      it('refuses approvals without an amount, money on other moves, and disbursed above approved', async () => {
        await expectRefused(db, () => importWrite(vetted.id, [...HISTORY.slice(0, 2), step('vetting', 'approved', '2025-03-01', 0)]), '23514',
          /approving a funding request needs an amount above zero/);
        await expectRefused(db, () => importWrite(vetted.id, [HISTORY[0], step('intake', 'vetting', '2025-02-10', 10)]), '23514',
          /only approving or disbursing moves money/);
        await expectRefused(db, () => importWrite(vetted.id, [...HISTORY.slice(0, 3), step('approved', 'disbursed', '2025-04-01', 900_000)]), '23514',
          /disbursed_within_approved/);
      });

      it('refuses approving for a partner that is not vetted, or after its vetting ran out', async () => {
        await expectRefused(db, () => importWrite(pending.id, HISTORY.slice(0, 3)), 'BC003', /only vetted partners can be approved/);
        const lapsed = await newPartner(db, 'forensic_lab', 'vetted', 'CO');
        await db.updateTable('partner').set({ vetted_until: '2025-02-15' }).where('id', '=', lapsed.id).execute();
        await expectRefused(db, () => importWrite(lapsed.id, HISTORY.slice(0, 3)), 'BC004', /vetting expired on February 15, 2025/);
      });

      it('refuses moving a stored request in import mode, and a payment', async () => {
        const id = await requestAt(db, vetted.id, 'vetting');
        await expectRefused(db, () => db.transaction().execute(async (tx) => {
          await sql`select set_config('beacon.import', pg_current_xact_id()::text, true)`.execute(tx);
          const r = await tx.selectFrom('funding_request').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
          const when = tick();
          await tx.insertInto('funding_stage_event').values({
            request_id: id, from_stage: 'vetting', to_stage: 'approved', amount_cents: 5_000, occurred_at: when, category: r.category, state: r.state,
            fiscal_year: r.fiscal_year, seconds_in_from_stage: Math.floor((when.getTime() - new Date(r.stage_entered_at).getTime()) / 1000)
          }).execute();
        }), '23514', /not what its stage history gives/);
        const paid = await requestAt(db, vetted.id, 'disbursed');
        await expectRefused(db, () => db.transaction().execute(async (tx) => {
          await sql`select set_config('beacon.import', pg_current_xact_id()::text, true)`.execute(tx);
          await tx.insertInto('funding_stage_event').values({ request_id: paid, kind: 'payment', to_stage: 'disbursed', amount_cents: 1_000 } as never).execute();
        }), '23514', /an import records stage moves only/);
      });

      it('refuses a history with a move dated in a signed-off (locked) month, as any write', async () => {
        const { id } = await db.insertInto('period_approval').values({ division_code: 'mountain', month: '2025-03-01' }).returning('id').executeTakeFirstOrThrow();
        try {
          await expectRefused(db, () => importWrite(vetted.id, HISTORY.slice(0, 3)), 'BC005', /March 2025 is signed off and locked for the Mountain division/);
          await importWrite(vetted.id, HISTORY.slice(0, 2));
        } finally {
          await db.updateTable('period_approval').set({ locked: false, reopened_at: new Date(), reopen_reason: 'Synthetic: test over' }).where('id', '=', id).execute();
        }
      });

      it('a flag that is not this transaction\'s id changes nothing: the row guards judge the write', async () => {
        await expectRefused(db, () => db.transaction().execute(async (tx) => {
          await sql`select set_config('beacon.import', (pg_current_xact_id()::text::bigint - 1)::text, true)`.execute(tx);
          await tx.insertInto('funding_request').values({
            partner_id: vetted.id, title: 'Born approved', category: 'detection_k9', fiscal_year: 2026, requested_cents: 10, stage: 'approved', approved_cents: 10
          }).execute();
        }), '23514', /starts at "intake" with nothing approved or disbursed/);
      });
    });

    describe('stage events are append-only and requests are never deleted', () => {
      it('refuses UPDATE, DELETE and TRUNCATE of funding_stage_event', async () => {
        const id = await requestAt(db, vetted.id, 'vetting');
        await expectRefused(
          db,
          () => db.updateTable('funding_stage_event').set({ occurred_at: new Date('2020-01-01T00:00:00Z') }).where('request_id', '=', id).execute(),
          '23001',
          /funding_stage_event rows are append-only: update is not allowed/
        );
        await expectRefused(
          db,
          () => db.deleteFrom('funding_stage_event').where('request_id', '=', id).execute(),
          '23001',
          /funding_stage_event rows are append-only: delete is not allowed/
        );
        await expectRefused(db, () => sql`truncate funding_stage_event cascade`.execute(db), '23001', /append-only: truncate is not allowed/);
      });

      it('refuses deleting a funding request', async () => {
        const id = await requestAt(db, vetted.id, 'intake');
        await expectRefused(
          db,
          () => db.deleteFrom('funding_request').where('id', '=', id).execute(),
          '23001',
          /funding requests are never deleted .*withdraw or decline it instead/
        );
      });
    });

    describe('aftercare needs', () => {
      it('refuses a need (or survivor count) for a partner that is not an aftercare center', async () => {
        await expectRefused(
          db,
          () => db.insertInto('aftercare_need').values({ center_id: vetted.id, title: 'Wrong partner', kind: 'building' }).execute(),
          '23514',
          /"Synthetic Vetted Task Force" is a icac_task_force, not an aftercare center/
        );
        const needId = await newNeed(db, center.id);
        await expectRefused(
          db,
          () => db.updateTable('aftercare_need').set({ center_id: pending.id }).where('id', '=', needId).execute(),
          '23514',
          /not an aftercare center/
        );
        await expectRefused(
          db,
          () => db.insertInto('survivor_count').values({ center_id: vetted.id, month: '2026-01-01', served: 12, new_intakes: 2, bed_nights: 100 }).execute(),
          '23514',
          /survivor counts are reported by aftercare centers only/
        );
      });

      it('allows the need lifecycle and refuses moves off it', async () => {
        const id = await newNeed(db, center.id);
        for (const s of ['in_progress', 'pledged'] as const) {
          await db.updateTable('aftercare_need').set({ status: s }).where('id', '=', id).execute();
        }
        // Fulfilled only with all its units fulfilled.
        await expectRefused(db, () => db.updateTable('aftercare_need').set({ status: 'fulfilled' }).where('id', '=', id).execute(), '23514', /aftercare_need_fulfilled_units/);
        await db.updateTable('aftercare_need').set({ status: 'fulfilled', fulfilled_quantity: sql<number>`quantity` }).where('id', '=', id).execute();
        const done = await db.selectFrom('aftercare_need').select(['status', 'closed_at']).where('id', '=', id).executeTakeFirstOrThrow();
        expect(done.status).toBe('fulfilled');
        expect(done.closed_at).not.toBeNull();
        await expectRefused(
          db,
          () => db.updateTable('aftercare_need').set({ status: 'open' }).where('id', '=', id).execute(),
          'BC002',
          /a need cannot move from "fulfilled" to "open"/
        );
        await expectRefused(
          db,
          () => db.updateTable('aftercare_need').set({ status: 'cancelled' }).where('id', '=', id).execute(),
          'BC002',
          /cannot move from "fulfilled" to "cancelled"/
        );
        const open = await newNeed(db, center.id);
        for (const [to, re] of [['fulfilled', /from "open" to "fulfilled"/], ['pledged', /from "open" to "pledged"/]] as const) {
          await expectRefused(db, () => db.updateTable('aftercare_need').set({ status: to }).where('id', '=', open).execute(), 'BC002', re);
        }
        const cancelled = await newNeed(db, center.id, 'cancelled');
        await expectRefused(
          db,
          () => db.updateTable('aftercare_need').set({ status: 'fulfilled' }).where('id', '=', cancelled).execute(),
          'BC002',
          /from "cancelled" to "fulfilled"/
        );
      });
    });

    describe('partners', () => {
      it('refuses changing a partner\'s kind or sending it back to pending', async () => {
        const p = await newPartner(db, 'forensic_lab', 'vetted', 'NY');
        await expectRefused(
          db,
          () => db.updateTable('partner').set({ kind: 'aftercare_center' }).where('id', '=', p.id).execute(),
          '23514',
          /a partner's kind cannot change/
        );
        await expectRefused(
          db,
          () => db.updateTable('partner').set({ vetting_status: 'pending' }).where('id', '=', p.id).execute(),
          '23514',
          /cannot go back to pending vetting/
        );
      });
    });

    describe('the audit log is append-only', () => {
      it('accepts new audit rows and refuses UPDATE and DELETE', async () => {
        const row = await db.insertInto('audit_log').values({ action: 'need.update', entity: 'aftercare_need', entity_id: '1' })
          .returning('id').executeTakeFirstOrThrow();
        await expectRefused(
          db,
          () => db.updateTable('audit_log').set({ action: 'need.delete' }).where('id', '=', row.id).execute(),
          '23001',
          /audit_log rows are append-only: update is not allowed/
        );
        await expectRefused(
          db,
          () => db.deleteFrom('audit_log').where('id', '=', row.id).execute(),
          '23001',
          /audit_log rows are append-only: delete is not allowed/
        );
      });

      it('refuses TRUNCATE of the audit log', async () => {
        await db.insertInto('audit_log').values({ action: 'budget.create', entity: 'budget', entity_id: '7' }).execute();
        await expectRefused(db, () => sql`truncate audit_log`.execute(db), '23001', /audit_log rows are append-only: truncate is not allowed/);
      });
    });
  });
}
