// EXPLAIN (ANALYZE) of one 2,000-row statement of each kind the import writes — requests (each opens
// its intake event) and stage moves (intake → vetting) — with the time each trigger took, in a
// rolled-back transaction on a fresh Postgres database migrated up to a given migration (default: latest).
// `npx tsx bench/import-explain.ts [--upto 2026-12-05-40-paid-partner-year] [--rows 2000]`
import pg from 'pg';
import { sql } from 'kysely';
import { createDb } from '../src/lib/server/db/index.js';
import { Migrator } from 'kysely/migration';
import { migrations } from '../db/migrations/index.js';

const arg = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const upTo = arg('upto') ?? Object.keys(migrations).at(-1)!;
const n = Number(arg('rows') ?? 2000);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const name = `beacon_import_explain_${process.pid}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${name}`);
const u = new URL(serverUrl);
u.pathname = `/${name}`;
const handle = await createDb({ url: u.toString() });
try {
  const db = handle.db;
  const r = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(upTo);
  if (r.error) throw r.error;
  await sql`insert into partner (external_id, name, kind, state, vetting_status, vetted_until)
    select 'BP-' || i, 'Bench partner ' || i, 'law_enforcement_agency', (select code from region order by code offset i % 50 limit 1), 'vetted', '2030-12-31'
    from generate_series(0, 499) i`.execute(db);
  await sql`analyze`.execute(db);
  await db.transaction().execute(async (tx) => {
    const run = async (label: string, stmt: string) => {
      const { rows } = await sql.raw<{ 'QUERY PLAN': unknown }>(`explain (analyze, format json) ${stmt}`).execute(tx);
      const plan = (rows[0]['QUERY PLAN'] as Array<{ 'Execution Time': number; Triggers?: Array<{ 'Trigger Name': string; Time: number; Calls: number }> }>)[0];
      console.log(`${label}: ${plan['Execution Time'].toFixed(0)} ms`);
      for (const t of (plan.Triggers ?? []).sort((a, b) => b.Time - a.Time)) console.log(`  ${t['Trigger Name'].padEnd(52)} ${t.Time.toFixed(0).padStart(6)} ms  (${t.Calls} calls)`);
    };
    await run(`insert ${n} requests (migrated to ${upTo})`, `
      insert into funding_request (external_id, partner_id, title, category, fiscal_year, requested_cents, created_at)
      select 'BR-' || i, p.id, 'Bench request ' || i, (enum_range(null::funding_category))[1 + i % 8], 2024, 1000 + i,
        timestamptz '2020-01-01 12:00' + (i % 2000) * interval '1 day'
      from generate_series(1, ${n}) i join partner p on p.external_id = 'BP-' || (i % 500)`);
    await run(`insert ${n} stage moves intake → vetting`, `
      insert into funding_stage_event (request_id, from_stage, to_stage, occurred_at)
      select f.id, 'intake', 'vetting', f.created_at + interval '3 days' from funding_request f`);
    await run(`insert ${n} stage moves vetting → approved (amount)`, `
      insert into funding_stage_event (request_id, from_stage, to_stage, amount_cents, occurred_at)
      select f.id, 'vetting', 'approved', f.requested_cents, f.created_at + interval '10 days' from funding_request f`);
    throw new Error('rollback');
  }).catch((e) => { if ((e as Error).message !== 'rollback') throw e; });
} finally {
  await handle.close();
  if (process.argv.includes('--keep')) console.log(`kept database ${name}`);
  else await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
