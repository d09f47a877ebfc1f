// Survivor disclosure control, attacked (issue 14, item 6; docs/figures.md, "Survivor counts:
// disclosure control"). On the seeded demo data a leadership viewer reads the live aftercare
// dashboard and overview for every state, division and the whole organisation, for every fiscal
// year, quarters and months; leadership makes snapshots (every geography's FY, quarters, a month,
// overlapping periods) that the board opens, downloads as CSV, opens through share links and
// compares. An attacker (tests/helpers/disclosure-attacker.ts) then solves for every state-month
// count from what was seen: within one view, across filters, across periods, and everything
// together. It must pin no count from 1 to 10 — while the same attacker, fed what the rule Beacon
// had before would have shown for the very same figures (exact, 1–10 as "<11"), pins many.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { attack, MEASURES, type Measure, type Observation } from '../helpers/disclosure-attacker.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { seedDatabase } from '../../src/lib/server/seed/seed.service.js';
import { createShareLink, openSharedSnapshot } from '../../src/lib/server/snapshots/snapshots.service.js';
import { datasetsCsv, describeFilters, sectionsOf, type Table } from '../../src/lib/snapshot-report.js';
import { divisions, regions, statesIn, type DivisionCode, type RegionCode } from '../../src/lib/regions.js';

const createCaller = createCallerFactory(appRouter);
const ALL_STATES = regions.map((r) => r.code as string);
const FISCAL_YEARS = [2024, 2025, 2026];
const pad = (n: number) => String(n).padStart(2, '0');
const monthsOf = (y: number, from: number, count: number) => [...Array(count).keys()].map((k) => `${y}-${pad(from + k)}-01`);
const lastDay = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);

interface Geo {
  name: string;
  filters: { division?: DivisionCode; state?: RegionCode };
  states: string[];
}
const GEOS: Geo[] = [
  { name: 'all', filters: {}, states: ALL_STATES },
  ...divisions.map((d) => ({ name: d.code, filters: { division: d.code }, states: statesIn(d.code) as string[] })),
  ...regions.map((r) => ({ name: r.code, filters: { state: r.code }, states: [r.code as string] }))
];
const DIVISION_GEOS = GEOS.filter((g) => g.name === 'all' || g.filters.division);

interface Truth {
  /** "state|month" → counts and centers reporting. */
  cells: Map<string, { served: number; newIntakes: number; centers: Set<number> }>;
}

const sumOver = (truth: Truth, states: string[], months: string[], measure: Measure) =>
  states.reduce((s, st) => s + months.reduce((t, m) => t + (truth.cells.get(`${st}|${m}`)?.[measure] ?? 0), 0), 0);
const centersOver = (truth: Truth, states: string[], months: string[]) => {
  const set = new Set<number>();
  for (const st of states) for (const m of months) for (const c of truth.cells.get(`${st}|${m}`)?.centers ?? []) set.add(c);
  return set.size;
};

/** What the rule Beacon had before would have shown for the same figure: exact, "<11" from 1 to 10. */
const formerRule = (truth: Truth, o: Observation): Observation => {
  const v = sumOver(truth, o.states, o.months, o.measure);
  return { ...o, value: v >= 1 && v <= 10 ? '<11' : v };
};

/** Reads a CSV the way a spreadsheet would (RFC 4180: quotes, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

function groupBy<T>(items: T[], key: (t: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()];
}

const asValue = (s: unknown): number | string => (typeof s === 'number' ? s : /^-?\d+(\.\d+)?$/.test(String(s)) ? Number(s) : String(s));

/** The Overview key-figure lines of the survivor figures, as docs/figures.md labels them. */
const SURVIVOR_LINES = ['Survivors served (monthly counts summed)', 'New intakes (rounded)', 'Centers reporting'];

/** Survivor figures of one snapshot as its CSV shows them (the Overview key figures and the Aftercare monthly table). */
function fromCsv(view: string, csv: string, geo: Geo, months: string[]): Observation[] {
  const rows = parseCsv(csv.replace(/^\uFEFF/, ''));
  const out: Observation[] = [];
  let block = '';
  let header: string[] | null = null;
  const total: Record<string, number | string> = {};
  for (const r of rows) {
    if (r.length === 1 && r[0] === '') {
      block = '';
      header = null;
    } else if (!block && r.length === 1) block = r[0];
    else if (block && !header) header = r;
    else if (block === 'Overview — Key figures' && SURVIVOR_LINES.includes(r[0])) total[r[0]] = asValue(r[1]);
    else if (block === 'Aftercare — Survivors served per month' && header) {
      const at = (name: string) => asValue(r[header!.indexOf(name)]);
      const month = String(at('Month'));
      const centers = at('Centers reporting');
      out.push({ view, measure: 'served', states: geo.states, months: [month], value: at('Served'), centers: typeof centers === 'number' ? centers : undefined });
      out.push({ view, measure: 'newIntakes', states: geo.states, months: [month], value: at('New intakes'), centers: typeof centers === 'number' ? centers : undefined });
    }
  }
  const centers = total['Centers reporting'];
  for (const [measure, label] of [['served', 'Survivors served (monthly counts summed)'], ['newIntakes', 'New intakes (rounded)']] as const) {
    if (label in total) out.push({ view, measure, states: geo.states, months, value: total[label], centers: typeof centers === 'number' ? centers : undefined });
  }
  return out;
}

/** Survivor figures of one snapshot as its pages render them (sectionsOf: the share link and the snapshot page). */
function fromTables(view: string, sections: Array<{ key: string; tables: Table[] }>, geo: Geo, months: string[]): Observation[] {
  const out: Observation[] = [];
  const overview = sections.find((s) => s.key === 'overview')?.tables.find((t) => t.title === 'Key figures');
  const kv = new Map((overview?.rows ?? []).map((r) => [String(r[0]), r[1]]));
  const centers = kv.get('survivors.centersReporting');
  for (const measure of MEASURES) {
    if (kv.has(`survivors.${measure}`)) out.push({ view, measure, states: geo.states, months, value: asValue(kv.get(`survivors.${measure}`)), centers: typeof centers === 'number' ? centers : undefined });
  }
  const monthly = sections.find((s) => s.key === 'aftercare')?.tables.find((t) => t.title === 'Survivors served per month');
  for (const r of monthly?.rows ?? []) {
    const at = (c: string) => r[monthly!.columns.indexOf(c)];
    const c = at('centersReporting');
    for (const measure of MEASURES) out.push({ view, measure, states: geo.states, months: [String(at('month'))], value: asValue(at(measure)), centers: typeof c === 'number' ? c : undefined });
  }
  return out;
}

type Survivors = { served: number | string; newIntakes: number | string; centersReporting: number };
type Monthly = Array<{ month: string; served: number | string; newIntakes: number | string; centersReporting: number }>;

function fromDatasets(view: string, datasets: Record<string, unknown>, geo: Geo, months: string[]): Observation[] {
  const out: Observation[] = [];
  const survivors = (datasets.overview as { survivors?: Survivors } | undefined)?.survivors;
  if (survivors) for (const measure of MEASURES) out.push({ view, measure, states: geo.states, months, value: survivors[measure], centers: survivors.centersReporting });
  const monthly = (datasets.aftercare as { survivorsMonthly?: Monthly } | undefined)?.survivorsMonthly ?? [];
  for (const m of monthly) for (const measure of MEASURES) out.push({ view, measure, states: geo.states, months: [m.month], value: m[measure], centers: m.centersReporting });
  return out;
}

for (const target of targets) {
  describe(`survivor disclosure control against a differencing attacker on ${target.name}`, () => {
    let h: TestDb;
    let leader: SessionUser, board: SessionUser, admin: SessionUser, coordinator: SessionUser;
    const truth: Truth = { cells: new Map() };
    const seen: Observation[] = [];
    const as = (user: SessionUser) => createCaller({ db: h.db, dbKind: h.kind, user });

    beforeAll(async () => {
      h = await target.open();
      await seedDatabase(h.db, { profile: 'demo', seed: 7, fiscalYearStartMonth: 1 });
      [leader, board, admin, coordinator] = await Promise.all([
        testUser(h.db, 'leadership'), testUser(h.db, 'board'), testUser(h.db, 'admin'), testUser(h.db, 'coordinator', { divisions: ['mountain'] })
      ]);
      // Ground truth, for judging only (the attacker never sees it).
      const { rows } = await sql<{ state: string; month: string; center_id: number; served: number; new_intakes: number }>`
        select trim(state) as state, to_char(month, 'YYYY-MM-DD') as month, center_id::int, served, new_intakes from survivor_count`.execute(h.db);
      for (const r of rows) {
        const key = `${r.state}|${r.month}`;
        const cell = truth.cells.get(key) ?? { served: 0, newIntakes: 0, centers: new Set<number>() };
        cell.served += r.served;
        cell.newIntakes += r.new_intakes;
        cell.centers.add(r.center_id);
        truth.cells.set(key, cell);
      }

      // Leadership's live dashboards.
      const live = as(leader);
      for (const geo of GEOS) {
        for (const fy of FISCAL_YEARS) {
          const months = monthsOf(fy, 1, 12);
          const a = await live.dashboard.aftercare({ fiscalYear: fy, ...geo.filters });
          seen.push(...fromDatasets(`live aftercare ${geo.name} FY${fy}`, { aftercare: a }, geo, months));
          const o = await live.dashboard.overview({ fiscalYear: fy, ...geo.filters });
          seen.push(...fromDatasets(`live overview ${geo.name} FY${fy}`, { overview: o }, geo, months));
        }
        // Every geography: a quarter and a month; the organisation and divisions: every quarter and month of FY2026.
        const broad = DIVISION_GEOS.includes(geo);
        const periods = [
          ...[1, 2, 3, 4].filter((q) => broad || q === 1).map((q) => monthsOf(2026, 3 * q - 2, 3)),
          ...[...Array(12).keys()].filter((m) => broad || m === 1).map((m) => monthsOf(2026, m + 1, 1))
        ];
        for (const months of periods) {
          const o = await live.dashboard.overview({ from: months[0], to: lastDay(months.at(-1)!), ...geo.filters });
          seen.push(...fromDatasets(`live overview ${geo.name} ${months[0]}+${months.length}`, { overview: o }, geo, months));
        }
      }

      // Snapshots: every geography's FY2026; the organisation and divisions also every quarter of
      // FY2025, Q1 FY2026 (inside the FY2026 snapshot) and February 2026; Alaska's Q1 (the example).
      type Plan = { geo: Geo; period: { kind: 'fiscal_year'; fiscalYear: number } | { kind: 'fiscal_quarter'; fiscalYear: number; quarter: number } | { kind: 'dates'; from: string; to: string }; months: string[] };
      const plans: Plan[] = GEOS.map((geo) => ({ geo, period: { kind: 'fiscal_year' as const, fiscalYear: 2026 }, months: monthsOf(2026, 1, 12) }));
      for (const geo of [...DIVISION_GEOS, GEOS.find((g) => g.name === 'AK')!]) {
        plans.push({ geo, period: { kind: 'fiscal_quarter', fiscalYear: 2026, quarter: 1 }, months: monthsOf(2026, 1, 3) });
      }
      for (const geo of DIVISION_GEOS) {
        for (const quarter of [1, 2, 3, 4]) plans.push({ geo, period: { kind: 'fiscal_quarter', fiscalYear: 2025, quarter }, months: monthsOf(2025, 3 * quarter - 2, 3) });
        plans.push({ geo, period: { kind: 'dates', from: '2026-02-01', to: '2026-02-28' }, months: ['2026-02-01'] });
      }
      const made: Array<{ id: number; plan: Plan }> = [];
      for (const plan of plans) {
        const s = await as(leader).snapshots.create({ title: `${plan.geo.name} ${JSON.stringify(plan.period)}`, period: plan.period, filters: plan.geo.filters });
        made.push({ id: s.id, plan });
      }
      // The board opens each one, downloads its CSV (the route's own builder) and opens its share link.
      for (const { id, plan } of made) {
        const s = await as(board).snapshots.get({ id });
        seen.push(...fromDatasets(`snapshot ${id} page`, s.datasets, plan.geo, plan.months));
        const csv = datasetsCsv(
          { title: s.title, period: s.periodLabel, asOf: s.asOf.toISOString(), filters: describeFilters(s.filters), seq: s.seq, integrity: 'verified' },
          s.datasets
        );
        seen.push(...fromCsv(`snapshot ${id} CSV`, csv, plan.geo, plan.months));
        const link = await createShareLink(h.db, admin, { snapshotId: id, expiresInDays: 7 });
        const shared = await openSharedSnapshot(h.db, link.token);
        seen.push(...fromTables(`share link ${id}`, sectionsOf(shared!.snapshot.datasets), plan.geo, plan.months));
      }
      // Compare: each division's FY2026 against its Q1 FY2026 (two overlapping snapshots).
      for (const geo of DIVISION_GEOS) {
        const fy = made.find((m) => m.plan.geo === geo && m.plan.period.kind === 'fiscal_year')!;
        const q1 = made.find((m) => m.plan.geo === geo && m.plan.period.kind === 'fiscal_quarter' && m.plan.period.fiscalYear === 2026)!;
        const c = await as(board).snapshots.compare({ a: fy.id, b: q1.id });
        for (const measure of MEASURES) {
          const line = c.metrics.find((m) => m.key === `overview|Key figures|survivors.${measure}`)!;
          const [older, newer] = c.a.id === fy.id ? [fy, q1] : [q1, fy];
          seen.push({ view: `compare ${fy.id}/${q1.id}`, measure, states: geo.states, months: older.plan.months, value: line.a as number | string });
          seen.push({ view: `compare ${fy.id}/${q1.id}`, measure, states: geo.states, months: newer.plan.months, value: line.b as number | string });
          if (typeof line.a === 'number' && typeof line.b === 'number') expect(line.change).toBe(line.b - line.a);
        }
      }
      console.info(`[disclosure] ${seen.length} survivor figures seen in ${new Set(seen.map((o) => o.view)).size} views (${made.length} snapshots)`);
    }, 900_000);
    afterAll(() => h?.drop());

    const byView = () => groupBy(seen, (o) => o.view);
    const judge = (observations: Observation[]) => {
      const result = attack(observations, 'rounded');
      const small = result.recovered.filter((r) => {
        const t = truth.cells.get(`${r.state}|${r.month}`)?.[r.measure] ?? 0;
        return t >= 1 && t <= 10;
      });
      return { result, small };
    };

    it('covers every geography and every period kind, and shows every survivor figure as a multiple of 5 or "withheld", the same wherever it appears', () => {
      const views = new Set(seen.map((o) => o.view));
      for (const kind of ['live aftercare', 'live overview', 'page', 'CSV', 'share link', 'compare']) expect([...views].some((v) => v.includes(kind)), kind).toBe(true);
      for (const geo of GEOS) expect(seen.some((o) => o.states === geo.states && o.view.startsWith('snapshot')), geo.name).toBe(true);
      for (const o of seen) expect(typeof o.value === 'number' ? o.value % 5 === 0 && o.value >= 0 : o.value === 'withheld', `${o.view}: ${o.value}`).toBe(true);
      expect(attack(seen, 'rounded').contradictions).toEqual([]);
      expect(seen.length).toBeGreaterThan(10_000);
    });

    it('withholds every figure pooled from fewer than 3 reporting centers (a state with one or two centers shows none)', () => {
      for (const o of seen) {
        const centers = centersOver(truth, o.states, o.months);
        if (centers > 0 && centers < 3) expect(o.value, `${o.view} ${o.states.length === 1 ? o.states[0] : ''} ${o.months[0]}`).toBe('withheld');
        if (centers >= 3) expect(typeof o.value, o.view).toBe('number');
      }
      const singleCenterStates = ALL_STATES.filter((s) => centersOver(truth, [s], monthsOf(2026, 1, 12)) === 1);
      expect(singleCenterStates.length).toBeGreaterThan(0);
    });

    it('the attacker\'s model is the published one: every true count lies inside the bounds it derives', () => {
      const { result } = judge(seen);
      for (const [key, [lo, hi]] of result.bounds) {
        const [measure, state, month] = key.split('|') as [Measure, string, string];
        const t = truth.cells.get(`${state}|${month}`)?.[measure] ?? 0;
        expect(lo <= t && t <= hi, `${key}: ${t} outside [${lo}, ${hi}]`).toBe(true);
      }
    });

    it('recovers no count from 1 to 10 within any one view (a total minus its parts)', () => {
      const recovered = byView().flatMap((v) => judge(v).small);
      expect(recovered).toEqual([]);
    });

    it('recovers no count from 1 to 10 across filters (a division minus its states, the organisation minus its divisions)', () => {
      const byPeriod = groupBy(seen, (o) => o.months.join(','));
      expect(byPeriod.flatMap((p) => judge(p).small)).toEqual([]);
    });

    it('recovers no count from 1 to 10 across periods (overlapping snapshots, a year minus its quarters and months)', () => {
      const byGeo = groupBy(seen, (o) => o.states.join(','));
      expect(byGeo.flatMap((g) => judge(g).small)).toEqual([]);
    });

    it('recovers no count from 1 to 10 from everything together — while the rule Beacon had before gives many away', () => {
      const { result, small } = judge(seen);
      expect(result.equations).toBeGreaterThan(500);
      expect(small).toEqual([]);
      // The same attacker, on the same figures shown the former way (exact; "<11" from 1 to 10).
      const former = attack(seen.map((o) => formerRule(truth, o)), 'exact');
      const formerSmall = former.recovered.filter((r) => {
        const t = truth.cells.get(`${r.state}|${r.month}`)?.[r.measure] ?? 0;
        return t >= 1 && t <= 10;
      });
      expect(former.contradictions).toEqual([]);
      expect(formerSmall.length).toBeGreaterThan(20);
      for (const r of formerSmall) expect(r.value).toBe(truth.cells.get(`${r.state}|${r.month}`)![r.measure]);
      // …and already within one view (the "Alaska Q1: 13, 11, <11, total 31 → 7").
      const formerWithinOneView = byView().flatMap((v) => attack(v.map((o) => formerRule(truth, o)), 'exact').recovered)
        .filter((r) => (truth.cells.get(`${r.state}|${r.month}`)?.[r.measure] ?? 0) <= 10 && (truth.cells.get(`${r.state}|${r.month}`)?.[r.measure] ?? 0) >= 1);
      expect(formerWithinOneView.length).toBeGreaterThan(0);
      console.info(`[disclosure] counts 1–10 pinned: ${small.length} now; ${formerSmall.length} (${formerWithinOneView.length} within one view) under the former rule`);
    });

    it('gives a coordinator\'s live overview the same published figures as leadership\'s, outside any operational view', async () => {
      for (const filters of [{ fiscalYear: 2026 }, { fiscalYear: 2026, division: 'mountain' as const }]) {
        const mine = await as(coordinator).dashboard.overview(filters);
        const theirs = await as(leader).dashboard.overview(filters);
        expect(mine.survivors).toEqual(theirs.survivors);
      }
    });
  });
}
