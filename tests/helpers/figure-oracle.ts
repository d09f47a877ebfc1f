// The figure oracle: every figure of docs/figures.md computed from the base tables, written from the
// dictionary's words — never from the migrations, the rollups, the v_* views or the dataset code.
// It loads the base rows once (requests, stage events, partners, regions, budgets, needs, survivor
// counts, outreach events and goals) and computes each figure in plain TypeScript for a context:
// a period (first day, day after the last), the organisation time zone, the fiscal-year start month
// and the filters. `compareDatasets` then lists every figure where a dataset differs.
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/lib/server/db/index.js';

// ───────────────────────────── base rows ─────────────────────────────

export interface Base {
  regions: Map<string, string>; // state → division
  partners: Map<number, { id: number; name: string; kind: string; state: string }>;
  requests: Array<{ id: number; partnerId: number; category: string; stage: string; requested: number; units: number; createdAt: Date }>;
  /** Stage moves and further payments (kind 'move' / 'payment'); corrections are below. */
  events: Array<{ id: number; requestId: number; kind: string; from: string | null; to: string; amount: number | null; at: Date }>;
  /** Corrections: which approval or payment, and the amount it should have been (the last one written counts). */
  corrections: Array<{ id: number; correctsId: number; correctedTo: number }>;
  /** In-kind lines: item, units and the day delivered (null until confirmed). */
  inKind: Array<{ requestId: number; item: string; units: number; deliveredOn: string | null }>;
  budgets: Array<{ fiscalYear: number; area: string; amount: number }>;
  needs: Array<{ id: number; centerId: number; title: string; priority: string; kind: string; status: string; cost: number; createdAt: Date; closedAt: Date | null }>;
  survivors: Array<{ centerId: number; month: string; served: number; newIntakes: number; bedNights: number }>;
  outreach: Array<{ id: number; day: string; state: string; format: string; audience: string; attendees: number; followUps: number }>;
  goals: Array<{ id: number; division: string; start: string; end: string; people: number }>;
  /** Requests whose payment was recorded without an amount (the test knows; the stored row may not say). */
  paidWithoutAmount: Set<number>;
  /** The database's survivor-rounding key (docs/figures.md, "Survivor counts: disclosure control"), if it has one. */
  disclosureKey: Buffer | null;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export async function loadBase(db: Db, paidWithoutAmount: Set<number>): Promise<Base> {
  // Dates are read as text so no driver or session time zone can move them.
  const q = async <T>(text: string) => (await sql.raw<T>(text).execute(db)).rows;
  const keyRows = await q<{ key: string }>("select encode(key, 'hex') as key from disclosure_key").catch(() => []);
  const [regions, partners, requests, events, budgets, needs, survivors, outreach, goals, inKind] = await Promise.all([
    q<{ code: string; division_code: string }>('select code, division_code from region'),
    q<{ id: string; name: string; kind: string; state: string }>('select id, name, kind::text, state from partner'),
    q<Record<string, unknown>>('select id, partner_id, category::text, stage::text, requested_cents, units, created_at from funding_request'),
    q<Record<string, unknown>>('select id, request_id, kind, from_stage::text, to_stage::text, amount_cents, occurred_at, corrects_event_id, corrected_to_cents from funding_stage_event order by id'),
    q<Record<string, unknown>>('select fiscal_year, program_area::text, amount_cents from budget'),
    q<Record<string, unknown>>('select id, center_id, title, priority::text, kind::text, status::text, estimated_cost_cents, created_at, closed_at from aftercare_need'),
    q<Record<string, unknown>>("select center_id, to_char(month, 'YYYY-MM-DD') as month, served, new_intakes, bed_nights from survivor_count"),
    q<Record<string, unknown>>("select id, to_char(occurred_on, 'YYYY-MM-DD') as day, state, format::text, audience::text, attendees, follow_up_requests from outreach_event"),
    q<Record<string, unknown>>("select id, division_code, to_char(period_start, 'YYYY-MM-DD') as s, to_char(period_end, 'YYYY-MM-DD') as e, people_goal from outreach_goal"),
    q<Record<string, unknown>>("select request_id, item, units, to_char(delivered_on, 'YYYY-MM-DD') as delivered_on from funding_in_kind_line")
  ]);
  return {
    regions: new Map(regions.map((r) => [r.code.trim(), r.division_code])),
    partners: new Map(partners.map((p) => [Number(p.id), { id: Number(p.id), name: p.name, kind: p.kind, state: p.state.trim() }])),
    requests: requests.map((r) => ({
      id: num(r.id), partnerId: num(r.partner_id), category: String(r.category), stage: String(r.stage),
      requested: num(r.requested_cents), units: num(r.units), createdAt: new Date(r.created_at as string)
    })),
    events: events.filter((e) => e.kind !== 'correction').map((e) => ({
      id: num(e.id), requestId: num(e.request_id), kind: String(e.kind), from: (e.from_stage as string | null) ?? null, to: String(e.to_stage),
      amount: e.amount_cents === null ? null : num(e.amount_cents), at: new Date(e.occurred_at as string)
    })),
    corrections: events.filter((e) => e.kind === 'correction').map((e) => ({ id: num(e.id), correctsId: num(e.corrects_event_id), correctedTo: num(e.corrected_to_cents) })),
    inKind: inKind.map((l) => ({ requestId: num(l.request_id), item: String(l.item), units: num(l.units), deliveredOn: (l.delivered_on as string | null) ?? null })),
    budgets: budgets.map((b) => ({ fiscalYear: num(b.fiscal_year), area: String(b.program_area), amount: num(b.amount_cents) })),
    needs: needs.map((n) => ({
      id: num(n.id), centerId: num(n.center_id), title: String(n.title), priority: String(n.priority), kind: String(n.kind), status: String(n.status),
      cost: num(n.estimated_cost_cents), createdAt: new Date(n.created_at as string), closedAt: n.closed_at ? new Date(n.closed_at as string) : null
    })),
    survivors: survivors.map((s) => ({ centerId: num(s.center_id), month: String(s.month), served: num(s.served), newIntakes: num(s.new_intakes), bedNights: num(s.bed_nights) })),
    outreach: outreach.map((o) => ({
      id: num(o.id), day: String(o.day), state: String(o.state).trim(), format: String(o.format), audience: String(o.audience),
      attendees: num(o.attendees), followUps: num(o.follow_up_requests)
    })),
    goals: goals.map((g) => ({ id: num(g.id), division: String(g.division_code), start: String(g.s), end: String(g.e), people: num(g.people_goal) })),
    paidWithoutAmount,
    disclosureKey: keyRows[0] ? Buffer.from(keyRows[0].key, 'hex') : null
  };
}

// ───────────────────────────── calendar ─────────────────────────────

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
export function addMonths(day: string, n: number): string {
  const [y, m] = day.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${String(Math.floor(t / 12)).padStart(4, '0')}-${String((t % 12) + 1).padStart(2, '0')}-01`;
}
const monthOf = (day: string) => `${day.slice(0, 7)}-01`;
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/** FY N is named after the calendar year it ends in; it starts on the first day of `startMonth`. */
export function fiscalYearRange(fy: number, startMonth: number) {
  const start = startMonth === 1 ? `${fy}-01-01` : `${fy - 1}-${String(startMonth).padStart(2, '0')}-01`;
  return { start, end: addMonths(start, 12) };
}
export function fiscalYearOfDay(day: string, startMonth: number): number {
  const [y, m] = day.split('-').map(Number);
  return startMonth === 1 || m < startMonth ? y : y + 1;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
const dayCache = new Map<string, string>();
const QUARTER_HOUR = 900_000;
/**
 * The calendar day a moment falls on in a time zone. Every UTC offset in use is a whole number of
 * quarter hours, so all moments of one UTC quarter hour share a local day: one lookup per quarter hour.
 */
export function localDay(at: Date, timeZone: string): string {
  const slot = Math.floor(at.getTime() / QUARTER_HOUR);
  const key = `${timeZone}|${slot}`;
  let day = dayCache.get(key);
  if (day) return day;
  let f = dayFormatters.get(timeZone);
  if (!f) dayFormatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = Object.fromEntries(f.formatToParts(new Date(slot * QUARTER_HOUR)).map((p) => [p.type, p.value]));
  day = `${parts.year}-${parts.month}-${parts.day}`;
  dayCache.set(key, day);
  return day;
}

// ───────────────────────────── contexts ─────────────────────────────

export interface Filters {
  division?: string;
  state?: string;
  category?: string;
}

export interface Context {
  name: string;
  /** 'fiscalYear' (dashboard filter fiscalYear=N), 'quarter', 'months' or 'days' (dashboard filter from/to). */
  kind: 'fiscalYear' | 'quarter' | 'months' | 'days';
  fiscalYear?: number;
  quarter?: number;
  /** First day of the period. */
  start: string;
  /** Day after the last day. */
  end: string;
  filters: Filters;
  timeZone: string;
  fiscalYearStartMonth: number;
}

export interface Bucket {
  month: string;
  start: string;
  end: string;
  whole: boolean;
}
/** One bucket per month the period touches; the first and last hold only the period's days. */
export function bucketsOf(c: Pick<Context, 'start' | 'end'>): Bucket[] {
  const out: Bucket[] = [];
  for (let m = monthOf(c.start); m < c.end; m = addMonths(m, 1)) {
    const start = m < c.start ? c.start : m;
    const next = addMonths(m, 1);
    const end = next > c.end ? c.end : next;
    out.push({ month: m, start, end, whole: start === m && end === next });
  }
  return out;
}

const OPEN_STAGES = ['intake', 'vetting', 'approved'];
const OPEN_NEED = ['open', 'in_progress', 'pledged'];
/** docs/figures.md: detection K9 → detection K9s, forensic hardware → forensic devices, extraction software → extraction licenses, training scholarship → training seats, lab equipment → lab equipment. */
const ITEM_OF: Record<string, string> = {
  detection_k9: 'detection_k9', forensic_hardware: 'forensic_device', extraction_software: 'extraction_license',
  training_scholarship: 'training_seat', lab_equipment: 'lab_equipment'
};
const AREA: Record<string, string> = {
  forensic_hardware: 'law_enforcement', extraction_software: 'law_enforcement', detection_k9: 'law_enforcement', training_scholarship: 'law_enforcement',
  lab_equipment: 'forensic_labs', lab_facility: 'forensic_labs',
  aftercare_equipment: 'aftercare', aftercare_facility: 'aftercare', survivor_basic_needs: 'aftercare',
  outreach_program: 'education'
};
const AGENCY_KINDS = ['law_enforcement_agency', 'icac_task_force', 'icac_affiliate'];
export const STAGES = ['intake', 'vetting', 'approved', 'disbursed', 'reported', 'declined', 'withdrawn'];
export const PRIORITIES = ['critical', 'high', 'normal', 'low'];

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);
function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  // The smallest value with at least p of the values at or below it.
  return sorted[Math.ceil(p * sorted.length - 1e-9) - 1];
}

// ───────────────────────────── the expected figures ─────────────────────────────

export interface Expected {
  overview: ReturnType<typeof expectOverview>;
  funding: ReturnType<typeof expectFunding>;
  aftercare: ReturnType<typeof expectAftercare>;
  outreach: ReturnType<typeof expectOutreach>;
}

const indexes = new WeakMap<Base, { requestById: Map<number, Base['requests'][number]>; eventsOf: Map<number, Base['events']> }>();
function indexOf(base: Base) {
  let ix = indexes.get(base);
  if (!ix) {
    const eventsOf = new Map<number, Base['events']>();
    for (const e of base.events) (eventsOf.get(e.requestId) ?? eventsOf.set(e.requestId, []).get(e.requestId)!).push(e);
    indexes.set(base, (ix = { requestById: new Map(base.requests.map((r) => [r.id, r])), eventsOf }));
  }
  return ix;
}

/** Rows shared by the four datasets, placed and filtered per the dictionary. */
function facts(base: Base, c: Context) {
  const inPeriod = (day: string) => day >= c.start && day < c.end;
  const day = (at: Date) => localDay(at, c.timeZone);
  const stateOk = (state: string) =>
    (!c.filters.state || state === c.filters.state) && (!c.filters.division || base.regions.get(state) === c.filters.division);
  const { requestById, eventsOf } = indexOf(base);
  const partnerOf = (requestId: number) => base.partners.get(requestById.get(requestId)!.partnerId)!;
  const fundingOk = (requestId: number) => {
    const r = requestById.get(requestId)!;
    return stateOk(partnerOf(requestId).state) && (!c.filters.category || r.category === c.filters.category);
  };
  const approvalOf = (requestId: number) => eventsOf.get(requestId)?.find((e) => e.kind === 'move' && e.to === 'approved');
  /**
   * An approval's or a payment's amount as corrected: the amount the last correction of it says it
   * should have been, or when `before` (an event id) is given, the last one written before that event.
   */
  const corrected = (eventId: number, before = Infinity) =>
    base.corrections.filter((x) => x.correctsId === eventId && x.id < before).at(-1)?.correctedTo;
  const approvedAmount = (e: Base['events'][number]) => corrected(e.id) ?? e.amount ?? 0;
  /**
   * The amount paid, as corrected: the amount given with the payment, or, for a first payment recorded
   * without one, the approved amount at that moment (whatever the database stored for it).
   */
  const paidAmount = (e: Base['events'][number]) => {
    const fixed = corrected(e.id);
    if (fixed !== undefined) return fixed;
    if (e.kind === 'move' && base.paidWithoutAmount.has(e.requestId)) {
      const approval = approvalOf(e.requestId);
      return approval ? corrected(approval.id, e.id) ?? approval.amount ?? 0 : 0;
    }
    return e.amount ?? 0;
  };
  const approvals = base.events.filter((e) => e.kind === 'move' && e.to === 'approved');
  /** Payments: the move to disbursed (the first payment) and every further payment. */
  const payments = base.events.filter((e) => e.to === 'disbursed');
  const enteredStageAt = (r: Base['requests'][number]) => {
    const into = (eventsOf.get(r.id) ?? []).filter((e) => e.kind === 'move' && e.to === r.stage);
    return into.length ? new Date(Math.max(...into.map((e) => e.at.getTime()))) : r.createdAt;
  };
  return {
    inPeriod, day, stateOk, fundingOk, partnerOf, requestById, eventsOf, approvalOf, approvedAmount, paidAmount, enteredStageAt,
    createdInPeriod: base.requests.filter((r) => fundingOk(r.id) && inPeriod(day(r.createdAt))),
    approvalsInPeriod: approvals.filter((e) => fundingOk(e.requestId) && inPeriod(day(e.at))),
    paymentsInPeriod: payments.filter((e) => fundingOk(e.requestId) && inPeriod(day(e.at))),
    /** First payments (moves to disbursed) dated in the period: units and partners paid count these. */
    firstPaymentsInPeriod: payments.filter((e) => e.kind === 'move' && fundingOk(e.requestId) && inPeriod(day(e.at))),
    centerState: (centerId: number) => base.partners.get(centerId)!.state
  };
}

function sumBy<T>(rows: T[], f: (r: T) => number) {
  return rows.reduce((s, r) => s + f(r), 0);
}

/** Budgets of the fiscal years the period overlaps, per program area. */
function budgetsOfPeriod(base: Base, c: Context) {
  const first = fiscalYearOfDay(c.start, c.fiscalYearStartMonth);
  const last = fiscalYearOfDay(addDays(c.end, -1), c.fiscalYearStartMonth);
  const byArea = new Map<string, number>();
  for (const b of base.budgets) if (b.fiscalYear >= first && b.fiscalYear <= last) byArea.set(b.area, (byArea.get(b.area) ?? 0) + b.amount);
  return byArea;
}

/**
 * A survivor figure as published (docs/figures.md, "The rule"): each state-month count rounded once
 * to base 5 with the database's key, the figure the sum of its rounded cells, "withheld" when only
 * 1 or 2 distinct centers reported, 0 with no report.
 */
export function publishedSurvivors(base: Base, reports: Array<Base['survivors'][number] & { state: string }>, measure: 'served' | 'newIntakes'): number | 'withheld' {
  const centers = new Set(reports.map((r) => r.centerId)).size;
  if (centers === 0) return 0;
  if (centers < 3) return 'withheld';
  const cells = new Map<string, number>();
  for (const r of reports) {
    const cell = `${measure}|${r.state}|${r.month}`;
    cells.set(cell, (cells.get(cell) ?? 0) + r[measure]);
  }
  let total = 0;
  for (const [cell, x] of cells) {
    if (!base.disclosureKey) throw new Error('no disclosure key in the database');
    const offset = createHmac('sha256', base.disclosureKey).update(cell).digest().readUInt32BE(0) % 5;
    total += 5 * Math.ceil((x - offset) / 5);
  }
  return total;
}

/** Survivor reports in the period: months wholly inside it (a day range keeps only its whole months). */
function survivorReports(base: Base, c: Context, f: ReturnType<typeof facts>) {
  return base.survivors
    .filter((s) => s.month >= c.start && addMonths(s.month, 1) <= c.end && f.stateOk(f.centerState(s.centerId)))
    .map((s) => ({ ...s, state: f.centerState(s.centerId) }));
}

export function expectOverview(base: Base, c: Context) {
  const f = facts(base, c);
  const regional = Boolean(c.filters.division || c.filters.state);
  const budgets = budgetsOfPeriod(base, c);
  const area = c.filters.category ? AREA[c.filters.category] : undefined;
  const budgetCents = area ? budgets.get(area) ?? 0 : [...budgets.values()].reduce((s, v) => s + v, 0);
  // The budget's own approvals and payments: organisation-wide, the category's program area when one is chosen.
  const orgWide = facts(base, { ...c, filters: {} });
  const inArea = (requestId: number) => !area || AREA[orgWide.requestById.get(requestId)!.category] === area;
  const approvedCents = sumBy(f.approvalsInPeriod, f.approvedAmount);
  const disbursedCents = sumBy(f.paymentsInPeriod, f.paidAmount);
  const openNeeds = base.needs.filter((n) => OPEN_NEED.includes(n.status) && f.stateOk(f.centerState(n.centerId)));
  const needsCreated = base.needs.filter((n) => f.stateOk(f.centerState(n.centerId)) && f.inPeriod(f.day(n.createdAt)));
  const needsClosed = (status: string) =>
    base.needs.filter((n) => n.status === status && n.closedAt && f.stateOk(f.centerState(n.centerId)) && f.inPeriod(f.day(n.closedAt)));
  const reports = survivorReports(base, c, f);
  const events = base.outreach.filter((o) => f.inPeriod(o.day) && f.stateOk(o.state));
  const paidRequests = f.firstPaymentsInPeriod.map((e) => f.requestById.get(e.requestId)!);
  // A request's units: its in-kind lines of the item its category pays for; without such lines, the
  // units recorded for it. Delivered: those lines confirmed delivered on a day in the period.
  const linesOf = (requestId: number, category: string) => base.inKind.filter((l) => l.requestId === requestId && l.item === ITEM_OF[category]);
  const requestUnits = (r: Base['requests'][number]) => {
    const lines = linesOf(r.id, r.category);
    return lines.length ? sumBy(lines, (l) => l.units) : r.units;
  };
  const units = (category: string) => sumBy(paidRequests.filter((r) => r.category === category), requestUnits);
  const delivered = (category: string) => sumBy(base.inKind.filter((l) => {
    const r = f.requestById.get(l.requestId)!;
    return r.category === category && l.item === ITEM_OF[category] && l.deliveredOn !== null && f.inPeriod(l.deliveredOn) && f.fundingOk(r.id);
  }), (l) => l.units);
  const partnersPaid = (kinds: string[]) => new Set(paidRequests.map((r) => base.partners.get(r.partnerId)!).filter((p) => kinds.includes(p.kind)).map((p) => p.id)).size;
  const categories = [...new Set([...f.createdInPeriod.map((r) => r.category), ...f.approvalsInPeriod.map((e) => f.requestById.get(e.requestId)!.category), ...f.paymentsInPeriod.map((e) => f.requestById.get(e.requestId)!.category)])];
  const catOf = (e: { requestId: number }) => f.requestById.get(e.requestId)!.category;

  // The map: every state of the division filter (the state filter does not narrow it).
  const mapFacts = facts(base, { ...c, filters: { division: c.filters.division, category: c.filters.category } });
  const byState = new Map<string, { disbursedCents: number; openNeeds: number; peopleReached: number }>();
  const at = (s: string) => byState.get(s) ?? byState.set(s, { disbursedCents: 0, openNeeds: 0, peopleReached: 0 }).get(s)!;
  for (const e of mapFacts.paymentsInPeriod) at(mapFacts.partnerOf(e.requestId).state).disbursedCents += mapFacts.paidAmount(e);
  for (const n of base.needs) if (OPEN_NEED.includes(n.status) && mapFacts.stateOk(mapFacts.centerState(n.centerId))) at(mapFacts.centerState(n.centerId)).openNeeds += 1;
  for (const o of base.outreach) if (mapFacts.inPeriod(o.day) && mapFacts.stateOk(o.state)) at(o.state).peopleReached += o.attendees;

  return {
    funding: {
      requests: f.createdInPeriod.length,
      requestedCents: sumBy(f.createdInPeriod, (r) => r.requested),
      approvedCents,
      disbursedCents,
      budget: {
        budgetCents,
        committedCents: sumBy(orgWide.approvalsInPeriod.filter((e) => inArea(e.requestId)), orgWide.approvedAmount),
        disbursedCents: sumBy(orgWide.paymentsInPeriod.filter((e) => inArea(e.requestId)), orgWide.paidAmount),
        burnPercent: regional ? null : pct(approvedCents, budgetCents),
        disbursedPercent: regional ? null : pct(disbursedCents, budgetCents)
      }
    },
    sincePeriodStart: {
      approvedCents,
      disbursedCents,
      requestsApproved: f.approvalsInPeriod.length,
      requestsDisbursed: f.paymentsInPeriod.length,
      openNeedsNet: needsCreated.length - needsClosed('fulfilled').length - needsClosed('cancelled').length,
      needsFulfilled: needsClosed('fulfilled').length
    },
    pipeline: Object.fromEntries(STAGES.map((stage) => {
      const rs = f.createdInPeriod.filter((r) => r.stage === stage);
      return [stage, pipelineAmounts(rs, f)];
    })),
    byCategory: Object.fromEntries(categories.map((cat) => [cat, {
      requestedCents: sumBy(f.createdInPeriod.filter((r) => r.category === cat), (r) => r.requested),
      committedCents: sumBy(f.approvalsInPeriod.filter((e) => catOf(e) === cat), f.approvedAmount),
      disbursedCents: sumBy(f.paymentsInPeriod.filter((e) => catOf(e) === cat), f.paidAmount)
    }])),
    needs: {
      openCritical: openNeeds.filter((n) => n.priority === 'critical').length,
      open: openNeeds.length,
      openEstimatedCostCents: sumBy(openNeeds, (n) => n.cost),
      byPriority: Object.fromEntries(PRIORITIES.map((p) => [p, {
        needs: openNeeds.filter((n) => n.priority === p).length,
        estimatedCostCents: sumBy(openNeeds.filter((n) => n.priority === p), (n) => n.cost)
      }])),
      oldestCritical: oldestCritical(openNeeds)
    },
    survivors: {
      served: publishedSurvivors(base, reports, 'served'),
      newIntakes: publishedSurvivors(base, reports, 'newIntakes'),
      reports: reports.length,
      centersReporting: new Set(reports.map((r) => r.centerId)).size
    },
    outreach: { events: events.length, peopleReached: sumBy(events, (o) => o.attendees), followUpRequests: sumBy(events, (o) => o.followUps) },
    impact: {
      disbursedCents,
      k9sFunded: units('detection_k9'),
      officersTrained: units('training_scholarship'),
      extractionLicenses: units('extraction_software'),
      forensicDevices: units('forensic_hardware'),
      labEquipment: units('lab_equipment'),
      k9sDelivered: delivered('detection_k9'),
      trainingSeatsDelivered: delivered('training_scholarship'),
      extractionLicensesDelivered: delivered('extraction_software'),
      forensicDevicesDelivered: delivered('forensic_hardware'),
      labEquipmentDelivered: delivered('lab_equipment'),
      labsSupported: partnersPaid(['forensic_lab']),
      centersSupported: partnersPaid(['aftercare_center']),
      agenciesSupported: partnersPaid(AGENCY_KINDS)
    },
    byState: Object.fromEntries(byState)
  };
}

function pipelineAmounts(rs: Base['requests'], f: ReturnType<typeof facts>) {
  return {
    requests: rs.length,
    requestedCents: sumBy(rs, (r) => r.requested),
    approvedCents: sumBy(rs, (r) => {
      const approval = f.approvalOf(r.id);
      return approval ? f.approvedAmount(approval) : 0;
    }),
    disbursedCents: sumBy(rs, (r) => sumBy((f.eventsOf.get(r.id) ?? []).filter((e) => e.to === 'disbursed'), f.paidAmount))
  };
}

function oldestCritical(openNeeds: Base['needs']) {
  return openNeeds
    .filter((n) => n.priority === 'critical')
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id)
    .slice(0, 10)
    .map((n) => n.id);
}

export function expectFunding(base: Base, c: Context, asOf: Date, stuckDays = 30) {
  const f = facts(base, c);
  const pipeline: Record<string, ReturnType<typeof pipelineAmounts>> = {};
  for (const stage of STAGES) {
    for (const cat of new Set(f.createdInPeriod.map((r) => r.category))) {
      const rs = f.createdInPeriod.filter((r) => r.stage === stage && r.category === cat);
      if (rs.length) pipeline[`${stage}|${cat}`] = pipelineAmounts(rs, f);
    }
  }
  // Time in stage: moves out of a stage dated in the period; whole days since entering it.
  const moves = base.events.filter((e) => e.from && f.fundingOk(e.requestId) && f.inPeriod(f.day(e.at)));
  const enteredFrom = (e: Base['events'][number]) => {
    const into = f.eventsOf.get(e.requestId)!.find((x) => x.kind === 'move' && x.to === e.from);
    return (into ?? { at: f.requestById.get(e.requestId)!.createdAt }).at;
  };
  const timeInStage = Object.fromEntries(['intake', 'vetting', 'approved', 'disbursed'].map((stage) => {
    const days = moves.filter((e) => e.from === stage).map((e) => Math.floor((e.at.getTime() - enteredFrom(e).getTime()) / 86_400_000));
    return [stage, { moves: days.length, medianDays: percentile(days, 0.5), p90Days: percentile(days, 0.9) }];
  }));
  const open = f.createdInPeriod.filter((r) => OPEN_STAGES.includes(r.stage));
  const stuck = open
    .map((r) => ({ r, entered: f.enteredStageAt(r) }))
    .filter((x) => asOf.getTime() - x.entered.getTime() > stuckDays * 86_400_000)
    .sort((a, b) => a.entered.getTime() - b.entered.getTime() || a.r.id - b.r.id);
  const buckets = bucketsOf(c);
  const inBucket = (b: Bucket, at: Date) => {
    const d = f.day(at);
    return d >= b.start && d < b.end;
  };
  const moved = (to: string, b: Bucket) => base.events.filter((e) => e.to === to && f.fundingOk(e.requestId) && inBucket(b, e.at));
  const orgWide = facts(base, { ...c, filters: {} });
  const budgets = budgetsOfPeriod(base, c);
  const areas = ['law_enforcement', 'forensic_labs', 'aftercare', 'education'].filter((a) => !c.filters.category || AREA[c.filters.category] === a);
  const areaOf = (requestId: number) => AREA[orgWide.requestById.get(requestId)!.category];
  const funded = new Map<number, number>();
  for (const e of f.firstPaymentsInPeriod) {
    const p = f.partnerOf(e.requestId).id;
    funded.set(p, (funded.get(p) ?? 0) + 1);
  }
  const topPartners = [...funded]
    .map(([id, n]) => ({ name: base.partners.get(id)!.name, fundedRequests: n }))
    .sort((a, b) => b.fundedRequests - a.fundedRequests || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, 10);
  return {
    pipeline,
    pipelineByStage: Object.fromEntries(STAGES.map((s) => {
      const rs = f.createdInPeriod.filter((r) => r.stage === s);
      return [s, { requests: rs.length, requestedCents: sumBy(rs, (r) => r.requested) }];
    })),
    inPipeline: { requests: open.length, requestedCents: sumBy(open, (r) => r.requested) },
    timeInStage,
    stuck: {
      count: stuck.length,
      oldest: stuck.slice(0, 20).map((x) => ({ id: x.r.id, daysInStage: Math.floor((asOf.getTime() - x.entered.getTime()) / 86_400_000) }))
    },
    throughput: Object.fromEntries(buckets.map((b) => [b.month, {
      approvedMoves: moved('approved', b).length,
      disbursedMoves: moved('disbursed', b).length,
      declinedMoves: moved('declined', b).length,
      withdrawnMoves: moved('withdrawn', b).length,
      approvedCents: sumBy(moved('approved', b), f.approvedAmount),
      disbursedCents: sumBy(moved('disbursed', b), f.paidAmount)
    }])),
    disbursedInPeriod: { cents: sumBy(f.paymentsInPeriod, f.paidAmount), payments: f.paymentsInPeriod.length },
    budget: Object.fromEntries(areas.map((a) => [a, {
      budgetCents: budgets.get(a) ?? 0,
      committedCents: sumBy(orgWide.approvalsInPeriod.filter((e) => areaOf(e.requestId) === a), orgWide.approvedAmount),
      disbursedCents: sumBy(orgWide.paymentsInPeriod.filter((e) => areaOf(e.requestId) === a), orgWide.paidAmount)
    }])),
    topPartners
  };
}

export function expectAftercare(base: Base, c: Context, asOf: Date) {
  const f = facts(base, c);
  const open = base.needs.filter((n) => OPEN_NEED.includes(n.status) && f.stateOk(f.centerState(n.centerId)));
  const openNeeds: Record<string, { needs: number; estimatedCostCents: number }> = {};
  for (const n of open) {
    const key = `${n.priority}|${n.kind}|${base.regions.get(f.centerState(n.centerId))}`;
    const cell = (openNeeds[key] ??= { needs: 0, estimatedCostCents: 0 });
    cell.needs += 1;
    cell.estimatedCostCents += n.cost;
  }
  const buckets = bucketsOf(c);
  const mine = base.needs.filter((n) => f.stateOk(f.centerState(n.centerId)));
  const within = (b: Bucket, at: Date | null) => {
    if (!at) return false;
    const d = f.day(at);
    return d >= b.start && d < b.end;
  };
  const reports = survivorReports(base, c, f);
  return {
    openNeeds,
    openByPriority: Object.fromEntries(PRIORITIES.map((p) => [p, {
      needs: open.filter((n) => n.priority === p).length,
      estimatedCostCents: sumBy(open.filter((n) => n.priority === p), (n) => n.cost)
    }])),
    openTotals: { needs: open.length, estimatedCostCents: sumBy(open, (n) => n.cost) },
    oldestCritical: oldestCritical(open).map((id) => {
      const n = base.needs.find((x) => x.id === id)!;
      return { id, daysOpen: Math.floor((asOf.getTime() - n.createdAt.getTime()) / 86_400_000) };
    }),
    fulfilment: Object.fromEntries(buckets.map((b) => {
      const created = mine.filter((n) => within(b, n.createdAt)).length;
      const fulfilled = mine.filter((n) => n.status === 'fulfilled' && within(b, n.closedAt)).length;
      const cancelled = mine.filter((n) => n.status === 'cancelled' && within(b, n.closedAt)).length;
      return [b.month, { created, fulfilled, cancelled, ratePercent: pct(fulfilled, fulfilled + cancelled) }];
    })),
    survivorsMonthly: Object.fromEntries(buckets.map((b) => {
      const rs = reports.filter((s) => s.month === b.month);
      return [b.month, { whole: b.whole, served: publishedSurvivors(base, rs, 'served'), newIntakes: publishedSurvivors(base, rs, 'newIntakes'), centersReporting: rs.length }];
    }))
  };
}

export function expectOutreach(base: Base, c: Context) {
  const f = facts(base, c);
  const events = base.outreach.filter((o) => f.inPeriod(o.day) && f.stateOk(o.state));
  const goalDivision = c.filters.division ?? (c.filters.state ? base.regions.get(c.filters.state) : undefined);
  const goals = base.goals.filter((g) => !goalDivision || g.division === goalDivision);
  const buckets = bucketsOf(c);
  /** A goal spread evenly over its months; a month partly in the period gets the share of its days in it. */
  const goalShare = (g: Base['goals'][number], b: Bucket) => {
    if (b.month < g.start || b.month >= g.end) return 0;
    const months = (Number(g.end.slice(0, 4)) - Number(g.start.slice(0, 4))) * 12 + Number(g.end.slice(5, 7)) - Number(g.start.slice(5, 7));
    return (g.people / months) * (daysBetween(b.start, b.end) / daysBetween(b.month, addMonths(b.month, 1)));
  };
  const inB = (b: Bucket) => events.filter((o) => o.day >= b.start && o.day < b.end);
  const divisions = [...new Set([...events.map((o) => base.regions.get(o.state)!), ...goals.map((g) => g.division)])];
  const group = (key: (o: Base['outreach'][number]) => string) => {
    const out: Record<string, { events: number; peopleReached: number }> = {};
    for (const o of events) {
      const cell = (out[key(o)] ??= { events: 0, peopleReached: 0 });
      cell.events += 1;
      cell.peopleReached += o.attendees;
    }
    return out;
  };
  return {
    totals: { events: events.length, peopleReached: sumBy(events, (o) => o.attendees), followUpRequests: sumBy(events, (o) => o.followUps) },
    monthly: Object.fromEntries(buckets.map((b) => [b.month, {
      peopleReached: sumBy(inB(b), (o) => o.attendees),
      events: inB(b).length,
      followUpRequests: sumBy(inB(b), (o) => o.followUps),
      peopleGoal: Math.round(sumBy(goals, (g) => goalShare(g, b)))
    }])),
    byDivision: Object.fromEntries(divisions.map((d) => [d, Object.fromEntries(buckets.map((b) => [b.month, {
      peopleReached: sumBy(inB(b).filter((o) => base.regions.get(o.state) === d), (o) => o.attendees),
      peopleGoal: Math.round(sumBy(goals.filter((g) => g.division === d), (g) => goalShare(g, b)))
    }]))])),
    byFormat: group((o) => o.format),
    byAudience: group((o) => o.audience),
    byFormatAudience: group((o) => `${o.format}|${o.audience}`),
    goals: Object.fromEntries(goals.filter((g) => g.start < c.end && g.end > c.start).map((g) => {
      const own = base.outreach.filter((o) => o.day >= g.start && o.day < g.end && base.regions.get(o.state) === g.division);
      return [g.id, { peopleReached: sumBy(own, (o) => o.attendees), eventsHeld: own.length }];
    }))
  };
}

// ───────────────────────────── comparison ─────────────────────────────

type Json = Record<string, unknown>;
const asArray = (v: unknown) => (Array.isArray(v) ? (v as Json[]) : []);

/** Collects every figure where a dataset differs from the oracle, as "path: expected X, shown Y". */
export class Mismatches {
  readonly list: string[] = [];
  constructor(readonly where: string) {}
  value(path: string, expected: number | null, shown: unknown) {
    const s = shown === undefined || shown === null ? null : Number(shown);
    if (expected === null ? s !== null : s !== expected) this.list.push(`${this.where} ${path}: expected ${expected}, shown ${JSON.stringify(shown)}`);
  }
  /**
   * A published survivor figure: exactly the sum of the rounded cells (so 5 or 10 may be shown — a
   * rounded value, not a count), or "withheld".
   */
  survivor(path: string, expected: number | 'withheld', shown: unknown) {
    if (shown !== expected) this.list.push(`${this.where} ${path}: expected ${JSON.stringify(expected)}, shown ${JSON.stringify(shown)}`);
  }
  same(path: string, expected: unknown, shown: unknown) {
    if (JSON.stringify(expected) !== JSON.stringify(shown)) this.list.push(`${this.where} ${path}: expected ${JSON.stringify(expected)}, shown ${JSON.stringify(shown)}`);
  }
  /** A keyed table: every key either side; a missing row counts as zeros. */
  table<E extends Record<string, number | null>>(path: string, expected: Record<string, E>, rows: Json[], key: (r: Json) => string, fields: Array<keyof E & string>) {
    const shown = new Map(rows.map((r) => [key(r), r]));
    for (const k of new Set([...Object.keys(expected), ...shown.keys()])) {
      for (const field of fields) {
        const e = expected[k]?.[field];
        const zero = field.endsWith('Percent') || field.endsWith('Days') ? null : 0;
        this.value(`${path}[${k}].${field}`, e === undefined ? zero : e, shown.get(k)?.[field] ?? (shown.has(k) ? undefined : zero));
      }
    }
  }
}

const get = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Json)[k] : undefined), o);

export function compareOverview(m: Mismatches, e: ReturnType<typeof expectOverview>, o: Json) {
  for (const k of ['requests', 'requestedCents', 'approvedCents', 'disbursedCents'] as const) m.value(`overview.funding.${k}`, e.funding[k], get(o, `funding.${k}`));
  for (const k of ['budgetCents', 'committedCents', 'disbursedCents', 'burnPercent', 'disbursedPercent'] as const) m.value(`overview.funding.budget.${k}`, e.funding.budget[k], get(o, `funding.budget.${k}`));
  for (const [k, v] of Object.entries(e.sincePeriodStart)) m.value(`overview.sincePeriodStart.${k}`, v, get(o, `sincePeriodStart.${k}`));
  m.table('overview.pipeline', e.pipeline, asArray(o.pipeline), (r) => String(r.stage), ['requests', 'requestedCents', 'approvedCents', 'disbursedCents']);
  m.table('overview.byCategory', e.byCategory, asArray(o.byCategory), (r) => String(r.category), ['requestedCents', 'committedCents', 'disbursedCents']);
  for (const k of ['openCritical', 'open', 'openEstimatedCostCents'] as const) m.value(`overview.needs.${k}`, e.needs[k], get(o, `needs.${k}`));
  m.table('overview.needs.byPriority', e.needs.byPriority, asArray(get(o, 'needs.byPriority')), (r) => String(r.priority), ['needs', 'estimatedCostCents']);
  m.same('overview.needs.oldestCritical (ids)', e.needs.oldestCritical, asArray(get(o, 'needs.oldestCritical')).map((n) => Number(n.id)));
  for (const k of ['served', 'newIntakes'] as const) m.survivor(`overview.survivors.${k}`, e.survivors[k], get(o, `survivors.${k}`));
  m.value('overview.survivors.reports', e.survivors.reports, get(o, 'survivors.reports'));
  m.value('overview.survivors.centersReporting', e.survivors.centersReporting, get(o, 'survivors.centersReporting'));
  if (get(o, 'survivors.bedNights') !== undefined) m.list.push(`${m.where} overview.survivors.bedNights: bed-nights are not published`);
  for (const [k, v] of Object.entries(e.outreach)) m.value(`overview.outreach.${k}`, v, get(o, `outreach.${k}`));
  for (const [k, v] of Object.entries(e.impact)) m.value(`overview.impact.${k}`, v, get(o, `impact.${k}`));
  m.table('overview.byState', e.byState, asArray(o.byState), (r) => String(r.state).trim(), ['disbursedCents', 'openNeeds', 'peopleReached']);
}

export function compareFunding(m: Mismatches, e: ReturnType<typeof expectFunding>, d: Json) {
  m.table('funding.pipeline', e.pipeline, asArray(d.pipeline), (r) => `${r.stage}|${r.category}`, ['requests', 'requestedCents', 'approvedCents', 'disbursedCents']);
  m.table('funding.pipelineByStage', e.pipelineByStage, asArray(d.pipelineByStage), (r) => String(r.stage), ['requests', 'requestedCents']);
  m.table('funding.timeInStage', e.timeInStage, asArray(d.timeInStage), (r) => String(r.stage), ['moves', 'medianDays', 'p90Days']);
  m.value('funding.stuck.count', e.stuck.count, get(d, 'stuck.count'));
  m.same('funding.stuck.oldest (id, days in stage)', e.stuck.oldest, asArray(get(d, 'stuck.oldest')).map((r) => ({ id: Number(r.id), daysInStage: Number(r.daysInStage) })));
  m.same('funding.throughput (months)', Object.keys(e.throughput), asArray(d.throughput).map((r) => String(r.month)));
  m.table('funding.throughput', e.throughput, asArray(d.throughput), (r) => String(r.month),
    ['approvedMoves', 'disbursedMoves', 'declinedMoves', 'withdrawnMoves', 'approvedCents', 'disbursedCents']);
  m.table('funding.budget', e.budget, asArray(d.budget), (r) => String(r.programArea), ['budgetCents', 'committedCents', 'disbursedCents']);
  m.same('funding.topPartners', e.topPartners, asArray(d.topPartners).map((p) => ({ name: p.name, fundedRequests: Number(p.fundedRequests) })));
}

export function compareAftercare(m: Mismatches, e: ReturnType<typeof expectAftercare>, d: Json) {
  m.table('aftercare.openNeeds', e.openNeeds, asArray(d.openNeeds), (r) => `${r.priority}|${r.kind}|${r.division}`, ['needs', 'estimatedCostCents']);
  m.table('aftercare.openByPriority', e.openByPriority, asArray(d.openByPriority), (r) => String(r.priority), ['needs', 'estimatedCostCents']);
  m.value('aftercare.openTotals.needs', e.openTotals.needs, get(d, 'openTotals.needs'));
  m.value('aftercare.openTotals.estimatedCostCents', e.openTotals.estimatedCostCents, get(d, 'openTotals.estimatedCostCents'));
  m.same('aftercare.oldestCritical (id, days open)', e.oldestCritical, asArray(d.oldestCritical).map((r) => ({ id: Number(r.id), daysOpen: Number(r.daysOpen) })));
  m.same('aftercare.fulfilment (months)', Object.keys(e.fulfilment), asArray(d.fulfilment).map((r) => String(r.month)));
  m.table('aftercare.fulfilment', e.fulfilment, asArray(d.fulfilment), (r) => String(r.month), ['created', 'fulfilled', 'cancelled', 'ratePercent']);
  const shown = new Map(asArray(d.survivorsMonthly).map((r) => [String(r.month), r]));
  for (const [month, s] of Object.entries(e.survivorsMonthly)) {
    const r = shown.get(month);
    // A month only partly in a day range holds no survivor report (reports are monthly).
    if (!s.whole && (!r || r.served === null || r.served === 0 || r.served === undefined || r.served === 'withheld')) continue;
    m.survivor(`aftercare.survivorsMonthly[${month}].served`, s.served, r?.served);
    m.survivor(`aftercare.survivorsMonthly[${month}].newIntakes`, s.newIntakes, r?.newIntakes);
    if (typeof r?.centersReporting === 'number') m.value(`aftercare.survivorsMonthly[${month}].centersReporting`, s.centersReporting, r.centersReporting);
  }
  for (const month of shown.keys()) if (!(month in e.survivorsMonthly)) m.list.push(`${m.where} aftercare.survivorsMonthly[${month}]: a month outside the period`);
}

export function compareOutreach(m: Mismatches, e: ReturnType<typeof expectOutreach>, d: Json) {
  for (const [k, v] of Object.entries(e.totals)) m.value(`outreach.totals.${k}`, v, get(d, `totals.${k}`));
  m.same('outreach.monthly (months)', Object.keys(e.monthly), asArray(d.monthly).map((r) => String(r.month)));
  m.table('outreach.monthly', e.monthly, asArray(d.monthly), (r) => String(r.month), ['peopleReached', 'events', 'followUpRequests', 'peopleGoal']);
  const byDivision = new Map(asArray(d.byDivision).map((r) => [String(r.division), r]));
  for (const div of new Set([...Object.keys(e.byDivision), ...byDivision.keys()])) {
    m.table(`outreach.byDivision[${div}]`, e.byDivision[div] ?? {}, asArray(byDivision.get(div)?.months), (r) => String(r.month), ['peopleReached', 'peopleGoal']);
  }
  m.table('outreach.byFormat', e.byFormat, asArray(d.byFormat), (r) => String(r.format), ['events', 'peopleReached']);
  m.table('outreach.byAudience', e.byAudience, asArray(d.byAudience), (r) => String(r.audience), ['events', 'peopleReached']);
  m.table('outreach.byFormatAudience', e.byFormatAudience, asArray(d.byFormatAudience), (r) => `${r.format}|${r.audience}`, ['events', 'peopleReached']);
  m.table('outreach.goals', e.goals, asArray(d.goals), (r) => String(r.goalId), ['peopleReached', 'eventsHeld']);
}
