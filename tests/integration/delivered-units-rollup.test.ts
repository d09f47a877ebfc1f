// In-kind units delivered, as the overview reads them (rollup_delivered_units_month, migration
// 2026-12-07-50), after every kind of write that moves them: lines added delivered and undelivered,
// a delivery confirmed, units and item edited, a delivery taken back, a line removed, and requests
// whose state or category changes. After each step the rollup must equal what its definition says,
// computed here in JavaScript from the base rows: every delivered line counts its units once in the
// month of its delivery day, under its request's category and item, for the whole organisation ('*'),
// its request's division ('d:…') and its request's state ('s:…').
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createRng } from '../helpers/prng.js';
import { commitImport } from '../../src/lib/server/imports/imports.service.js';
import { benchFiles } from '../../bench/import.js';
import type { Db } from '../../src/lib/server/db/index.js';

const ITEMS = ['detection_k9', 'forensic_device', 'extraction_license', 'training_seat', 'lab_equipment'];
const files = benchFiles(200, 30);

async function expected(db: Db): Promise<string[]> {
  const { rows: lines } = await sql<{ request_id: number; item: string; units: number; delivered_on: string | null }>`
    select request_id::int, item, units, to_char(delivered_on, 'YYYY-MM-DD') as delivered_on from funding_in_kind_line`.execute(db);
  const { rows: requests } = await sql<{ id: number; category: string; state: string }>`
    select id::int, category::text, state from funding_request`.execute(db);
  const { rows: regions } = await sql<{ code: string; division_code: string }>`select code, division_code from region`.execute(db);
  const byId = new Map(requests.map((r) => [r.id, r]));
  const division = new Map(regions.map((r) => [r.code, r.division_code]));
  const sums = new Map<string, { lines: number; units: number }>();
  for (const l of lines) {
    if (!l.delivered_on) continue;
    const r = byId.get(l.request_id)!;
    for (const scope of ['*', `d:${division.get(r.state)}`, `s:${r.state}`]) {
      const key = [scope, r.category, l.item, `${l.delivered_on.slice(0, 7)}-01`].join('|');
      const s = sums.get(key) ?? { lines: 0, units: 0 };
      s.lines += 1;
      s.units += l.units;
      sums.set(key, s);
    }
  }
  return [...sums].map(([k, s]) => `${k}|${s.lines}|${s.units}`).sort();
}

async function stored(db: Db): Promise<string[]> {
  const { rows } = await sql<{ k: string }>`select concat_ws('|', scope, category, item, to_char(month, 'YYYY-MM-DD'), lines, units) as k
    from rollup_delivered_units_month where lines <> 0 or units <> 0`.execute(db);
  return rows.map((r) => r.k).sort();
}

for (const target of targets) {
  describe(`delivered in-kind units rollup on ${target.name}`, () => {
    let h: TestDb;
    const rng = createRng(20261207);
    let ids: number[] = [];

    beforeAll(async () => {
      h = await target.open();
      const actor = await testUser(h.db, 'leadership');
      expect(await commitImport(h.db, actor, { kind: 'partners', fileName: 'p.csv', csv: files.partnerCsv }, { fiscalYearStartMonth: 1 })).toMatchObject({ committed: true });
      expect(await commitImport(h.db, actor, { kind: 'requests', fileName: 'r.csv', csv: files.requestCsv }, { fiscalYearStartMonth: 1 })).toMatchObject({ committed: true });
      ids = (await sql<{ id: number }>`select id::int from funding_request order by id`.execute(h.db)).rows.map((r) => r.id);
    }, 300_000);
    afterAll(async () => {
      await h?.drop();
    });

    const day = () => `202${rng.int(3, 6)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;

    it('lines added in one statement, delivered or not', async () => {
      const values = Array.from({ length: 400 }, () => {
        const delivered = rng.chance(0.6) ? day() : null;
        return sql`(${rng.pick(ids)}, ${rng.pick(ITEMS)}, ${rng.int(1, 9)}, 100000, ${delivered}::date)`;
      });
      await sql`insert into funding_in_kind_line (request_id, item, units, unit_cost_cents, delivered_on) values ${sql.join(values)}`.execute(h.db);
      const want = await expected(h.db);
      expect(want.length).toBeGreaterThan(300);
      expect(await stored(h.db)).toEqual(want);
    });

    it('deliveries confirmed, edited and taken back; lines removed', async () => {
      await sql`update funding_in_kind_line set delivered_on = '2025-03-31' where delivered_on is null and id % 3 = 0`.execute(h.db);
      expect(await stored(h.db)).toEqual(await expected(h.db));
      await sql`update funding_in_kind_line set units = units + 2, delivered_on = delivered_on + 1 where id % 5 = 1`.execute(h.db);
      expect(await stored(h.db)).toEqual(await expected(h.db));
      await sql`update funding_in_kind_line set item = 'lab_equipment' where id % 7 = 2`.execute(h.db);
      await sql`update funding_in_kind_line set delivered_on = null, delivery_note = null where id % 11 = 3`.execute(h.db);
      expect(await stored(h.db)).toEqual(await expected(h.db));
      await sql`delete from funding_in_kind_line where id % 13 = 4`.execute(h.db);
      expect(await stored(h.db)).toEqual(await expected(h.db));
    });

    it('a request moving to another state or category takes its delivered lines with it', async () => {
      const { rows } = await sql<{ id: number }>`select distinct request_id::int as id from funding_in_kind_line where delivered_on is not null order by 1 limit 6`.execute(h.db);
      expect(rows.length).toBe(6);
      const [a, b, c] = [rows[0].id, rows[1].id, rows[2].id];
      // A request's state is its partner's: the partner moves, and its requests with it.
      const before = await sql<{ state: string }>`select state from funding_request where id = ${a}`.execute(h.db);
      await sql`update partner set state = case when state = 'AK' then 'OR' else 'AK' end
        where id in (select partner_id from funding_request where id in (${a}, ${b}))`.execute(h.db);
      const after = await sql<{ state: string }>`select state from funding_request where id = ${a}`.execute(h.db);
      expect(after.rows[0].state).not.toBe(before.rows[0].state);
      await sql`update funding_request set category = case when category = 'detection_k9' then 'lab_equipment'::funding_category else 'detection_k9'::funding_category end where id = ${c}`.execute(h.db);
      expect(await stored(h.db)).toEqual(await expected(h.db));
    });
  });
}
