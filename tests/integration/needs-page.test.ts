// needs.page: one page of the needs table, answered by the database (issue 17: /needs stays fast at
// 5,000 needs). Over a few hundred needs with every status, priority, blanks and a '%' in a title, the
// expected pages are worked out here from the words — the chip's statuses; search on a title
// or center name (or a state code); order by the column asked, blanks last either way, ties open
// first, then most urgent, then soonest needed, then oldest — and compared page by page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';

const createCaller = createCallerFactory(appRouter);
const STATUSES = ['open', 'in_progress', 'pledged', 'fulfilled', 'cancelled'];
const PRIORITIES = ['critical', 'high', 'normal', 'low'];
const OPEN = ['open', 'in_progress', 'pledged'];

interface Row { id: number; title: string; centerName: string; state: string; status: string; priority: string; kind: string; quantity: number; neededBy: string | null; estimatedCostCents: number }

/** Blanks last whichever way; otherwise numbers or ISO dates or plain ASCII titles, compared as such. */
function by(key: keyof Row, dir: 1 | -1) {
  return (a: Row, b: Row) => {
    const va = a[key];
    const vb = b[key];
    if (va === vb) return 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    return (va < vb ? -1 : 1) * dir;
  };
}
const urgency = (r: Row) => STATUSES.indexOf(r.status) * 10 + PRIORITIES.indexOf(r.priority);
const ties = (a: Row, b: Row) => urgency(a) - urgency(b) || by('neededBy', 1)(a, b) || a.id - b.id;

for (const target of targets) {
  describe(`needs.page on ${target.name}`, () => {
    let h: TestDb;
    let caller: ReturnType<typeof createCaller>;
    let mountain: Row[];

    beforeAll(async () => {
      h = await target.open();
      caller = createCaller({ db: h.db, dbKind: h.kind, user: await testUser(h.db, 'coordinator', { divisions: ['mountain'] }) });
      const centers = await h.db.insertInto('partner').values([
        { name: 'Synthetic Cascade House', kind: 'aftercare_center', state: 'CO', vetting_status: 'vetted' },
        { name: 'Synthetic Wasatch Home', kind: 'aftercare_center', state: 'UT', vetting_status: 'vetted' },
        { name: 'Synthetic Puget House', kind: 'aftercare_center', state: 'WA', vetting_status: 'vetted' }
      ]).returning(['id', 'name', 'state']).execute();
      const values = Array.from({ length: 260 }, (_, i) => {
        const status = STATUSES[i % 5];
        return {
          center_id: centers[i % 3].id,
          title: i === 7 ? 'Synthetic 50% off beds' : `Synthetic need ${String(i).padStart(3, '0')}${i % 11 === 0 ? ' roof' : ''}`,
          kind: (['equipment', 'building'] as const)[i % 2],
          priority: PRIORITIES[(i * 7) % 4] as 'critical',
          status: status as 'open',
          quantity: 1 + ((i * 13) % 9),
          fulfilled_quantity: status === 'fulfilled' ? 1 + ((i * 13) % 9) : 0,
          estimated_cost_cents: (i * 7919) % 50_000,
          needed_by: i % 6 === 0 ? null : `2027-0${1 + (i % 9)}-${String(1 + (i % 27)).padStart(2, '0')}`,
          pledged_by: status === 'pledged' || status === 'fulfilled' ? 'Synthetic Foundation' : null,
          pledged_cents: status === 'pledged' || status === 'fulfilled' ? 1000 : null
        };
      });
      await h.db.insertInto('aftercare_need').values(values).execute();
      const rows = await h.db.selectFrom('aftercare_need as n').innerJoin('partner as p', 'p.id', 'n.center_id')
        .select(['n.id', 'n.title', 'p.name as centerName', 'n.state', 'n.status', 'n.priority', 'n.kind', 'n.quantity', 'n.needed_by as neededBy', 'n.estimated_cost_cents as estimatedCostCents'])
        .where('n.title', 'like', 'Synthetic%').execute();
      mountain = (rows as unknown as Row[]).map((r) => ({ ...r, id: Number(r.id), estimatedCostCents: Number(r.estimatedCostCents) })).filter((r) => r.state === 'CO' || r.state === 'UT');
    });
    afterAll(() => h?.drop());

    /** Every page of a query, read 40 at a time. */
    async function allPages(input: Record<string, unknown>) {
      const seen: number[] = [];
      let first: Awaited<ReturnType<typeof caller.needs.page>> | null = null;
      for (let offset = 0; ; offset += 40) {
        const page = await caller.needs.page({ division: 'mountain', ...input, offset, limit: 40 } as never);
        first ??= page;
        expect(page.total).toBe(first.total);
        seen.push(...page.rows.map((r) => r.id));
        if (page.rows.length < 40) break;
      }
      return { ids: seen, total: first!.total, counts: first!.counts };
    }

    it('pages through the open needs, most urgent first, with the count under each chip', async () => {
      const expected = mountain.filter((r) => OPEN.includes(r.status)).sort(ties);
      const got = await allPages({});
      expect(got.ids).toEqual(expected.map((r) => r.id));
      expect(got.total).toBe(expected.length);
      for (const s of STATUSES) expect(got.counts[s]).toBe(mountain.filter((r) => r.status === s).length);
      expect(got.counts.active).toBe(expected.length);
      expect(got.counts.all).toBe(mountain.length);
    });

    it.each([
      ['estimatedCostCents', 'desc'], ['neededBy', 'asc'], ['neededBy', 'desc'], ['title', 'asc'], ['quantity', 'desc'], ['centerName', 'asc'], ['priority', 'asc']
    ] as const)('sorts every need by %s %s, blanks last, ties by urgency', async (key, dir) => {
      const sign = dir === 'asc' ? 1 : -1;
      const cmp = key === 'priority' ? (a: Row, b: Row) => (PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority)) * sign : by(key, sign);
      const expected = [...mountain].sort((a, b) => cmp(a, b) || ties(a, b));
      expect((await allPages({ status: 'all', sort: key, dir })).ids).toEqual(expected.map((r) => r.id));
    });

    it('searches titles and center names (a % is a percent sign, not a wildcard) and state codes, with filters and chips', async () => {
      const match = (q: string) => (r: Row) => r.title.toLowerCase().includes(q) || r.centerName.toLowerCase().includes(q) || r.state.toLowerCase() === q;
      for (const q of ['roof', 'wasatch', '50%', 'ut', 'need 01']) {
        const expected = mountain.filter(match(q)).sort(ties);
        const got = await allPages({ status: 'all', text: q.toUpperCase() });
        expect(got.ids, q).toEqual(expected.map((r) => r.id));
      }
      expect((await allPages({ status: 'all', text: '%' })).ids).toEqual(mountain.filter((r) => r.title.includes('%')).map((r) => r.id));
      const filtered = mountain.filter((r) => r.status === 'pledged' && r.priority === 'high' && r.kind === 'building').sort(ties);
      const got = await allPages({ status: 'pledged', priority: 'high', kind: 'building' });
      expect(got.ids).toEqual(filtered.map((r) => r.id));
      expect(got.counts.fulfilled).toBe(mountain.filter((r) => r.status === 'fulfilled' && r.priority === 'high' && r.kind === 'building').length);
      // Every division at once when none is named: the Washington center's needs too.
      const everywhere = await caller.needs.page({ status: 'all', text: 'puget' });
      expect(everywhere.total).toBeGreaterThan(0);
      expect(everywhere.rows.every((r) => r.state === 'WA')).toBe(true);
    });

    it.each([[{ limit: 201 }], [{ status: 'lost' }], [{ sort: 'updatedAt' }], [{ text: 'x'.repeat(201) }], [{ offset: -1 }]])('refuses %j', async (input) => {
      const err = await caller.needs.page(input as never).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe('BAD_REQUEST');
    });
  });
}
