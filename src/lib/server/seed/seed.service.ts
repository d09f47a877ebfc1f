// The seed generator: a plausible, clearly synthetic organisation over three fiscal years, the same
// for the same seed, anchor date and fiscal-year start month. Everything goes in through the
// normal tables and triggers (stage moves as stage events), so rollups and change_log stay true.
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { planBudgets, type BudgetPlan } from './budgets.js';
import { isoTimestamp, seedCalendar, type SeedCalendar } from './calendar.js';
import { withPopulation, type SeedRegion } from './geography.js';
import { planNeeds, type NeedPlan } from './needs.js';
import { OutreachTally, outreachEvents, planOutreachGoals, type OutreachEventPlan } from './outreach.js';
import { planPartners, type PartnerPlan } from './partners.js';
import { createRandom, type Random } from './random.js';
import { planInKindLines, type InKindLinePlan } from './in-kind.js';
import { planRequests, type RequestPlan } from './requests.js';
import { centerProfiles, planSurvivorCounts, type SurvivorCountPlan } from './survivors.js';
import { BatchWriter, type Progress, type Row, type SeedTable } from './writer.js';
import { makeDemoSnapshots } from '../snapshots/snapshots.service.js';

export type SeedProfile = 'demo' | 'large';

export interface SeedOptions {
  profile: SeedProfile;
  /** Default 1. An integer from 0 to 2^32 - 1. */
  seed?: number;
  /** Data ends the day before this date (default today). Only the date (UTC) matters. */
  anchor?: Date;
  /** 1 = January (default). */
  fiscalYearStartMonth?: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

export type SeedCounts = Record<SeedTable, number>;

export interface SeedSummary {
  profile: SeedProfile;
  seed: number;
  anchorDay: string;
  fiscalYearStartMonth: number;
  fiscalYears: number[];
  counts: SeedCounts;
  elapsedMs: number;
}

interface ProfileSize {
  partners: number;
  requests: number;
  needs: number;
  outreachEvents: number;
  /** One transaction for the whole seed (all or nothing), or one per batch (bounded memory and locks). */
  singleTransaction: boolean;
  batchSize: number;
}

const PROFILES: Record<SeedProfile, ProfileSize> = {
  demo: { partners: 400, requests: 2_500, needs: 1_200, outreachEvents: 6_000, singleTransaction: true, batchSize: 2_000 },
  large: { partners: 2_000, requests: 250_000, needs: 6_000, outreachEvents: 600_000, singleTransaction: false, batchSize: 2_000 }
};

const SEEDED_TABLES: SeedTable[] = [
  'partner', 'budget', 'funding_request', 'funding_in_kind_line', 'funding_stage_event', 'aftercare_need', 'survivor_count', 'outreach_event',
  'outreach_goal'
];

export class SeedError extends Error {
  override name = 'SeedError';
}

/** True when any domain table has a row (users and sessions do not count). */
export async function hasAnyDomainData(db: Db): Promise<boolean> {
  const exists = SEEDED_TABLES.map((t) => sql`exists (select 1 from ${sql.table(t)})`);
  const { rows } = await sql<{ has_data: boolean }>`select ${sql.join(exists, sql` or `)} as has_data`.execute(db);
  return rows[0].has_data;
}

function checkOptions(options: SeedOptions): Required<Omit<SeedOptions, 'onProgress'>> {
  const { profile, seed = 1, anchor = new Date(), fiscalYearStartMonth = 1 } = options;
  if (!(profile in PROFILES)) throw new SeedError(`unknown seed profile "${profile}": use "demo" or "large"`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new SeedError(`seed must be an integer from 0 to 4294967295, got ${seed}`);
  if (!(anchor instanceof Date) || Number.isNaN(anchor.getTime())) throw new SeedError('anchor must be a valid date');
  if (!Number.isInteger(fiscalYearStartMonth) || fiscalYearStartMonth < 1 || fiscalYearStartMonth > 12) {
    throw new SeedError(`fiscal-year start month must be an integer from 1 to 12, got ${fiscalYearStartMonth}`);
  }
  return { profile, seed, anchor, fiscalYearStartMonth };
}

interface World {
  cal: SeedCalendar;
  regions: SeedRegion[];
  partners: PartnerPlan[];
  requests: RequestPlan[];
  inKind: InKindLinePlan[];
  budgets: BudgetPlan[];
  needs: NeedPlan[];
  survivorCounts: SurvivorCountPlan[];
  random: Random;
  size: ProfileSize;
}

function planWorld(random: Random, cal: SeedCalendar, regions: SeedRegion[], size: ProfileSize): World {
  const partners = planPartners(random.fork('partners'), cal, regions, size.partners);
  const centers = centerProfiles(random.fork('centers'), partners);
  const requests = planRequests(random.fork('requests'), cal, partners, size.requests);
  return {
    cal,
    regions,
    partners,
    requests,
    inKind: planInKindLines(random.fork('in-kind'), cal, requests),
    budgets: planBudgets(random.fork('budgets'), cal, requests),
    needs: planNeeds(random.fork('needs'), cal, centers, size.needs),
    survivorCounts: planSurvivorCounts(random.fork('survivors'), cal, centers),
    random,
    size
  };
}

function divisionsOf(regions: SeedRegion[]): string[] {
  return [...new Set(regions.map((r) => r.division))].sort();
}

function rowsToWrite(world: World): number {
  const moves = world.requests.reduce((n, r) => n + r.moves.length, 0);
  const goals = world.cal.fiscalYears.length * 4 * divisionsOf(world.regions).length;
  return (
    world.partners.length + world.budgets.length + world.requests.length + world.inKind.length + moves + world.needs.length +
    world.survivorCounts.length + world.size.outreachEvents + goals
  );
}

const ts = isoTimestamp;

async function writePartners(w: BatchWriter, partners: PartnerPlan[]): Promise<void> {
  const rows = partners.map((p) => ({
    name: p.name, kind: p.kind, vetting_status: p.vettingStatus, state: p.region.code,
    vetted_at: p.vettedAtMs === null ? null : ts(p.vettedAtMs), created_at: ts(p.createdAtMs), updated_at: ts(p.updatedAtMs)
  }));
  const ids = await w.write('partner', Object.keys(rows[0]), rows);
  partners.forEach((p, i) => (p.id = ids[i]));
}

async function writeBudgets(w: BatchWriter, budgets: BudgetPlan[]): Promise<void> {
  const rows = budgets.map((b) => ({
    fiscal_year: b.fiscalYear, program_area: b.programArea, donor_restriction: b.donorRestriction, amount_cents: b.amountCents,
    created_at: ts(b.createdAtMs), updated_at: ts(b.createdAtMs)
  }));
  await w.write('budget', Object.keys(rows[0]), rows);
}

async function writeRequests(w: BatchWriter, requests: RequestPlan[]): Promise<void> {
  const rows = requests.map((r) => ({
    partner_id: r.partner.id, title: r.title, category: r.category, fiscal_year: r.fiscalYear,
    requested_cents: r.requestedCents, units: r.units, created_at: ts(r.createdAtMs), report_due_on: r.reportDueOn
  }));
  const ids = await w.write('funding_request', Object.keys(rows[0]), rows, 'funding requests');
  requests.forEach((r, i) => (r.id = ids[i]));
}

/**
 * Stage moves in rounds: the k-th move of every request goes into one batch of multi-row INSERTs,
 * so no statement moves the same request twice and every move finds the stage it leaves.
 */
async function writeStageHistories(w: BatchWriter, requests: RequestPlan[]): Promise<void> {
  const columns = ['request_id', 'from_stage', 'to_stage', 'amount_cents', 'occurred_at', 'reason'];
  for (let k = 0; ; k++) {
    const rows: Row[] = [];
    for (const r of requests) {
      const m = r.moves[k];
      if (m) rows.push({ request_id: r.id, from_stage: m.from, to_stage: m.to, amount_cents: m.amountCents, occurred_at: ts(m.atMs), reason: m.reason });
    }
    if (rows.length === 0) return;
    await w.write('funding_stage_event', columns, rows, 'stage histories', 1_000);
  }
}

/**
 * In-kind lines after the stage histories, with their deliveries (a delivery is on a paid request,
 * after its first payment, before the anchor day). One statement per batch: its trigger touches the
 * batch's requests once. No one is named as the deliverer (the seed has no users).
 */
async function writeInKindLines(w: BatchWriter, lines: InKindLinePlan[]): Promise<void> {
  const rows = lines.map((l) => ({
    request_id: l.request.id, item: l.item, units: l.units, unit_cost_cents: l.unitCostCents, delivered_on: l.deliveredOn,
    delivery_note: l.deliveryNote, created_at: ts(l.request.createdAtMs)
  }));
  if (rows.length) await w.write('funding_in_kind_line', Object.keys(rows[0]), rows, 'in-kind lines');
}

async function writeNeeds(w: BatchWriter, needs: NeedPlan[]): Promise<void> {
  const rows = needs.map((n) => ({
    // A need is fulfilled only when all its units are (migration 2026-12-05-03).
    center_id: n.center.id, title: n.title, kind: n.kind, basic_need_type: n.basicNeedType, quantity: n.quantity,
    fulfilled_quantity: n.status === 'fulfilled' ? n.quantity : 0,
    estimated_cost_cents: n.estimatedCostCents, priority: n.priority, status: n.status, needed_by: n.neededBy,
    created_at: ts(n.createdAtMs), updated_at: ts(n.closedAtMs ?? n.createdAtMs),
    closed_at: n.closedAtMs === null ? null : ts(n.closedAtMs)
  }));
  if (rows.length) await w.write('aftercare_need', Object.keys(rows[0]), rows, 'aftercare needs');
}

async function writeSurvivorCounts(w: BatchWriter, counts: SurvivorCountPlan[]): Promise<void> {
  const rows = counts.map((c) => ({
    center_id: c.center.id, month: c.month, served: c.served, new_intakes: c.newIntakes, bed_nights: c.bedNights,
    reported_at: ts(c.reportedAtMs)
  }));
  if (rows.length) await w.write('survivor_count', Object.keys(rows[0]), rows, 'survivor counts');
}

const OUTREACH_COLUMNS = [
  'occurred_on', 'state', 'format', 'audience', 'title', 'attendees', 'partner_professionals', 'follow_up_requests',
  'partner_id', 'created_at', 'updated_at'
];

function outreachRow(e: OutreachEventPlan): Row {
  return {
    occurred_on: e.occurredOn, state: e.state, format: e.format, audience: e.audience, title: e.title, attendees: e.attendees,
    partner_professionals: e.partnerProfessionals, follow_up_requests: e.followUpRequests, partner_id: e.partner?.id ?? null,
    created_at: ts(e.createdAtMs), updated_at: ts(e.createdAtMs)
  };
}

async function writeOutreach(w: BatchWriter, world: World): Promise<void> {
  const tally = new OutreachTally(new Map(world.regions.map((r) => [r.code, r.division])));
  const events = outreachEvents(world.random.fork('outreach'), world.cal, world.regions, world.partners, world.size.outreachEvents);
  const tallied = (function* () {
    for (const e of events) {
      tally.add(e);
      yield e;
    }
  })();
  await w.writeStream('outreach_event', OUTREACH_COLUMNS, tallied, outreachRow, 'outreach events');
  const goals = planOutreachGoals(world.random.fork('goals'), world.cal, divisionsOf(world.regions), tally).map((g) => ({
    division_code: g.division, period_start: g.periodStart, period_end: g.periodEnd, people_goal: g.peopleGoal, events_goal: g.eventsGoal
  }));
  await w.write('outreach_goal', Object.keys(goals[0]), goals, 'outreach goals');
}

async function writeWorld(db: Db, world: World, progress: Progress): Promise<void> {
  const w = new BatchWriter(db, progress, world.size.batchSize);
  await writePartners(w, world.partners);
  await writeBudgets(w, world.budgets);
  await writeRequests(w, world.requests);
  await writeStageHistories(w, world.requests);
  await writeInKindLines(w, world.inKind);
  await writeNeeds(w, world.needs);
  await writeSurvivorCounts(w, world.survivorCounts);
  await writeOutreach(w, world);
}

async function countRows(db: Db): Promise<SeedCounts> {
  const counts = SEEDED_TABLES.map((t) => sql`(select count(*) from ${sql.table(t)})::int as ${sql.ref(t)}`);
  const { rows } = await sql<SeedCounts>`select ${sql.join(counts)}`.execute(db);
  return rows[0];
}

function progressReporter(total: number, onProgress: SeedOptions['onProgress']): Progress & { finish(): void } {
  let done = 0;
  return {
    advance(rows, label) {
      done = Math.min(total, done + rows);
      onProgress?.(done, total, label);
    },
    finish() {
      if (done < total) onProgress?.(total, total, 'done');
    }
  };
}

export async function seedDatabase(db: Db, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const { profile, seed, anchor, fiscalYearStartMonth } = checkOptions(options);
  if (await hasAnyDomainData(db)) throw new SeedError('database already has data; seed an empty database');
  const cal = seedCalendar(anchor, fiscalYearStartMonth);
  const regionRows = await db.selectFrom('region').select(['code', 'country', 'division_code']).orderBy('code').execute();
  const world = planWorld(createRandom(seed), cal, withPopulation(regionRows), PROFILES[profile]);
  const progress = progressReporter(rowsToWrite(world), options.onProgress);
  if (world.size.singleTransaction) await db.transaction().execute((trx) => writeWorld(trx, world, progress));
  else await writeWorld(db, world, progress);
  // A board member's first sign-in finds reports: a year of monthly snapshots, fiscal-year reports, a schedule.
  if (profile === 'demo') await makeDemoSnapshots(db, { fiscalYearStartMonth }, anchor, cal.fiscalYears);
  progress.finish();
  return {
    profile,
    seed,
    anchorDay: cal.anchorDay,
    fiscalYearStartMonth,
    fiscalYears: cal.fiscalYears,
    counts: await countRows(db),
    elapsedMs: Math.round(performance.now() - started)
  };
}
