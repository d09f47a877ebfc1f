// Rows of exactly one period: the whole months inside it from the month rollups (views over
// trigger-kept tables, at the overview's scope grain where there is one), and the days before the
// first whole month and after the last from the base rows by day (v_*_days, read through indexes on
// the moment, so their cost is those days' rows). Every function returns one union query whose
// rows the callers aggregate; a fiscal year, quarter or month range has no edge days at all.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database, FundingCategory } from '../db/schema.js';
import type { DashboardPeriod, DayRange } from './dashboard.period.js';
import { scopeOf, type RegionFilter, type Tx } from './dashboard.repository.js';
import { ITEM_OF_CATEGORY } from '../funding/funding.repository.js';

export interface PeriodScope extends RegionFilter {
  period: Pick<DashboardPeriod, 'wholeMonths' | 'edgeDays'>;
  category?: FundingCategory;
}

/** 00:00 of a calendar day in the organisation's time zone. */
const dayStart = (day: string) => sql<Date>`(${day}::date::timestamp at time zone beacon_tz())`;

function whereDayRegion<V extends 'v_request_days' | 'v_move_days' | 'v_need_days' | 'v_outreach_days' | 'v_paid_days' | 'v_stage_days_moves', O>(q: SelectQueryBuilder<Database, V, O>, f: RegionFilter) {
  let out = q;
  if (f.division) out = out.where(sql.ref('division_code'), '=', f.division);
  if (f.state) out = out.where(sql.ref('state'), '=', f.state);
  return out;
}

type Query<R> = SelectQueryBuilder<Database, never, R>;

function unionAll<R>(parts: Array<Query<R>>, empty: Query<R>): Query<R> {
  if (parts.length === 0) return empty.where(sql<boolean>`false`);
  return parts.reduce((a, b) => a.unionAll(b));
}

const wholeMonthsOf = (p: PeriodScope['period']): DayRange[] => (p.wholeMonths ? [p.wholeMonths] : []);

/** The calendar years a range of whole months [start, end) touches, with its first and last month (1–12) in each. */
export function yearSpans(m: DayRange): Array<{ year: number; first: number; last: number }> {
  const [y0, m0] = m.start.split('-').map(Number);
  const [y1, m1] = m.end.split('-').map(Number);
  const lastYear = m1 === 1 ? y1 - 1 : y1;
  const lastMonth = m1 === 1 ? 12 : m1 - 1;
  const spans: Array<{ year: number; first: number; last: number }> = [];
  for (let year = y0; year <= lastYear; year++) {
    const first = year === y0 ? m0 : 1;
    const last = year === lastYear ? lastMonth : 12;
    if (first <= last) spans.push({ year, first, last });
  }
  return spans;
}

/** Requests created in the period: stage (now), category, count and amounts (now). */
export function requestsCreated(db: Tx, s: PeriodScope) {
  const months = wholeMonthsOf(s.period).map((m) => {
    let q = db.selectFrom('v_request_month').where('scope', '=', scopeOf(s)).where('month', '>=', m.start).where('month', '<', m.end);
    if (s.category) q = q.where('category', '=', s.category);
    return q.select(['stage', 'category', 'request_count', 'requested_cents', 'approved_cents', 'disbursed_cents']) as unknown as Query<RequestRow>;
  });
  const days = s.period.edgeDays.map((d) => {
    let q = whereDayRegion(db.selectFrom('v_request_days'), s).where('created_at', '>=', dayStart(d.start)).where('created_at', '<', dayStart(d.end));
    if (s.category) q = q.where('category', '=', s.category);
    return q.select(['stage', 'category', sql<number>`1::bigint`.as('request_count'), 'requested_cents', 'approved_cents', 'disbursed_cents']) as unknown as Query<RequestRow>;
  });
  return unionAll([...months, ...days], months[0] ?? days[0]);
}
interface RequestRow {
  stage: string;
  category: string;
  request_count: number;
  requested_cents: number;
  approved_cents: number;
  disbursed_cents: number;
}

/**
 * Stage moves dated in the period: month, stage moved to, category ('*' = every category unless
 * `byCategory`), number of moves and the money moved (approvals and payments).
 */
export function movesInPeriod(db: Tx, s: PeriodScope, options: { byCategory?: boolean; orgWide?: boolean } = {}) {
  const region: RegionFilter = options.orgWide ? {} : s;
  const months = wholeMonthsOf(s.period).map((m) => {
    let q = db.selectFrom('v_move_month').where('scope', '=', scopeOf(region)).where('month', '>=', m.start).where('month', '<', m.end);
    q = s.category ? q.where('category', '=', s.category) : options.byCategory ? q.where('category', '<>', '*') : q.where('category', '=', '*');
    return q.select(['month', 'to_stage', 'category', 'moves', 'amount_cents']) as unknown as Query<MoveRow>;
  });
  const days = s.period.edgeDays.map((d) => {
    let q = whereDayRegion(db.selectFrom('v_move_days'), region).where('occurred_at', '>=', dayStart(d.start)).where('occurred_at', '<', dayStart(d.end));
    if (s.category) q = q.where('category', '=', s.category);
    const category = s.category || options.byCategory ? sql<string>`category::text` : sql<string>`'*'`;
    return q.select([
      sql<string>`date_trunc('month', day)::date`.as('month'), 'to_stage', category.as('category'), 'moves', 'amount_cents'
    ]) as unknown as Query<MoveRow>;
  });
  return unionAll([...months, ...days], months[0] ?? days[0]);
}
interface MoveRow {
  month: string;
  to_stage: string;
  category: string;
  moves: number;
  amount_cents: number;
}

/**
 * The tile map's region: the division filter's states, or every state (the state filter does not
 * narrow the map). Without a division the rows of every state scope ('s:…') are read, or every row,
 * rather than compared with a list of 64 states.
 */
export interface MapRegion {
  division?: string;
  /** The division's states, or all. */
  states: string[];
}

/**
 * One calendar year's whole months [first, last] in rollup_move_year: the moves of those months and
 * the money they moved — a month's money only where that month has moves, as v_move_month keeps only
 * the month rows with moves — and whether any of them has a move (v_move_month has a row).
 */
function moveYearSums(first: number, last: number) {
  const months = Array.from({ length: last - first + 1 }, (_, i) => String(first + i).padStart(2, '0'));
  const moves = sql.join(months.map((m) => sql.ref(`m${m}`)), sql` + `);
  const amount = sql.join(months.map((m) => sql`case when ${sql.ref(`m${m}`)} <> 0 then ${sql.ref(`a${m}`)} else 0 end`), sql` + `);
  return { moves: sql<number>`(${moves})`, amount: sql<number>`(${amount})`, anyMove: sql<boolean>`(${moves}) <> 0` };
}

/**
 * Stage moves dated in the period without their month: stage moved to, category ('*' = every
 * category unless `byCategory`), moves and money moved — the rows of movesInPeriod with the month
 * left out, the whole months read from the year grain (one row per category and stage a year).
 */
export function movesInPeriodByStage(db: Tx, s: PeriodScope, options: { byCategory?: boolean; orgWide?: boolean } = {}) {
  const region: RegionFilter = options.orgWide ? {} : s;
  const months = wholeMonthsOf(s.period).flatMap((m) => yearSpans(m).map(({ year, first, last }) => {
    const sums = moveYearSums(first, last);
    let q = db.selectFrom('rollup_move_year').where('scope', '=', scopeOf(region)).where('year', '=', year).where(sums.anyMove);
    q = s.category ? q.where('category', '=', s.category) : options.byCategory ? q.where('category', '<>', '*') : q.where('category', '=', '*');
    return q.select(['to_stage', 'category', sums.moves.as('moves'), sums.amount.as('amount_cents')]) as unknown as Query<StageMoveRow>;
  }));
  const days = s.period.edgeDays.map((d) => {
    let q = whereDayRegion(db.selectFrom('v_move_days'), region).where('occurred_at', '>=', dayStart(d.start)).where('occurred_at', '<', dayStart(d.end));
    if (s.category) q = q.where('category', '=', s.category);
    const category = s.category || options.byCategory ? sql<string>`category::text` : sql<string>`'*'`;
    return q.select(['to_stage', category.as('category'), 'moves', 'amount_cents']) as unknown as Query<StageMoveRow>;
  });
  return unionAll([...months, ...days], months[0] ?? days[0]);
}
interface StageMoveRow {
  to_stage: string;
  category: string;
  moves: number;
  amount_cents: number;
}

/** Per state (of the division filter, or all): money paid in the period. */
export function disbursedByState(db: Tx, s: PeriodScope, map: MapRegion) {
  // Whole months from the year grain, by rollup_move_year_by_stage (to_stage, category, year, scope):
  // one row per state and calendar year.
  const months = wholeMonthsOf(s.period).flatMap((m) => yearSpans(m).map(({ year, first, last }) => {
    const sums = moveYearSums(first, last);
    const q = db.selectFrom('rollup_move_year')
      .where('to_stage', '=', 'disbursed')
      .where('category', '=', s.category ?? '*')
      .where('year', '=', year)
      .where(sums.anyMove);
    return (map.division ? q.where('scope', 'in', map.states.map((st) => `s:${st}`)) : q.where(sql<string>`left(scope, 2)`, '=', 's:'))
      .select([sql<string>`substr(scope, 3)`.as('state'), sums.amount.as('amount_cents')]) as unknown as Query<{ state: string; amount_cents: number }>;
  }));
  const days = s.period.edgeDays.map((d) => {
    let q = db.selectFrom('v_move_days').where('to_stage', '=', 'disbursed')
      .where('occurred_at', '>=', dayStart(d.start)).where('occurred_at', '<', dayStart(d.end));
    if (map.division) q = q.where('division_code', '=', map.division);
    if (s.category) q = q.where('category', '=', s.category);
    return q.select([sql<string>`state::text`.as('state'), 'amount_cents']) as unknown as Query<{ state: string; amount_cents: number }>;
  });
  const all = unionAll([...months, ...days], months[0] ?? days[0]);
  return db.selectFrom(all.as('x')).select(['x.state', sql<number>`coalesce(sum(x.amount_cents), 0)::bigint`.as('disbursedCents')]).groupBy('x.state');
}

/** Needs opened and closed (still fulfilled / cancelled) in the period, per month. */
export function needFlowInPeriod(db: Tx, s: PeriodScope) {
  const months = wholeMonthsOf(s.period).map((m) =>
    db.selectFrom('v_need_flow_scope').where('scope', '=', scopeOf(s)).where('month', '>=', m.start).where('month', '<', m.end)
      .select(['month', 'created', 'fulfilled', 'cancelled']) as unknown as Query<FlowRow>
  );
  const days = s.period.edgeDays.flatMap((d) => [
    whereDayRegion(db.selectFrom('v_need_days'), s).where('created_at', '>=', dayStart(d.start)).where('created_at', '<', dayStart(d.end))
      .select([sql<string>`date_trunc('month', created_day)::date`.as('month'), sql<number>`1::bigint`.as('created'), sql<number>`0::bigint`.as('fulfilled'),
        sql<number>`0::bigint`.as('cancelled')]) as unknown as Query<FlowRow>,
    whereDayRegion(db.selectFrom('v_need_days'), s).where('closed_at', '>=', dayStart(d.start)).where('closed_at', '<', dayStart(d.end))
      .where('status', 'in', ['fulfilled', 'cancelled'])
      .select([sql<string>`date_trunc('month', closed_day)::date`.as('month'), sql<number>`0::bigint`.as('created'),
        sql<number>`(status = 'fulfilled')::int::bigint`.as('fulfilled'), sql<number>`(status = 'cancelled')::int::bigint`.as('cancelled')]) as unknown as Query<FlowRow>
  ]);
  const all = unionAll([...months, ...days], months[0] ?? days[0]);
  return db.selectFrom(all.as('x'))
    .select(['x.month', sql<number>`coalesce(sum(x.created), 0)::bigint`.as('created'), sql<number>`coalesce(sum(x.fulfilled), 0)::bigint`.as('fulfilled'),
      sql<number>`coalesce(sum(x.cancelled), 0)::bigint`.as('cancelled')])
    .groupBy('x.month');
}
interface FlowRow {
  month: string;
  created: number;
  fulfilled: number;
  cancelled: number;
}

/** Outreach events dated in the period, per month, division, format and audience as asked. */
export function outreachInPeriod(db: Tx, s: PeriodScope, detail: 'scope' | 'division' | 'formats') {
  const months = wholeMonthsOf(s.period).map((m) => {
    if (detail === 'scope') {
      return db.selectFrom('v_outreach_scope').where('scope', '=', scopeOf(s)).where('month', '>=', m.start).where('month', '<', m.end)
        .select(['month', sql<string>`''`.as('division'), sql<string>`''`.as('format'), sql<string>`''`.as('audience'), 'event_count', 'attendees',
          'follow_up_requests']) as unknown as Query<OutreachRow>;
    }
    if (detail === 'division') {
      let q = db.selectFrom('v_outreach_reach').where('month', '>=', m.start).where('month', '<', m.end);
      if (s.division) q = q.where('division_code', '=', s.division);
      if (s.state) q = q.where('state', '=', s.state);
      return q.select(['month', 'division_code as division', sql<string>`''`.as('format'), sql<string>`''`.as('audience'), 'event_count', 'attendees',
        'follow_up_requests']) as unknown as Query<OutreachRow>;
    }
    let q = db.selectFrom('v_outreach_monthly').where('month', '>=', m.start).where('month', '<', m.end);
    if (s.division) q = q.where('division_code', '=', s.division);
    if (s.state) q = q.where('state', '=', s.state);
    return q.select(['month', sql<string>`''`.as('division'), sql<string>`format::text`.as('format'), sql<string>`audience::text`.as('audience'),
      'event_count', 'attendees', 'follow_up_requests']) as unknown as Query<OutreachRow>;
  });
  const days = s.period.edgeDays.map((d) =>
    whereDayRegion(db.selectFrom('v_outreach_days'), s).where('occurred_on', '>=', d.start).where('occurred_on', '<', d.end)
      .select([
        sql<string>`date_trunc('month', occurred_on)::date`.as('month'),
        (detail === 'division' ? sql<string>`division_code` : sql<string>`''`).as('division'),
        (detail === 'formats' ? sql<string>`format::text` : sql<string>`''`).as('format'),
        (detail === 'formats' ? sql<string>`audience::text` : sql<string>`''`).as('audience'),
        sql<number>`1::bigint`.as('event_count'), sql<number>`attendees::bigint`.as('attendees'), sql<number>`follow_up_requests::bigint`.as('follow_up_requests')
      ]) as unknown as Query<OutreachRow>
  );
  return unionAll([...months, ...days], months[0] ?? days[0]);
}
interface OutreachRow {
  month: string;
  division: string;
  format: string;
  audience: string;
  event_count: number;
  attendees: number;
  follow_up_requests: number;
}

/** Per state (of the division filter, or all): people reached by outreach events dated in the period. */
export function peopleByState(db: Tx, s: PeriodScope, map: MapRegion) {
  // The view joins region for its division only: without a division filter its rollup is read alone.
  const months = wholeMonthsOf(s.period).map((m) =>
    (map.division
      ? db.selectFrom('v_outreach_reach').where('division_code', '=', map.division).where('month', '>=', m.start).where('month', '<', m.end)
        .select([sql<string>`state::text`.as('state'), 'attendees'])
      : db.selectFrom('rollup_outreach_reach').where('event_count', '<>', 0).where('month', '>=', m.start).where('month', '<', m.end)
        .select([sql<string>`state::text`.as('state'), 'attendees'])) as unknown as Query<{ state: string; attendees: number }>
  );
  const days = s.period.edgeDays.map((d) => {
    const q = db.selectFrom('v_outreach_days').where('occurred_on', '>=', d.start).where('occurred_on', '<', d.end);
    return (map.division ? q.where('division_code', '=', map.division) : q)
      .select([sql<string>`state::text`.as('state'), sql<number>`attendees::bigint`.as('attendees')]) as unknown as Query<{ state: string; attendees: number }>;
  });
  const all = unionAll([...months, ...days], months[0] ?? days[0]);
  return db.selectFrom(all.as('x')).select(['x.state', sql<number>`coalesce(sum(x.attendees), 0)::bigint`.as('peopleReached')]).groupBy('x.state');
}

/**
 * Payments (moves to `disbursed`) dated in the period, per partner: category ('*' = every category,
 * unless `categories` names the ones wanted), partner, number of payments and the units paid for.
 */
export function paidInPeriod(db: Tx, s: PeriodScope, categories?: FundingCategory[]) {
  const wanted = s.category ? [s.category] : categories;
  const months = wholeMonthsOf(s.period).map((m) => {
    const q = db.selectFrom('v_paid_month').where('scope', '=', scopeOf(s)).where('month', '>=', m.start).where('month', '<', m.end);
    return (wanted ? q.where('category', 'in', wanted) : q.where('category', '=', '*'))
      .select(['category', 'partner_id', 'payments', 'units']) as unknown as Query<PaidRow>;
  });
  const days = s.period.edgeDays.map((d) => {
    let q = whereDayRegion(db.selectFrom('v_paid_days'), s).where('occurred_at', '>=', dayStart(d.start)).where('occurred_at', '<', dayStart(d.end));
    if (wanted) q = q.where('category', 'in', wanted);
    return q.select([(wanted ? sql<string>`category::text` : sql<string>`'*'`).as('category'), 'partner_id', sql<number>`1::bigint`.as('payments'),
      'units']) as unknown as Query<PaidRow>;
  });
  return unionAll([...months, ...days], months[0] ?? days[0]);
}
interface PaidRow {
  category: string;
  partner_id: number;
  payments: number;
  units: number;
}

/** Moves out of a stage dated in the period: the stage left, whole days spent in it, number of moves. */
export function stageDaysInPeriod(db: Tx, s: PeriodScope) {
  const months = wholeMonthsOf(s.period).map((m) =>
    db.selectFrom('v_stage_days_month').where('scope', '=', scopeOf(s)).where('category', '=', s.category ?? '*')
      .where('month', '>=', m.start).where('month', '<', m.end)
      .select(['stage', 'days', 'moves']) as unknown as Query<{ stage: string; days: number; moves: number }>
  );
  const days = s.period.edgeDays.map((d) => {
    let q = whereDayRegion(db.selectFrom('v_stage_days_moves'), s).where('occurred_at', '>=', dayStart(d.start)).where('occurred_at', '<', dayStart(d.end));
    if (s.category) q = q.where('category', '=', s.category);
    return q.select(['stage', 'days', sql<number>`1::bigint`.as('moves')]) as unknown as Query<{ stage: string; days: number; moves: number }>;
  });
  const all = unionAll([...months, ...days], months[0] ?? days[0]);
  return db.selectFrom(all.as('x')).select(['x.stage', 'x.days', sql<number>`coalesce(sum(x.moves), 0)::bigint`.as('moves')]).groupBy(['x.stage', 'x.days']);
}

/** Units paid for in the period, per category (the categories asked for; only the filtered one under a category filter). */
export function unitsPaid(db: Tx, s: PeriodScope, categories: FundingCategory[]) {
  const wanted = s.category ? [s.category] : categories;
  const months = wholeMonthsOf(s.period).map((m) =>
    db.selectFrom('v_paid_units_month').where('scope', '=', scopeOf(s)).where('category', 'in', wanted)
      .where('month', '>=', m.start).where('month', '<', m.end)
      .select(['category', 'units']) as unknown as Query<{ category: string; units: number }>
  );
  const days = s.period.edgeDays.map((d) =>
    whereDayRegion(db.selectFrom('v_paid_days'), s).where('occurred_at', '>=', dayStart(d.start)).where('occurred_at', '<', dayStart(d.end))
      .where('category', 'in', wanted)
      .select([sql<string>`category::text`.as('category'), 'units']) as unknown as Query<{ category: string; units: number }>
  );
  const all = unionAll([...months, ...days], months[0] ?? days[0]);
  return db.selectFrom(all.as('x'))
    .select(['x.category', sql<number>`coalesce(sum(x.units), 0)::bigint`.as('units')])
    .groupBy('x.category');
}

/**
 * In-kind units confirmed delivered in the period, per category: the units of the in-kind lines of the
 * item their request's category pays for (K9s of a detection K9 request…) whose delivery day is in
 * [start, end), with the region (the request's state) and category filters. Whole months from
 * rollup_delivered_units_month (migration 2026-12-07-50), the days at the period's edges from the
 * lines themselves.
 */
export function unitsDelivered(db: Tx, s: PeriodScope) {
  const paying = Object.entries(ITEM_OF_CATEGORY).filter(([category]) => !s.category || category === s.category);
  const months = wholeMonthsOf(s.period).map((m) =>
    db.selectFrom('rollup_delivered_units_month').where('scope', '=', scopeOf(s))
      .where((eb) => eb.or(paying.map(([category, item]) => eb.and([eb('category', '=', category), eb('item', '=', item!)]))))
      .where('month', '>=', m.start).where('month', '<', m.end)
      .select(['category', 'units']) as unknown as Query<{ category: string; units: number }>
  );
  const days = s.period.edgeDays.map((d) => {
    let q = db.selectFrom('funding_in_kind_line as l')
      .innerJoin('funding_request as f', 'f.id', 'l.request_id')
      .where('l.delivered_on', '>=', sql<string>`${d.start}::date`).where('l.delivered_on', '<', sql<string>`${d.end}::date`)
      .where((eb) => eb.or(paying.map(([category, item]) => eb.and([eb('f.category', '=', category as FundingCategory), eb('l.item', '=', item!)]))));
    if (s.division) q = q.innerJoin('region as r', 'r.code', 'f.state').where('r.division_code', '=', s.division);
    if (s.state) q = q.where('f.state', '=', s.state);
    return q.select([sql<string>`f.category::text`.as('category'), sql<number>`l.units::bigint`.as('units')]) as unknown as Query<{ category: string; units: number }>;
  });
  const all = unionAll([...months, ...days], months[0] ?? days[0]);
  return db.selectFrom(all.as('x'))
    .select(['x.category', sql<number>`coalesce(sum(x.units), 0)::bigint`.as('units')])
    .groupBy('x.category');
}

/** Distinct partners with a payment dated in the period, per partner kind (partners made distinct before the join). */
export function partnersPaid(db: Tx, s: PeriodScope) {
  // Whole months from the partner-year grain (one row per partner and calendar year, its months'
  // payments side by side): a fiscal year reads ~1 row per partner paid instead of one per month.
  const months = wholeMonthsOf(s.period).flatMap((m) => yearSpans(m).map(({ year, first, last }) => {
    const paidInSpan = sql.join(Array.from({ length: last - first + 1 }, (_, i) => sql`${sql.ref(`m${String(first + i).padStart(2, '0')}`)} <> 0`), sql` or `);
    return db.selectFrom('rollup_paid_partner_year').where('scope', '=', scopeOf(s)).where('category', '=', s.category ?? '*')
      .where('year', '=', year).where(sql<boolean>`(${paidInSpan})`)
      .select('partner_id') as unknown as Query<{ partner_id: number }>;
  }));
  const days = s.period.edgeDays.map((d) => {
    let q = whereDayRegion(db.selectFrom('v_paid_days'), s).where('occurred_at', '>=', dayStart(d.start)).where('occurred_at', '<', dayStart(d.end));
    if (s.category) q = q.where('category', '=', s.category);
    return q.select('partner_id') as unknown as Query<{ partner_id: number }>;
  });
  // One calendar year's grain alone (a fiscal year starting in January, a range inside one year, no
  // edge days) holds each partner once: no distinct (a sort of every partner paid) is needed.
  const union = db.selectFrom(unionAll([...months, ...days], months[0] ?? days[0]).as('x')).select('x.partner_id');
  const paid = months.length === 1 && days.length === 0 ? union : union.distinct();
  return db.selectFrom(paid.as('d'))
    .innerJoin('partner as p', 'p.id', 'd.partner_id')
    .select(['p.kind', sql<number>`count(*)::bigint`.as('partners')])
    .groupBy('p.kind');
}

/** The partners with the most payments dated in the period, most first, ties by name. */
export function topPartnersPaid(db: Tx, s: PeriodScope, limit: number) {
  return db.selectFrom(paidInPeriod(db, s).as('x'))
    .innerJoin('partner as p', 'p.id', 'x.partner_id')
    .select(['p.id as partnerId', 'p.name', 'p.kind', sql<number>`sum(x.payments)::bigint`.as('fundedRequests')])
    .groupBy(['p.id', 'p.name', 'p.kind'])
    .having(sql<boolean>`sum(x.payments) > 0`)
    .orderBy(sql`sum(x.payments)`, 'desc')
    .orderBy(sql`p.name collate "C"`)
    .limit(limit);
}

/** 00:00 of a period's first day and of the day after its last, in the organisation's time zone. */
export function periodBounds(s: PeriodScope & { period: { start: string; end: string } }) {
  return { from: dayStart(s.period.start), to: dayStart(s.period.end) };
}

const total = (col: string) => sql<number>`coalesce(sum(${sql.ref(col)}), 0)::bigint`;

/** Outreach events dated in the period per month and division: events, people reached, follow-up requests. */
export function outreachByMonthAndDivision(db: Tx, s: PeriodScope) {
  return db.selectFrom(outreachInPeriod(db, s, 'division').as('x'))
    .select(['x.month', 'x.division', total('x.event_count').as('events'), total('x.attendees').as('peopleReached'),
      total('x.follow_up_requests').as('followUpRequests')])
    .groupBy(['x.month', 'x.division'])
    .orderBy('x.month')
    .orderBy('x.division');
}

/** Outreach events dated in the period per format and audience. */
export function outreachByFormatAndAudience(db: Tx, s: PeriodScope) {
  return db.selectFrom(outreachInPeriod(db, s, 'formats').as('x'))
    .select(['x.format', 'x.audience', total('x.event_count').as('events'), total('x.attendees').as('peopleReached'),
      total('x.follow_up_requests').as('followUpRequests')])
    .groupBy(['x.format', 'x.audience'])
    .orderBy('x.format')
    .orderBy('x.audience');
}
