// Funding requests and their stage histories. Each request gets an intended path through the
// pipeline with realistic time in each stage; the path is cut at the anchor, so older fiscal years
// end up mostly reported/disbursed/declined and the current one spread across the early stages.
import type { FundingCategory, FundingStage } from '../db/schema.js';
import { DAY, HOUR, businessHoursOffset, dayStart, isoDate, type SeedCalendar } from './calendar.js';
import { CATEGORIES_BY_KIND, approvedCents, requestAsk } from './catalog.js';
import type { PartnerPlan } from './partners.js';
import { weightedTable, type Random, type WeightedTable } from './random.js';

export interface StageMove {
  from: FundingStage;
  to: FundingStage;
  atMs: number;
  amountCents: number | null;
  /** Why a request was declined or withdrawn (the database refuses either without one). */
  reason: string | null;
}

export interface RequestPlan {
  /** Set once the row is written. */
  id: number;
  partner: PartnerPlan;
  title: string;
  category: FundingCategory;
  fiscalYear: number;
  requestedCents: number;
  units: number | null;
  createdAtMs: number;
  /** When the grantee's report is due ('YYYY-MM-DD'): REPORT_DUE_DAYS after the first payment. */
  reportDueOn: string | null;
  /** Moves after the opening intake event (which the database writes itself), oldest first. */
  moves: StageMove[];
}

/** A grantee reports on what a payment bought within a quarter of it. */
export const REPORT_DUE_DAYS = 90;

// Reasons a funder writes when it declines a request or a partner withdraws one. Picked by the day of
// the move (no draw from the random stream, so the rest of the seeded world stays as it was).
const REASONS: Partial<Record<FundingStage, readonly string[]>> = {
  declined: [
    'Outside the program area this fiscal year.',
    'The budget for this program area is committed.',
    'The partner could not document how the equipment would be used.',
    'Duplicates a request already funded for this agency.',
    'Vetting found the partner does not meet the funding criteria.'
  ],
  withdrawn: [
    'The agency found another source of funding.',
    'The partner withdrew: the grant officer left the agency.',
    'The need was met by a state program.',
    'The partner asked to resubmit next fiscal year.'
  ]
};

function reasonFor(to: FundingStage, atMs: number): string | null {
  const list = REASONS[to];
  return list ? list[Math.floor(atMs / DAY) % list.length] : null;
}

/** Days spent in a stage before leaving it: [median, log-normal sigma]. */
const STAGE_DAYS: Record<string, readonly [number, number]> = {
  'intake>vetting': [7, 0.8],
  'vetting>approved': [21, 0.7],
  'approved>disbursed': [14, 0.7],
  'disbursed>reported': [75, 0.45],
  'intake>declined': [6, 0.7],
  'vetting>declined': [20, 0.6],
  'approved>declined': [15, 0.6],
  'intake>withdrawn': [10, 0.8],
  'vetting>withdrawn': [20, 0.7],
  'approved>withdrawn': [15, 0.7]
};

/** Even a badly stuck request is chased up or closed within about eight months. */
const MAX_DAYS_IN_STAGE = 240;

const HAPPY_PATH: FundingStage[] = ['intake', 'vetting', 'approved', 'disbursed', 'reported'];

/** The stages a request would pass through if nothing stopped it (starting at intake). */
function intendedPath(random: Random, partner: PartnerPlan): FundingStage[] {
  if (partner.vettingStatus === 'pending') {
    // Not vetted yet: it can wait, be withdrawn or declined, never be approved.
    return random.weighted<FundingStage[]>([
      [['intake'], 15],
      [['intake', 'vetting'], 60],
      [['intake', 'vetting', 'declined'], 15],
      [['intake', 'withdrawn'], 10]
    ]);
  }
  if (partner.vettingStatus === 'suspended') {
    return random.weighted<FundingStage[]>([
      [['intake', 'vetting', 'declined'], 70],
      [['intake', 'declined'], 20],
      [['intake', 'withdrawn'], 10]
    ]);
  }
  const outcome = random.weighted([
    ['funded', 76],
    ['declined', 16],
    ['withdrawn', 8]
  ] as const);
  if (outcome === 'funded') return random.chance(0.93) ? HAPPY_PATH : HAPPY_PATH.slice(0, 4);
  const leaveFrom =
    outcome === 'declined'
      ? random.weighted([[1, 20], [2, 65], [3, 15]])
      : random.weighted([[1, 30], [2, 50], [3, 20]]);
  return [...HAPPY_PATH.slice(0, leaveFrom), outcome];
}

function nextMoveAt(random: Random, fromMs: number, from: FundingStage, to: FundingStage): number {
  const [median, sigma] = STAGE_DAYS[`${from}>${to}`];
  // Now and then a request stalls (missing paperwork, a partner gone quiet): the "stuck" list.
  const stall = random.chance(0.05) ? random.float(2.5, 5) : 1;
  const days = Math.min(MAX_DAYS_IN_STAGE, Math.max(0, Math.round(random.logNormal(median, sigma) * stall)));
  const at = dayStart(fromMs + days * DAY) + businessHoursOffset(random.next());
  return at > fromMs ? at : fromMs + random.int(1, 6) * HOUR;
}

/** Walks the intended path until it reaches its end or the anchor. */
function stageMoves(random: Random, cal: SeedCalendar, plan: Omit<RequestPlan, 'moves'>, path: FundingStage[]): StageMove[] {
  const moves: StageMove[] = [];
  let atMs = plan.createdAtMs;
  let approved = 0;
  for (let i = 1; i < path.length; i++) {
    const [from, to] = [path[i - 1], path[i]];
    atMs = nextMoveAt(random, atMs, from, to);
    if (atMs >= cal.horizonMs) break;
    let amountCents: number | null = null;
    if (to === 'approved') amountCents = approved = approvedCents(random, plan.category, plan.requestedCents);
    // Every disbursement states what was paid: usually the approved amount, now and then a little less.
    if (to === 'disbursed') amountCents = random.chance(0.08) ? Math.round(approved * random.float(0.85, 0.99)) : approved;
    moves.push({ from, to, atMs, amountCents, reason: reasonFor(to, atMs) });
  }
  return moves;
}

/** Fiscal years weighted by how much of each has passed, with modest year-on-year growth. */
function createdAtTable(cal: SeedCalendar): WeightedTable<readonly [number, number]> {
  return weightedTable(
    cal.fiscalYears.map((fy, i) => {
      const start = cal.fiscalYearStartMs(fy);
      const end = Math.min(cal.fiscalYearEndMs(fy), cal.horizonMs);
      const elapsed = (end - start) / (cal.fiscalYearEndMs(fy) - start);
      return [[start, end] as const, Math.max(elapsed, 0.08) * Math.pow(1.1, i)] as const;
    })
  );
}

function pickPartner(random: Random, partners: WeightedTable<PartnerPlan>, fallback: PartnerPlan[], createdAtMs: number): PartnerPlan {
  for (let attempt = 0; attempt < 20; attempt++) {
    const p = partners.pick(random);
    if (p.activeFromMs <= createdAtMs) return p;
  }
  return random.pick(fallback);
}

export function planRequests(random: Random, cal: SeedCalendar, partners: PartnerPlan[], count: number): RequestPlan[] {
  const byWeight = weightedTable(partners.map((p) => [p, p.requestWeight] as const));
  const established = partners.filter((p) => p.vettingStatus === 'vetted' && p.activeFromMs <= cal.windowStartMs);
  const periods = createdAtTable(cal);
  const plans: RequestPlan[] = [];
  for (let i = 0; i < count; i++) {
    const [start, end] = periods.pick(random);
    const day = dayStart(start + random.next() * (end - start));
    const createdAtMs = day + businessHoursOffset(random.next());
    const partner = pickPartner(random, byWeight, established, createdAtMs);
    const category = random.weighted(CATEGORIES_BY_KIND[partner.kind]);
    const base = { id: 0, partner, category, fiscalYear: cal.fiscalYearOf(createdAtMs), createdAtMs, ...requestAsk(random, category) };
    const moves = stageMoves(random, cal, { ...base, reportDueOn: null }, intendedPath(random, partner));
    const paid = moves.find((m) => m.to === 'disbursed');
    plans.push({ ...base, moves, reportDueOn: paid ? isoDate(dayStart(paid.atMs) + REPORT_DUE_DAYS * DAY) : null });
  }
  // Ids follow creation time, as they would have in real use.
  return plans.sort((a, b) => a.createdAtMs - b.createdAtMs);
}
