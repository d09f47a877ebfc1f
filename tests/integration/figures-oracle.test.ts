// "Every figure means exactly what its label says" (issue 14, item 7). On a seeded history plus at
// least ORACLE_OPS (default 1,000) random writes through the public procedures — needs, stage moves
// with and without a disbursed amount, outreach events — every figure of docs/figures.md is computed
// from the base tables by tests/helpers/figure-oracle.ts (written from the dictionary, never from
// the rollups, views or dataset code) and compared, for each context below, with the four
// dashboard procedures, a stored snapshot and its CSV. A last test breaks one rollup on purpose and
// checks that the oracle sees it.
//
// Reproduce with PROPERTY_SEED=<seed>; ORACLE_OPS changes the number of successful writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { createRng, seedFromEnv, type Rng } from '../helpers/prng.js';
import { testUser } from '../helpers/auth.js';
import {
  addDays, addMonths, compareAftercare, compareFunding, compareOutreach, compareOverview, expectAftercare, expectFunding,
  expectOutreach, expectOverview, fiscalYearOfDay, fiscalYearRange, loadBase, Mismatches, type Base, type Context, type Filters,
  localDay
} from '../helpers/figure-oracle.js';
import { writeHistory } from '../helpers/figure-history.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import { config } from '../../src/lib/server/config.js';
import { datasetsCsv } from '../../src/lib/snapshot-report.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import type { Db } from '../../src/lib/server/db/index.js';

const SEED = seedFromEnv(20261203);
const OPS = Number(process.env.ORACLE_OPS ?? 1000);
const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

/** The organisation time zone the product is configured with (UTC until BEACON_TIME_ZONE exists). */
const productConfig = () => config() as ReturnType<typeof config> & { timeZone?: string };
const DEFAULT_ZONE = productConfig().timeZone ?? 'UTC';
const DEFAULT_FY_START = productConfig().fiscalYearStartMonth;

const OUTREACH_STATES = ['CA', 'WA', 'OR', 'HI', 'AK', 'CO', 'UT', 'AZ', 'TX', 'NY', 'FL', 'IL', 'ON', 'BC', 'QC'];

// ───────────────────────────── random writes through the procedures ─────────────────────────────

class Writer {
  readonly ok = new Map<string, number>();
  readonly refused = new Map<string, number>();
  successes = 0;
  private openRequestIds: number[] = [];
  private paidRequestIds: number[] = [];
  private needIds: number[] = [];
  private outreachIds: number[] = [];
  private centerIds: number[] = [];

  constructor(readonly db: Db, readonly caller: Caller, readonly rng: Rng, readonly today: string, readonly paidWithoutAmount: Set<number>) {}

  async refresh() {
    const ids = async (text: string) => (await sql.raw<{ id: string }>(text).execute(this.db)).rows.map((r) => Number(r.id));
    this.openRequestIds = await ids("select id from funding_request where stage in ('intake', 'vetting', 'approved') order by id");
    this.paidRequestIds = await ids("select id from funding_request where stage in ('disbursed', 'reported', 'declined') order by id desc limit 200");
    this.needIds = await ids('select id from aftercare_need order by id');
    this.outreachIds = await ids('select id from outreach_event order by id desc limit 400');
    this.centerIds = await ids("select id from partner where kind = 'aftercare_center' order by id");
  }

  private async attempt(name: string, call: () => Promise<unknown>) {
    try {
      await call();
      this.ok.set(name, (this.ok.get(name) ?? 0) + 1);
      this.successes += 1;
    } catch (err) {
      if (!(err instanceof TRPCError) || err.code === 'INTERNAL_SERVER_ERROR') throw err;
      this.refused.set(`${name}:${err.code}`, (this.refused.get(`${name}:${err.code}`) ?? 0) + 1);
    }
  }

  private async row<T>(query: ReturnType<typeof sql<T>>) {
    return (await query.execute(this.db)).rows[0];
  }

  async advance() {
    const r = this.rng;
    const id = r.chance(0.9) && this.openRequestIds.length ? r.pick(this.openRequestIds) : r.pick(this.paidRequestIds);
    const req = await this.row<{ stage: string; requested_cents: string; approved_cents: string }>(
      sql`select stage::text, requested_cents, approved_cents from funding_request where id = ${id}`);
    const requested = Number(req.requested_cents);
    const approved = Number(req.approved_cents);
    const next: Record<string, Record<string, number>> = {
      intake: { vetting: 8, declined: 1, withdrawn: 1 },
      vetting: { approved: 8, declined: 1, withdrawn: 1 },
      approved: { disbursed: 9, withdrawn: 1 },
      disbursed: { reported: 1 },
      reported: { withdrawn: 1 }, declined: { vetting: 1 }, withdrawn: { vetting: 1 }
    };
    const to = r.weighted(next[req.stage]);
    // Now and then the caller saw an older stage: the compare-and-set refuses it.
    const from = r.chance(0.03) ? r.pick(['intake', 'vetting', 'approved']) : req.stage;
    let amountCents: number | undefined;
    // Some approvals go above the ask (they carry a reason, as every decision here does).
    if (to === 'approved') amountCents = Math.max(100, Math.round(requested * (0.5 + r.next() * 0.7)));
    // Half the payments carry no amount: they pay the approved amount.
    if (to === 'disbursed' && r.chance(0.5)) amountCents = Math.max(1, Math.round(approved * (0.6 + r.next() * 0.4)));
    const name = to === 'disbursed' ? (amountCents === undefined ? 'funding.advance:disbursed-without-amount' : 'funding.advance:disbursed') : `funding.advance:${to}`;
    await this.attempt(name, async () => {
      await this.caller.funding.advance({ id, from: from as never, to: to as never, reason: `Oracle decision ${this.successes}`, ...(amountCents !== undefined ? { amountCents } : {}) });
      if (to === 'disbursed' && amountCents === undefined) this.paidWithoutAmount.add(id);
    });
  }

  /** A further payment of a disbursed request: up to what is left (now and then more, which is refused). */
  async pay() {
    const r = this.rng;
    const row = await this.row<{ id: string; left: string }>(sql`select id, approved_cents - disbursed_cents as left from funding_request
      where stage in ('disbursed', 'reported') order by id offset ${r.int(0, 150)} limit 1`);
    if (!row) return;
    const left = Number(row.left);
    const amountCents = r.chance(0.1) ? left + r.int(1, 10_000) : Math.max(1, Math.round(left * r.next() * 0.6));
    await this.attempt('funding.pay', () => this.caller.funding.pay({ id: Number(row.id), amountCents, paidOn: this.today, reference: `ORACLE-${this.successes}` }));
  }

  /** A correction of a recorded approval or payment (seeded history or written here), with a reason. */
  async correct() {
    const r = this.rng;
    const e = await this.row<{ id: string; request_id: string; to_stage: string; approved: string; disbursed: string; current: string }>(sql`
      select e.id, e.request_id, e.to_stage::text, f.approved_cents as approved, f.disbursed_cents as disbursed,
        e.amount_cents + coalesce((select sum(c.amount_cents) from funding_stage_event c where c.corrects_event_id = e.id), 0) as current
      from funding_stage_event e join funding_request f on f.id = e.request_id
      where e.kind <> 'correction' and e.to_stage in ('approved', 'disbursed') and f.stage in ('approved', 'disbursed', 'reported')
      order by e.id desc offset ${r.int(0, 300)} limit 1`);
    if (!e) return;
    const [approved, disbursed, current] = [Number(e.approved), Number(e.disbursed), Number(e.current)];
    // A payment: anything up to what keeps payments within the approval; an approval: anything from what is paid.
    const amountCents = e.to_stage === 'disbursed'
      ? Math.max(1, r.int(Math.round(current * 0.5), approved - (disbursed - current)))
      : Math.max(1, disbursed, Math.round(current * (0.8 + r.next() * 0.5)));
    await this.attempt(`funding.correct:${e.to_stage}`, () => this.caller.funding.correct({
      id: Number(e.request_id), eventId: Number(e.id), amountCents, reason: r.chance(0.05) ? ' ' : `Oracle correction ${this.successes}`
    }));
  }

  async needCreate() {
    const r = this.rng;
    const kind = r.pick(['equipment', 'building', 'basic_needs'] as const);
    await this.attempt('needs.create', () => this.caller.needs.create({
      title: `Oracle need ${this.successes}`, centerId: r.pick(this.centerIds), kind,
      basicNeedType: kind === 'basic_needs' ? r.pick(['housing', 'food', 'medical'] as const) : null,
      quantity: r.int(1, 20), priority: r.weighted({ critical: 2, high: 3, normal: 4, low: 1 }),
      estimatedCostCents: r.int(0, 5_000_000), neededBy: null
    }).then((n) => this.needIds.push(Number((n as { id: number }).id))));
  }

  private async need(id: number) {
    return this.row<{ version: number; status: string; quantity: number; fulfilled_quantity: number }>(
      sql`select version, status::text, quantity, fulfilled_quantity from aftercare_need where id = ${id}`);
  }

  async needUpdate() {
    const r = this.rng;
    const id = r.pick(this.needIds);
    const n = await this.need(id);
    const changes = r.weighted({ priority: 4, cost: 3, center: 1 });
    await this.attempt(`needs.update:${changes}`, () => this.caller.needs.update({
      id, version: n.version,
      changes: changes === 'priority' ? { priority: r.pick(['critical', 'high', 'normal', 'low'] as const) }
        : changes === 'cost' ? { estimatedCostCents: r.int(0, 3_000_000) } : { centerId: r.pick(this.centerIds) }
    }));
  }

  async needMove() {
    const r = this.rng;
    const id = r.pick(this.needIds);
    const n = await this.need(id);
    const to = r.weighted({ in_progress: 3, pledged: 2, fulfilled: 2, cancelled: 2, open: 1 });
    await this.attempt(`needs.move:${to}`, () => this.caller.needs.move({ id, version: n.version, to }));
  }

  async needFulfil() {
    const id = this.rng.pick(this.needIds);
    const n = await this.need(id);
    await this.attempt('needs.fulfil', () => this.caller.needs.fulfil({ id, version: n.version, quantity: Math.max(1, n.quantity - n.fulfilled_quantity) }));
  }

  async needPledge() {
    const id = this.rng.pick(this.needIds);
    const n = await this.need(id);
    await this.attempt('needs.pledge', () => this.caller.needs.pledge({ id, version: n.version, pledgedBy: 'Synthetic Donor', amountCents: this.rng.int(0, 100_000), expectedOn: null }));
  }

  async outreachCreate() {
    const r = this.rng;
    await this.attempt('outreach.create', () => this.caller.outreach.create({
      occurredOn: addDays(this.today, -r.int(0, 3 * 365)), state: r.pick(OUTREACH_STATES) as never,
      format: r.pick(['school_assembly', 'parent_workshop', 'webinar', 'conference'] as const),
      audience: r.pick(['students', 'parents', 'educators', 'general_public'] as const),
      title: null, attendees: r.int(0, 400), partnerProfessionals: r.int(0, 5), followUpRequests: r.int(0, 12)
    }).then((o) => this.outreachIds.push(Number((o as { id: number }).id))));
  }

  private async outreachVersion(id: number) {
    return (await this.row<{ version: number }>(sql`select version from outreach_event where id = ${id}`))?.version;
  }

  async outreachUpdate() {
    const r = this.rng;
    const id = r.pick(this.outreachIds);
    const version = await this.outreachVersion(id);
    if (version === undefined) return;
    const changes = r.weighted({ day: 2, attendees: 2, state: 1 });
    await this.attempt(`outreach.update:${changes}`, () => this.caller.outreach.update({
      id, version,
      changes: changes === 'day' ? { occurredOn: addDays(this.today, -r.int(0, 3 * 365)) }
        : changes === 'attendees' ? { attendees: r.int(0, 500), followUpRequests: r.int(0, 10) } : { state: r.pick(OUTREACH_STATES) as never }
    }));
  }

  async outreachDelete() {
    const id = this.rng.pick(this.outreachIds);
    const version = await this.outreachVersion(id);
    if (version === undefined) return;
    await this.attempt('outreach.delete', () => this.caller.outreach.delete({ id, version }));
    this.outreachIds = this.outreachIds.filter((x) => x !== id);
  }

  async run(target: number) {
    await this.refresh();
    for (let attempts = 0; this.successes < target; attempts++) {
      if (attempts > target * 3) throw new Error(`only ${this.successes} of ${attempts} writes succeeded: ${JSON.stringify([...this.refused])}`);
      if (attempts % 100 === 99) await this.refresh();
      const op = this.rng.weighted({ advance: 40, pay: 6, correct: 6, needCreate: 10, needUpdate: 10, needMove: 10, needFulfil: 4, needPledge: 3, outreachCreate: 14, outreachUpdate: 6, outreachDelete: 3 });
      await this[op]();
    }
  }
}

// ───────────────────────────── contexts ─────────────────────────────

function contextsFor(today: string): Context[] {
  const y = Number(today.slice(0, 4));
  const thisMonth = `${today.slice(0, 7)}-01`;
  const base = { timeZone: DEFAULT_ZONE, fiscalYearStartMonth: DEFAULT_FY_START };
  const fy = (name: string, fiscalYear: number, filters: Filters = {}, over: Partial<Context> = {}): Context => {
    const start = over.fiscalYearStartMonth ?? base.fiscalYearStartMonth;
    return { name, kind: 'fiscalYear', fiscalYear, ...fiscalYearRange(fiscalYear, start), filters, ...base, ...over };
  };
  const days = (name: string, kind: Context['kind'], first: string, last: string, filters: Filters = {}, over: Partial<Context> = {}): Context =>
    ({ name, kind, start: first, end: addDays(last, 1), filters, ...base, ...over });
  const curFy = fiscalYearOfDay(today, base.fiscalYearStartMonth);
  const q = fiscalYearRange(curFy - 1, base.fiscalYearStartMonth).start;
  const julyFy = fiscalYearOfDay(today, 7);
  const fyBoundary = fiscalYearRange(curFy, base.fiscalYearStartMonth).start;
  return [
    fy('current fiscal year', curFy),
    fy('past fiscal year', curFy - 1),
    { ...days('fiscal quarter (previous FY, Q3)', 'quarter', addMonths(q, 6), addDays(addMonths(q, 9), -1)), fiscalYear: curFy - 1, quarter: 3 },
    days('month range (the four months before this one)', 'months', addMonths(thisMonth, -4), addDays(thisMonth, -1)),
    days('day range crossing a fiscal-year boundary', 'days', addDays(fyBoundary, -12), addDays(fyBoundary, 9)),
    days('day range ending today', 'days', addDays(today, -9), today),
    fy('division (Pacific), current fiscal year', curFy, { division: 'pacific' }),
    fy('state (Texas), past fiscal year', curFy - 1, { state: 'TX' }),
    fy('category (detection K9), current fiscal year', curFy, { category: 'detection_k9' }),
    days('division and category (Mountain, training scholarships), month range', 'months', `${y - 1}-01-01`, `${y - 1}-06-30`, { division: 'mountain', category: 'training_scholarship' }),
    fy('fiscal year starting in July', julyFy, {}, { fiscalYearStartMonth: 7 }),
    days('July start: June 20 to July 5 (crosses the fiscal year)', 'days', `${y - 1}-06-20`, `${y - 1}-07-05`, {}, { fiscalYearStartMonth: 7 }),
    days('time zone west of UTC (Los Angeles), month range to today', 'months', addMonths(thisMonth, -2), today, {}, { timeZone: 'America/Los_Angeles' }),
    fy('time zone UTC−10 (Honolulu), Pacific division, past fiscal year', curFy - 1, { division: 'pacific' }, { timeZone: 'Pacific/Honolulu' })
  ];
}

const dashboardFilters = (c: Context) => ({
  ...(c.kind === 'fiscalYear' ? { fiscalYear: c.fiscalYear! } : { from: c.start, to: addDays(c.end, -1) }),
  ...c.filters
});
const snapshotPeriod = (c: Context) =>
  c.kind === 'fiscalYear' ? { kind: 'fiscal_year' as const, fiscalYear: c.fiscalYear! }
    : c.kind === 'quarter' ? { kind: 'fiscal_quarter' as const, fiscalYear: c.fiscalYear!, quarter: c.quarter! }
      : { kind: 'dates' as const, from: c.start, to: addDays(c.end, -1) };

/**
 * Runs `fn` with the product configured for the context, as if started with its BEACON_FY_START_MONTH
 * and BEACON_TIME_ZONE: the settings, and the zone the database buckets days and months in (the app
 * writes it there at start through beacon_set_time_zone, which rebuilds the month rollups).
 */
async function configuredFor<T>(db: Db, c: Context, fn: () => Promise<T>): Promise<T> {
  const cfg = productConfig();
  const saved = { fiscalYearStartMonth: cfg.fiscalYearStartMonth, timeZone: cfg.timeZone };
  const setZone = async (tz: string | undefined) => {
    const { rows } = await sql<{ f: string | null }>`select to_regproc('beacon_set_time_zone')::text as f`.execute(db);
    if (tz && rows[0].f) await sql`select beacon_set_time_zone(${tz})`.execute(db);
  };
  Object.assign(cfg, { fiscalYearStartMonth: c.fiscalYearStartMonth, timeZone: c.timeZone });
  await setZone(c.timeZone);
  try {
    return await fn();
  } finally {
    Object.assign(cfg, saved);
    await setZone(saved.timeZone);
  }
}

type Json = Record<string, unknown>;

/** One line per figure (keys in brackets folded): how many cells differ, and the first of them. */
function summarize(list: string[]): string {
  const groups = new Map<string, string[]>();
  for (const line of list) {
    const figure = line.replace(/\[[^\]]*\]/g, '[…]').replace(/:.*$/, '');
    groups.set(figure, [...(groups.get(figure) ?? []), line]);
  }
  return [...groups].map(([figure, lines]) => `${lines.length} × ${figure} — e.g. ${lines[0].replace(/^.*?\] /, '').slice(0, 300)}`).join('\n');
}

function compareAll(where: string, base: Base, c: Context, d: { overview: Json; funding: Json; aftercare: Json; outreach: Json }) {
  const m = new Mismatches(where);
  compareOverview(m, expectOverview(base, c), d.overview);
  compareFunding(m, expectFunding(base, c, new Date(String(d.funding.asOf))), d.funding);
  compareAftercare(m, expectAftercare(base, c, new Date(String(d.aftercare.asOf))), d.aftercare);
  compareOutreach(m, expectOutreach(base, c), d.outreach);
  return m.list;
}

async function dashboards(caller: Caller, c: Context) {
  const input = dashboardFilters(c) as never;
  const [overview, funding, aftercare, outreach] = await Promise.all([
    caller.dashboard.overview(input), caller.dashboard.funding(input), caller.dashboard.aftercare(input), caller.dashboard.outreach(input)
  ]);
  const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Json;
  return { overview: json(overview), funding: json(funding), aftercare: json(aftercare), outreach: json(outreach) };
}

/** A table block of a snapshot CSV ("Funding — Monthly throughput"): month (first column) → column → cell. */
function csvTable(csv: string, block: string): Map<string, Map<string, string>> {
  const lines = csv.split('\r\n');
  const at = lines.indexOf(block);
  const out = new Map<string, Map<string, string>>();
  if (at < 0) return out;
  const header = lines[at + 1].split(',');
  for (const line of lines.slice(at + 2)) {
    if (!line) break;
    const cells = line.split(',');
    out.set(cells[header.indexOf('Month')], new Map(header.map((h, i) => [h, cells[i]])));
  }
  return out;
}

/** One block of a snapshot CSV ("Overview — Funding") as label → value. */
function csvBlock(csv: string, block: string): Map<string, string> {
  const lines = csv.split('\r\n');
  const at = lines.indexOf(block);
  const out = new Map<string, string>();
  if (at < 0) return out;
  for (const line of lines.slice(at + 2)) {
    if (!line) break;
    const [label, ...rest] = line.split(',');
    out.set(label.replace(/^"|"$/g, ''), rest.join(',').replace(/^"|"$/g, ''));
  }
  return out;
}

for (const target of targets) {
  describe(`figure oracle on ${target.name}`, () => {
    let h: TestDb;
    let base: Base;
    let leader: SessionUser;
    let caller: Caller;
    let writer: Writer;
    let paidWithoutAmount: Set<number>;
    let historyPaidWithoutAmount = 0;
    // Today in the organisation's zone (the procedures judge dates there; the UTC date runs ahead every evening).
    const today = localDay(new Date(), DEFAULT_ZONE);
    const contexts = contextsFor(today);

    beforeAll(async () => {
      const t0 = Date.now();
      h = await target.open();
      // A history up to yesterday, then the random writes today (the procedures stamp "now").
      paidWithoutAmount = await writeHistory(h.db, createRng(SEED ^ 0x5eed), today);
      historyPaidWithoutAmount = paidWithoutAmount.size;
      leader = await testUser(h.db, 'leadership');
      caller = createCaller({ db: h.db, dbKind: target.name, user: leader });
      writer = new Writer(h.db, caller, createRng(SEED), today, paidWithoutAmount);
      const t1 = Date.now();
      await writer.run(OPS);
      base = await loadBase(h.db, paidWithoutAmount);
      console.info(`[figure oracle] ${target.name}: seeded in ${t1 - t0} ms, ${writer.successes} writes in ${Date.now() - t1} ms`, Object.fromEntries(writer.ok), Object.fromEntries(writer.refused));
    }, 600_000);
    afterAll(() => h?.drop());

    it(`ran at least ${OPS} random writes through the procedures on a history with payments recorded without an amount`, () => {
      const tally = Object.fromEntries([...writer.ok].sort());
      expect(writer.successes, JSON.stringify({ ok: tally, refused: Object.fromEntries(writer.refused) })).toBeGreaterThanOrEqual(OPS);
      for (const op of ['funding.advance:vetting', 'funding.advance:approved', 'funding.advance:disbursed', 'funding.advance:withdrawn', 'funding.pay',
        'funding.correct:approved', 'funding.correct:disbursed', 'needs.create',
        'needs.update:priority', 'needs.update:center', 'needs.move:fulfilled', 'needs.move:cancelled', 'needs.fulfil', 'outreach.create', 'outreach.update:day',
        'outreach.delete']) {
        expect(writer.ok.get(op) ?? 0, `${op}: ${JSON.stringify(tally)}`).toBeGreaterThan(0);
      }
      expect(historyPaidWithoutAmount).toBeGreaterThan(50);
    });

    it('funding.advance records a disbursement without an amount (it pays the approved amount)', () => {
      expect(writer.ok.get('funding.advance:disbursed-without-amount') ?? 0, JSON.stringify(Object.fromEntries(writer.refused))).toBeGreaterThan(10);
    });

    it('the contexts have data to check (no context passes by being empty)', () => {
      const survivorFigures = [];
      for (const c of contexts) {
        const o = expectOverview(base, c);
        expect(o.funding.requests + o.funding.disbursedCents, c.name).toBeGreaterThan(0);
        expect(o.outreach.events, c.name).toBeGreaterThan(0);
        survivorFigures.push(o.survivors.served, ...Object.values(expectAftercare(base, c, new Date()).survivorsMonthly).map((m) => m.served));
      }
      // Survivor figures both published (rounded, non-zero) and withheld are among the checked ones.
      expect(survivorFigures.some((v) => typeof v === 'number' && v > 0 && v % 5 === 0)).toBe(true);
      expect(survivorFigures).toContain('withheld');
    });

    for (const c of contexts) {
      it(`${c.name}: dashboards, snapshot and CSV equal the dictionary's figures`, async () => {
        const list = await configuredFor(h.db, c, async () => {
          const shown = await dashboards(caller, c);
          const found = compareAll(`[${c.name}] dashboard`, base, c, shown);
          const created = await caller.snapshots.create({ title: `Oracle ${c.name}`, period: snapshotPeriod(c), filters: c.filters as never });
          const snap = await caller.snapshots.get({ id: Number((created as { id: number }).id) });
          const data = snap.datasets as unknown as { overview: Json; funding: Json; aftercare: Json; outreach: Json };
          found.push(...compareAll(`[${c.name}] snapshot`, base, c, data));
          // The CSV a board member downloads: its key figures are the snapshot's, in dollars.
          const csv = datasetsCsv({ title: 'x', period: 'x', asOf: 'x', filters: 'x', seq: 0, integrity: 'x' }, snap.datasets);
          const e = expectOverview(base, c);
          const dollars = (cents: number) => String(cents / 100);
          const checks: Array<[string, string, string]> = [
            ['Overview — Funding', 'Requested (USD)', dollars(e.funding.requestedCents)],
            ['Overview — Funding', 'Approved (committed) (USD)', dollars(e.funding.approvedCents)],
            ['Overview — Funding', 'Disbursed (USD)', dollars(e.funding.disbursedCents)],
            ['Overview — Key figures', 'Paid out from the first day of the period (USD)', dollars(e.sincePeriodStart.disbursedCents)],
            ['Overview — Key figures', 'People reached', String(e.outreach.peopleReached)],
            ['Overview — Key figures', 'K9s funded', String(e.impact.k9sFunded)]
          ];
          // Monthly tables: money paid per month, survivors served per month, people reached per month.
          const f = expectFunding(base, c, new Date());
          const throughput = csvTable(csv, 'Funding — Monthly throughput');
          for (const [month, t] of Object.entries(f.throughput)) checks.push([`Funding — Monthly throughput ${month}`, 'Disbursed (USD)', dollars(t.disbursedCents)]);
          const a = expectAftercare(base, c, new Date());
          const survivors = csvTable(csv, 'Aftercare — Survivors served per month');
          const reach = csvTable(csv, 'Outreach — Outreach per month against goal');
          for (const [month, m] of Object.entries(expectOutreach(base, c).monthly)) checks.push([`Outreach — Outreach per month against goal ${month}`, 'People reached', String(m.peopleReached)]);
          for (const [month, m] of Object.entries(a.survivorsMonthly)) if (m.whole) checks.push([`Aftercare — Survivors served per month ${month}`, 'Served', String(m.served)]);
          const cell = (block: string, label: string) => {
            const monthly = /^(.*) (\d{4}-\d{2}-\d{2})$/.exec(block);
            if (!monthly) return csvBlock(csv, block).get(label);
            const table = { 'Funding — Monthly throughput': throughput, 'Aftercare — Survivors served per month': survivors, 'Outreach — Outreach per month against goal': reach }[monthly[1]];
            return table?.get(monthly[2])?.get(label);
          };
          for (const [block, label, value] of checks) {
            const shown = cell(block, label);
            if (shown !== value) found.push(`[${c.name}] CSV ${block} "${label}": expected ${value}, shown ${shown}`);
          }
          return found;
        });
        expect(list.length, `${list.length} figures differ from docs/figures.md:\n${summarize(list)}`).toBe(0);
      });
    }

    it('sabotage: a rollup changed behind the triggers is caught by the oracle', async () => {
      const c = contexts[0];
      const before = new Set(await configuredFor(h.db, c, async () => compareAll('[sabotage]', base, c, await dashboards(caller, c))));
      // Every money column of every rollup table gets one dollar more, as if a trigger had miscounted.
      const { rows } = await sql<{ table_name: string; column_name: string }>`
        select table_name, column_name from information_schema.columns
        where table_schema = current_schema() and table_name like 'rollup%' and column_name like '%cents'`.execute(h.db);
      expect(rows.length).toBeGreaterThan(0);
      const shift = async (delta: number) => {
        for (const r of rows) await sql.raw(`update ${r.table_name} set ${r.column_name} = ${r.column_name} + ${delta}`).execute(h.db);
      };
      await shift(100);
      try {
        const after = await configuredFor(h.db, c, async () => compareAll('[sabotage]', base, c, await dashboards(caller, c)));
        const caught = after.filter((x) => !before.has(x));
        expect(caught.length, 'the oracle did not notice rollups changed behind the triggers').toBeGreaterThan(0);
        expect(caught.some((x) => /Cents/.test(x))).toBe(true);
      } finally {
        await shift(-100);
      }
    });
  });
}
