// Imports (issue 16, item 9): a file with one bad row writes nothing and names the row and the field
// in plain words; importing the same file twice changes nothing; imported stage history reproduces
// the dashboards' figures. The expected figures are computed here from the CSV this test wrote, by the
// definitions in docs/figures.md (e.g. Disbursed in FY = sum of the disbursed amounts dated in it) —
// never read back from the code under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createRng } from '../helpers/prng.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { rowErrorText } from '../../src/lib/server/imports/imports.service.js';

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

const CATEGORIES = ['Detection K9', 'Forensic hardware', 'Lab equipment', 'Aftercare facility', 'Outreach program'];
const CATEGORY_KEY: Record<string, string> = {
  'Detection K9': 'detection_k9', 'Forensic hardware': 'forensic_hardware', 'Lab equipment': 'lab_equipment',
  'Aftercare facility': 'aftercare_facility', 'Outreach program': 'outreach_program'
};
const PARTNERS = [
  { id: 'P-1', name: 'Synthetic Denver Task Force', kind: 'ICAC task force', state: 'CO' },
  { id: 'P-2', name: 'Synthetic Front Range Lab', kind: 'Forensic lab', state: 'Colorado' },
  { id: 'P-3', name: 'Synthetic Bay Shelter', kind: 'Aftercare center', state: 'CA' },
  { id: 'P-4', name: 'Synthetic Austin Agency', kind: 'Law enforcement agency', state: 'TX' }
];

const csvLine = (cells: Array<string | number>) => cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replaceAll('"', '""')}"` : String(c))).join(',');
const dollars = (cents: number) => (cents / 100).toLocaleString('en-US', { minimumFractionDigits: cents % 100 ? 2 : 0 });
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

interface PlannedRow {
  ext: string; partner: string; state: string; category: string; requested: number; created: string;
  approvedOn?: string; approved?: number; disbursedOn?: string; disbursed?: number; declinedOn?: string; withdrawnOn?: string;
}

/** Requests over 2023–2025 with random stage histories (fixed seed), as a spreadsheet would hold them. */
function planRequests(n: number, seed: number): PlannedRow[] {
  const rng = createRng(seed);
  const rows: PlannedRow[] = [];
  for (let i = 1; i <= n; i++) {
    const p = rng.pick(PARTNERS);
    const created = addDays('2023-01-01', rng.int(0, 900));
    const requested = rng.int(1_000, 90_000) * 100 + rng.int(0, 1) * 50;
    const row: PlannedRow = { ext: `R-${1000 + i}`, partner: rng.chance(0.5) ? p.id : p.name, state: p.state === 'Colorado' ? 'CO' : p.state, category: rng.pick(CATEGORIES), requested, created };
    const fate = rng.int(0, 9);
    if (fate >= 3) {
      row.approvedOn = addDays(created, rng.int(0, 120));
      row.approved = Math.round(requested * (0.5 + rng.next() / 2));
      if (fate >= 5) {
        row.disbursedOn = addDays(row.approvedOn, rng.int(0, 200));
        if (rng.chance(0.5)) row.disbursed = rng.int(1, row.approved);
      } else if (fate === 3) row.withdrawnOn = addDays(row.approvedOn, rng.int(1, 30));
    } else if (fate === 0) row.declinedOn = addDays(created, rng.int(1, 60));
    rows.push(row);
  }
  return rows;
}

const HEADER = ['Request ID', 'Partner', 'Category', 'Program area', 'Amount requested', 'Created', 'Approved date', 'Approved amount',
  'Disbursed date', 'Disbursed amount', 'Declined date', 'Withdrawn date'];

function requestsCsv(rows: PlannedRow[], requestedAs: (r: PlannedRow, i: number) => string = (r) => dollars(r.requested)): string {
  return [csvLine(HEADER), ...rows.map((r, i) => csvLine([
    r.ext, r.partner, r.category, '', requestedAs(r, i), r.created, r.approvedOn ?? '', r.approved !== undefined ? `$${dollars(r.approved)}` : '',
    r.disbursedOn ?? '', r.disbursed !== undefined ? dollars(r.disbursed) : '', r.declinedOn ?? '', r.withdrawnOn ?? ''
  ]))].join('\n') + '\n';
}

const partnersCsv = () => [csvLine(['External id', 'Name', 'Kind', 'State', 'Vetting', 'Vetted until']),
  ...PARTNERS.map((p) => csvLine([p.id, p.name, p.kind, p.state, 'vetted', '2030-12-31']))].join('\n') + '\n';

/** Expected overview figures for calendar-year FY `fy` (BEACON_FY_START_MONTH=1), from the rows, by docs/figures.md. */
function expected(rows: PlannedRow[], fy: number, filter: { state?: string; category?: string } = {}) {
  const inFy = (day: string | undefined) => day !== undefined && day.startsWith(`${fy}-`);
  const keep = rows.filter((r) => (!filter.state || r.state === filter.state) && (!filter.category || CATEGORY_KEY[r.category] === filter.category));
  const created = keep.filter((r) => inFy(r.created));
  return {
    requests: created.length,
    requestedCents: created.reduce((s, r) => s + r.requested, 0),
    approvedCents: keep.filter((r) => inFy(r.approvedOn)).reduce((s, r) => s + r.approved!, 0),
    // A payment without an amount pays the approved amount.
    disbursedCents: keep.filter((r) => inFy(r.disbursedOn)).reduce((s, r) => s + (r.disbursed ?? r.approved!), 0),
    requestsDisbursed: keep.filter((r) => inFy(r.disbursedOn)).length
  };
}

for (const target of targets) {
  describe(`imports on ${target.name}`, () => {
    let h: TestDb;
    let leader: SessionUser;
    let L: Caller;
    let M: Caller;
    const rows = planRequests(240, 20261205);
    const csv = requestsCsv(rows);
    const tally = async () => {
      const { rows: [t] } = await sql<{ requests: number; events: number; audits: number; changes: number }>`select
        (select count(*) from funding_request)::int as requests, (select count(*) from funding_stage_event)::int as events,
        (select count(*) from audit_log where action = 'imports.commit')::int as audits, (select count(*) from change_log)::int as changes`.execute(h.db);
      return t;
    };
    const figures = async (fy: number, filter: { state?: 'CO' | 'TX' | 'CA'; category?: 'detection_k9' | 'lab_equipment' } = {}) => {
      const o = await L.dashboard.overview({ fiscalYear: fy, ...filter });
      return {
        requests: o.funding.requests, requestedCents: o.funding.requestedCents, approvedCents: o.funding.approvedCents,
        disbursedCents: o.funding.disbursedCents, requestsDisbursed: o.sincePeriodStart.requestsDisbursed
      };
    };

    beforeAll(async () => {
      h = await target.open();
      leader = await testUser(h.db, 'leadership');
      L = createCaller({ db: h.db, dbKind: h.kind, user: leader });
      M = createCaller({ db: h.db, dbKind: h.kind, user: await testUser(h.db, 'coordinator', { divisions: ['mountain'] }) });
      const partners = await L.imports.commit({ kind: 'partners', fileName: 'partners.csv', csv: partnersCsv() });
      expect(partners.fileErrors).toEqual([]);
      expect(partners.errors).toEqual([]);
      expect(partners).toMatchObject({ committed: true, inserted: 4 });
    });
    afterAll(() => h?.drop());

    it('a file with one bad row writes nothing and names the row and the field in plain words (dollars, never cents)', async () => {
      const before = await tally();
      // Spreadsheet row 14 (the header is row 1) is the 13th request: its amount requested is mistyped.
      const bad = requestsCsv(rows, (r, i) => (i === 12 ? '24,05O' : dollars(r.requested)));
      const preview = await L.imports.preview({ kind: 'requests', fileName: 'history.csv', csv: bad });
      expect(preview.errors.map(rowErrorText)).toEqual(['Row 14, Amount requested: enter a dollar amount such as 24,050']);
      const report = await L.imports.commit({ kind: 'requests', fileName: 'history.csv', csv: bad });
      expect(report.committed).toBe(false);
      expect(report.errorCount).toBe(1);
      expect(await tally()).toEqual(before);

      // More than the approved amount: said in dollars.
      const over = [csvLine(HEADER), csvLine(['X-1', 'P-1', 'Detection K9', '', '10,000', '2024-01-05', '2024-02-01', '8,000', '2024-03-01', '9,500.50', '', ''])].join('\n');
      const o = await L.imports.preview({ kind: 'requests', fileName: 'over.csv', csv: over });
      expect(o.errors.map(rowErrorText)).toEqual(['Row 2, Disbursed amount: $9,500.50 is more than the approved amount ($8,000)']);
      for (const e of o.errors) expect(e.message).not.toMatch(/cents|Cents|Expected|Invalid|zod/);
      expect(await tally()).toEqual(before);
    });

    it('a coordinator imports rows of their regions only', async () => {
      const file = [csvLine(HEADER), csvLine(['C-1', 'P-1', 'Detection K9', '', '5,000', '2024-01-05', '', '', '', '', '', '']),
        csvLine(['C-2', 'P-4', 'Detection K9', '', '5,000', '2024-01-05', '', '', '', '', '', ''])].join('\n');
      const report = await M.imports.commit({ kind: 'requests', fileName: 'mine.csv', csv: file });
      expect(report.committed).toBe(false);
      expect(report.errors.map(rowErrorText)).toEqual([expect.stringMatching(/^Row 3, Partner: TX is outside your regions/)]);
    });

    it('imports the history in one transaction with one audit entry; the same file again changes nothing', async () => {
      const before = await tally();
      const first = await L.imports.commit({ kind: 'requests', fileName: 'history.csv', csv });
      expect(first.errors).toEqual([]);
      expect(first).toMatchObject({ committed: true, rows: rows.length, inserted: rows.length, updated: 0, unchanged: 0 });
      const moves = rows.reduce((n, r) => n + (r.approvedOn ? 2 : 0) + (r.disbursedOn ? 1 : 0) + (r.declinedOn || r.withdrawnOn ? 1 : 0), 0);
      const afterFirst = await tally();
      expect(afterFirst.requests - before.requests).toBe(rows.length);
      expect(afterFirst.events - before.events).toBe(rows.length + moves);
      expect(afterFirst.audits - before.audits).toBe(1);
      const audit = await h.db.selectFrom('audit_log').select(['actor_id', 'entity', 'after']).where('action', '=', 'imports.commit').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(audit.actor_id).toBe(leader.id);
      expect(audit.after).toMatchObject({ kind: 'requests', file: 'history.csv', rows: rows.length, inserted: rows.length });
      const figuresFirst = await Promise.all([2023, 2024, 2025].map((fy) => figures(fy)));

      const again = await L.imports.commit({ kind: 'requests', fileName: 'history.csv', csv });
      expect(again).toMatchObject({ committed: true, rows: rows.length, inserted: 0, updated: 0, unchanged: rows.length });
      const afterAgain = await tally();
      expect({ ...afterAgain, audits: afterAgain.audits - 1 }).toEqual(afterFirst);
      expect(await Promise.all([2023, 2024, 2025].map((fy) => figures(fy)))).toEqual(figuresFirst);
      // The mapping used is remembered for this kind.
      const saved = await h.db.selectFrom('import_mapping').select('columns').where('kind', '=', 'requests').executeTakeFirstOrThrow();
      expect(saved.columns).toMatchObject({ externalId: 'Request ID', requested: 'Amount requested', disbursedOn: 'Disbursed date' });
    });

    it('the imported history reproduces the dashboards’ figures (oracle from the CSV)', async () => {
      let nonzero = 0;
      for (const fy of [2023, 2024, 2025]) {
        const want = expected(rows, fy);
        expect(await figures(fy), `FY${fy}`).toEqual(want);
        if (want.disbursedCents > 0 && want.approvedCents > 0) nonzero++;
        expect(await figures(fy, { state: 'CO' }), `FY${fy} CO`).toEqual(expected(rows, fy, { state: 'CO' }));
        expect(await figures(fy, { category: 'detection_k9' }), `FY${fy} K9`).toEqual(expected(rows, fy, { category: 'detection_k9' }));
      }
      expect(nonzero).toBeGreaterThanOrEqual(2);
    });

    it('a later file that extends a request’s history appends only the new stage moves', async () => {
      const open = rows.find((r) => !r.approvedOn && !r.declinedOn && !r.withdrawnOn)!;
      const extended = { ...open, approvedOn: addDays(open.created, 3), approved: 1_000_00 };
      const before = await tally();
      const report = await L.imports.commit({ kind: 'requests', fileName: 'history-2.csv', csv: requestsCsv([extended]) });
      expect(report).toMatchObject({ committed: true, inserted: 0, updated: 1, unchanged: 0 });
      expect((await tally()).events - before.events).toBe(2);
      // A changed amount requested is not silently rewritten.
      const changed = await L.imports.preview({ kind: 'requests', fileName: 'x.csv', csv: requestsCsv([{ ...extended, requested: extended.requested + 100 }]) });
      expect(changed.errors.map(rowErrorText)).toEqual([expect.stringMatching(/^Row 2, External id: this request was imported before with a different amount requested/)]);
    });

    it('survivor counts and outreach import by center + month and by external id, idempotently', async () => {
      const counts = ['Center,Month,Served,New intakes,Bed nights,Exits to safe housing', 'P-3,2025-01,40,8,900,3', 'Synthetic Bay Shelter,2025-02,42,5,950,'].join('\n');
      expect(await L.imports.commit({ kind: 'survivor-counts', fileName: 'c.csv', csv: counts })).toMatchObject({ committed: true, inserted: 2 });
      expect(await L.imports.commit({ kind: 'survivor-counts', fileName: 'c.csv', csv: counts })).toMatchObject({ committed: true, inserted: 0, unchanged: 2 });
      const lab = await L.imports.preview({ kind: 'survivor-counts', fileName: 'c.csv', csv: 'Center,Month,Served,New intakes,Bed nights\nP-2,2025-01,4,9,10\n' });
      expect(lab.errors.map(rowErrorText)).toEqual([
        'Row 2, Center: “Synthetic Front Range Lab” is a forensic lab: only aftercare centers report survivor counts',
        'Row 2, New intakes: new intakes cannot be more than survivors served'
      ]);
      const outreach = ['ID,Date,State,Format,Audience,Attendees', 'O-1,2025-03-02,CO,School assembly,Students,120', 'O-2,2025-03-09,Colorado,Webinar,Parents,45'].join('\n');
      expect(await M.imports.commit({ kind: 'outreach', fileName: 'o.csv', csv: outreach })).toMatchObject({ committed: true, inserted: 2 });
      expect(await M.imports.commit({ kind: 'outreach', fileName: 'o.csv', csv: outreach })).toMatchObject({ committed: true, unchanged: 2 });
      const o = await L.dashboard.outreach({ fiscalYear: 2025, state: 'CO' });
      expect(JSON.stringify(o)).toContain('165');
    });

    it('file-level problems: no CSV, a missing required column', async () => {
      const missing = await L.imports.preview({ kind: 'requests', fileName: 'x.csv', csv: 'Request ID,Partner\nR-1,P-1\n' });
      expect(missing.fileErrors).toContain('Category: no column holds it. Choose its column below (or add one to the file).');
      const broken = await L.imports.preview({ kind: 'partners', fileName: 'x.csv', csv: 'External id,Name\n"P-9,Broken\n' });
      expect(broken.fileErrors[0]).toMatch(/could not be read as CSV/);
    });
  });
}
