// A request import applies the month-bucketed rollups once, at the end of its transaction, over
// everything it wrote (beacon_apply_deferred_time_rollups). The rollups must be what the app's
// statement-by-statement writes give, and what a rebuild from the base rows gives: the same two files
// (the second extends stored histories and adds requests) are imported into two databases, one with
// the deferral and one without, and every rollup table is compared — then rebuilt from the base rows
// and compared again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { commitImport } from '../../src/lib/server/imports/imports.service.js';
import { benchFiles } from '../../bench/import.js';
import type { Db } from '../../src/lib/server/db/index.js';

const options = { fiscalYearStartMonth: 1 };
const files = benchFiles(700, 40);
const [header, ...lines] = files.requestCsv.trim().split('\n');
const REPORTED = header.split(',').indexOf('Reported date');
// The first file: 500 requests, none reported yet; the second: all 700, with their reports.
const first = [header, ...lines.slice(0, 500).map((l) => l.split(',').map((c, i) => (i === REPORTED ? '' : c)).join(','))].join('\n') + '\n';
const second = files.requestCsv;

/** Every rollup table's rows, keyed, without the rows whose measures are all zero (left behind by moves). */
async function rollups(db: Db): Promise<Record<string, string[]>> {
  const { rows: tables } = await sql<{ name: string; keys: string[] }>`
    select c.relname as name, array(select a.attname::text from unnest(i.indkey) k join pg_attribute a on a.attrelid = c.oid and a.attnum = k) as keys
    from pg_class c join pg_index i on i.indrelid = c.oid and i.indisprimary
    where c.relkind = 'r' and c.relname like 'rollup\_%' and c.relnamespace = 'public'::regnamespace order by 1`.execute(db);
  const out: Record<string, string[]> = {};
  for (const t of tables) {
    const { rows } = await sql<{ r: Record<string, unknown> }>`select to_jsonb(x) as r from ${sql.table(t.name)} x`.execute(db);
    out[t.name] = rows
      .filter(({ r }) => Object.entries(r).some(([k, v]) => !t.keys.includes(k) && v !== 0 && v !== '0' && v !== null))
      .map(({ r }) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]])))
      .sort();
  }
  return out;
}

for (const target of targets) {
  describe(`request import rollups on ${target.name}`, () => {
    let deferred: TestDb;
    let perStatement: TestDb;

    async function load(h: TestDb, bulk: boolean) {
      const actor = await testUser(h.db, 'leadership');
      expect(await commitImport(h.db, actor, { kind: 'partners', fileName: 'p.csv', csv: files.partnerCsv }, options)).toMatchObject({ committed: true });
      expect(await commitImport(h.db, actor, { kind: 'requests', fileName: 'first.csv', csv: first }, { ...options, bulk })).toMatchObject({ committed: true, inserted: 500 });
      const report = await commitImport(h.db, actor, { kind: 'requests', fileName: 'second.csv', csv: second }, { ...options, bulk });
      expect(report).toMatchObject({ committed: true, inserted: 200 });
      expect(report.updated).toBeGreaterThan(50);
    }

    beforeAll(async () => {
      [deferred, perStatement] = await Promise.all([target.open(), target.open()]);
      await load(deferred, true);
      await load(perStatement, false);
    }, 600_000);
    afterAll(async () => {
      await deferred?.drop();
      await perStatement?.drop();
    });

    it('both databases hold the same requests (every column) and stage history', async () => {
      // New requests are written at their final stage with their history in one statement (import
      // mode); the other database moved them stage by stage through the row guards: every column the
      // app reads must be the same (ids aside).
      const history = (db: Db) => sql<{ h: string }>`select string_agg(concat_ws(':', f.external_id, e.from_stage, e.to_stage, e.occurred_at::text,
          coalesce(e.amount_cents, -1), e.category, e.state, e.fiscal_year, e.seconds_in_from_stage, e.reason, e.kind, e.actor_id is null),
        ',' order by f.external_id, e.occurred_at, e.id) as h from funding_stage_event e join funding_request f on f.id = e.request_id`.execute(db);
      const requests = (db: Db) => sql<{ h: string }>`select string_agg(concat_ws(':', f.external_id, f.partner_id, f.state, f.title, f.category,
          f.fiscal_year, f.stage, f.requested_cents, f.approved_cents, f.disbursed_cents, f.units, f.stage_entered_at::text, f.created_at::text,
          f.updated_at::text, f.version, f.purpose, f.report_due_on), ',' order by f.external_id) as h from funding_request f`.execute(db);
      const [a, b] = await Promise.all([history(deferred.db), history(perStatement.db)]);
      expect(a.rows[0].h.length).toBeGreaterThan(10_000);
      expect(a.rows[0].h).toBe(b.rows[0].h);
      const [ra, rb] = await Promise.all([requests(deferred.db), requests(perStatement.db)]);
      expect(ra.rows[0].h.length).toBeGreaterThan(10_000);
      expect(ra.rows[0].h).toBe(rb.rows[0].h);
    });

    it('the rollups equal those of statement-by-statement writes, and a rebuild from the base rows', async () => {
      const a = await rollups(deferred.db);
      const b = await rollups(perStatement.db);
      expect(Object.keys(a).length).toBeGreaterThan(10);
      expect(a.rollup_move_month.length).toBeGreaterThan(500);
      expect(a.rollup_paid_partner_year.length).toBeGreaterThan(20);
      for (const name of Object.keys(b)) expect(a[name], name).toEqual(b[name]);
      await sql`select beacon_rebuild_time_rollups()`.execute(deferred.db);
      const rebuilt = await rollups(deferred.db);
      for (const name of Object.keys(a)) expect(rebuilt[name], name).toEqual(a[name]);
    }, 180_000); // reads every rollup table three times and rebuilds them: over a minute on PGlite at load 17

    it('the deferral ends with the import: later writes keep the rollups per statement', async () => {
      const { rows } = await sql<{ d: boolean }>`select beacon_time_rollups_deferred() as d`.execute(deferred.db);
      expect(rows[0].d).toBe(false);
      await expect(sql`select beacon_apply_deferred_time_rollups('{}')`.execute(deferred.db)).rejects.toThrow(/not deferred/);
      const before = await sql<{ n: string }>`select coalesce(sum(moves), 0)::text as n from rollup_move_month where scope = '*' and category = '*'`.execute(deferred.db);
      const { rows: [r] } = await sql<{ id: number }>`select id::int as id from funding_request where stage = 'intake' limit 1`.execute(deferred.db);
      await sql`insert into funding_stage_event (request_id, from_stage, to_stage, occurred_at) values (${r.id}, 'intake', 'vetting', now())`.execute(deferred.db);
      const after = await sql<{ n: string }>`select coalesce(sum(moves), 0)::text as n from rollup_move_month where scope = '*' and category = '*'`.execute(deferred.db);
      expect(Number(after.rows[0].n)).toBe(Number(before.rows[0].n) + 1);
    });
  });
}
