// Import of 100,000 funding requests with their stage history (npm run bench -- --only import): the
// CSV is generated (fixed seed), imported through the same service as /import and `npm run import`
// (every row judged, then one transaction of batched multi-row statements, one audit entry), then
// imported again (nothing changes). Each run uses a fresh database: an in-memory PGlite, or a Postgres
// database created for the run and dropped after it (beacon_import_bench_*, never beacon_bench_*).
import os from 'node:os';
import pg from 'pg';
import { sql } from 'kysely';
import { createDb, type DbHandle } from '../src/lib/server/db/index.js';
import { migrateToLatest } from '../src/lib/server/db/migrate.js';
import { createUser } from '../src/lib/server/users/users.service.js';
import { createSession, validateSessionToken } from '../src/lib/server/auth/session.js';
import { commitImport } from '../src/lib/server/imports/imports.service.js';
import { overviewDataset } from '../src/lib/server/dashboards/datasets.js';
import { regions } from '../src/lib/regions.js';
import { machine, procCpuMs, type Engine } from './overview.js';

export interface ImportBenchResult {
  engine: Engine;
  requests: number;
  events: number;
  checkSeconds: number;
  firstSeconds: number;
  againSeconds: number;
  overviewMedianMs: number;
  triggers: Array<{ table: string; name: string; level: 'row' | 'statement' }>;
  /** Seconds from the start when each step began (checking ends at the first). */
  steps: Array<{ step: string; at: number }>;
  loadBefore: string;
  /** CPU seconds of the first import: the database's Postgres backends (postgres) and this Node process (PGlite runs in it). */
  cpu: { postgres: number | null; node: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = ['Forensic hardware', 'Extraction software', 'Detection K9', 'Training scholarship', 'Lab equipment', 'Lab facility',
  'Aftercare equipment', 'Aftercare facility', 'Survivor basic needs', 'Outreach program'];
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Partners (vetted, in every state) and requests over 2020–2025 with stage histories, as spreadsheets would hold them. */
export function benchFiles(requests: number, partners = 500) {
  const r = rng(20261205);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const partnerCsv = ['External id,Name,Kind,State,Vetting,Vetted until',
    ...Array.from({ length: partners }, (_, i) => `BP-${i},Bench partner ${i},Law enforcement agency,${regions[i % regions.length].code},vetted,2030-12-31`)].join('\n');
  const lines = ['External id,Partner,Category,Amount requested,Created date,Vetting date,Approved date,Approved amount,Disbursed date,Disbursed amount,Reported date,Declined date,Withdrawn date'];
  let events = 0;
  for (let i = 0; i < requests; i++) {
    const created = addDays('2020-01-01', int(0, 2000));
    const requested = int(1_000, 250_000);
    const fate = int(0, 9);
    let vetting = '', approvedOn = '', approved = '', disbursedOn = '', disbursed = '', reported = '', declined = '', withdrawn = '';
    if (fate >= 2) vetting = addDays(created, int(0, 30));
    if (fate >= 4) {
      approvedOn = addDays(vetting, int(0, 60));
      approved = String(Math.round(requested * (0.5 + r() / 2)));
    }
    if (fate >= 6) {
      disbursedOn = addDays(approvedOn, int(0, 120));
      if (r() < 0.5) disbursed = String(int(1, Number(approved)));
    }
    if (fate >= 8) reported = addDays(disbursedOn, int(30, 200));
    if (fate === 1) declined = addDays(created, int(1, 40));
    if (fate === 3) withdrawn = addDays(vetting, int(1, 40));
    events += 1 + (vetting ? 1 : 0) + (approvedOn ? 1 : 0) + (disbursedOn ? 1 : 0) + (reported ? 1 : 0) + (declined || withdrawn ? 1 : 0);
    lines.push(`BR-${i},BP-${int(0, partners - 1)},${CATEGORIES[i % CATEGORIES.length]},${requested},${created},${vetting},${approvedOn},${approved},${disbursedOn},${disbursed},${reported},${declined},${withdrawn}`);
  }
  return { partnerCsv, requestCsv: lines.join('\n') + '\n', events };
}

async function open(engine: Engine, serverUrl: string): Promise<{ handle: DbHandle; drop(): Promise<void> }> {
  if (engine === 'pglite') {
    const handle = await createDb({ memory: true });
    await migrateToLatest(handle.db);
    return { handle, drop: () => handle.close() };
  }
  const name = `beacon_import_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const handle = await createDb({ url: u.toString() });
  await migrateToLatest(handle.db);
  return { handle, drop: async () => { await handle.close(); await admin.query(`drop database if exists ${name} with (force)`); await admin.end(); } };
}

export async function benchImport(engine: Engine, serverUrl: string, requests: number, log: (s: string) => void): Promise<ImportBenchResult> {
  const { handle, drop } = await open(engine, serverUrl);
  try {
    const db = handle.db;
    await createUser(db, { email: 'bench.director@bench.example', displayName: 'Bench Director', role: 'leadership', password: 'unused-in-bench' }, { actorId: null, skipPasswordPolicy: true });
    const { id: userId } = await db.selectFrom('app_user').select('id').where('email', '=', 'bench.director@bench.example').executeTakeFirstOrThrow();
    const actor = (await validateSessionToken(db, (await createSession(db, userId)).token))!.user;
    const files = benchFiles(requests);
    const options = { fiscalYearStartMonth: 1 };
    const partners = await commitImport(db, actor, { kind: 'partners', fileName: 'bench-partners.csv', csv: files.partnerCsv }, options);
    if (!partners.committed) throw new Error(`bench partners refused: ${JSON.stringify(partners.errors.slice(0, 3))}`);

    let lastTenth = -1;
    let lastStep = '';
    const steps: Array<{ step: string; at: number }> = [];
    const loadBefore = os.loadavg().map((x) => x.toFixed(1)).join(' / ');
    let checked = 0;
    const backends = async () => engine === 'postgres'
      ? (await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db)).rows.map((r) => Number(r.pid))
      : [];
    const pgBefore = new Map((await backends()).map((pid) => [pid, procCpuMs([pid])]));
    const nodeBefore = process.cpuUsage();
    const started = performance.now();
    const report = await commitImport(db, actor, { kind: 'requests', fileName: 'bench-requests.csv', csv: files.requestCsv }, {
      ...options,
      progress: ({ done, total, step }) => {
        if (!checked) checked = performance.now();
        const tenth = Math.floor((done / total) * 10);
        if (step !== lastStep) steps.push({ step, at: (performance.now() - started) / 1000 });
        if (tenth > lastTenth || step !== lastStep) {
          lastTenth = tenth;
          lastStep = step;
          log(`import ${engine}: ${((performance.now() - started) / 1000).toFixed(1)} s ${tenth * 10}% ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows written (${step})`);
        }
      }
    });
    const firstSeconds = (performance.now() - started) / 1000;
    const nodeUsage = process.cpuUsage(nodeBefore);
    const pgCpu = engine === 'postgres'
      ? (await backends()).reduce((sum, pid) => sum + ((procCpuMs([pid]) ?? NaN) - (pgBefore.get(pid) ?? 0)), 0) / 1000
      : null;
    if (!report.committed) throw new Error(`bench import refused: ${JSON.stringify(report.fileErrors)} ${JSON.stringify(report.errors.slice(0, 3))}`);
    const { rows: [count] } = await sql<{ requests: number; events: number }>`select (select count(*) from funding_request)::int as requests,
      (select count(*) from funding_stage_event)::int as events`.execute(db);
    if (count.requests !== requests || count.events !== files.events) throw new Error(`bench import wrote ${count.requests} requests / ${count.events} events, expected ${requests} / ${files.events}`);

    const againStarted = performance.now();
    const again = await commitImport(db, actor, { kind: 'requests', fileName: 'bench-requests.csv', csv: files.requestCsv }, options);
    const againSeconds = (performance.now() - againStarted) / 1000;
    if (again.unchanged !== requests) throw new Error(`re-import changed rows: ${JSON.stringify({ inserted: again.inserted, updated: again.updated })}`);

    if (engine === 'postgres') await sql`vacuum analyze`.execute(db);
    const ms: number[] = [];
    for (let i = 0; i < 23; i++) {
      const t = performance.now();
      await overviewDataset(db, { fiscalYear: 2024 }, { fiscalYearStartMonth: 1, timeZone: 'America/New_York' });
      if (i >= 3) ms.push(performance.now() - t);
    }
    const { rows: triggers } = await sql<{ table: string; name: string; level: 'row' | 'statement' }>`
      select c.relname as "table", t.tgname as name, case when t.tgtype & 1 = 1 then 'row' else 'statement' end as level
      from pg_trigger t join pg_class c on c.oid = t.tgrelid
      where not t.tgisinternal and c.relname in ('funding_request', 'funding_stage_event') and t.tgtype & 4 = 4
      order by 1, 3, 2`.execute(db);
    return {
      engine, requests, events: files.events, checkSeconds: (checked - started) / 1000, firstSeconds, againSeconds,
      overviewMedianMs: median(ms), triggers, steps, loadBefore,
      cpu: { postgres: pgCpu === null || Number.isNaN(pgCpu) ? null : pgCpu, node: (nodeUsage.user + nodeUsage.system) / 1e6 }
    };
  } finally {
    await drop();
  }
}

export function importSection(results: ImportBenchResult[]): string {
  const cpuOf = (r: ImportBenchResult) => (r.cpu.postgres ?? 0) + r.cpu.node;
  const row = (r: ImportBenchResult) => {
    const rows = r.requests + r.events;
    const cpu = r.engine === 'postgres' && r.cpu.postgres !== null ? `${r.cpu.postgres.toFixed(1)} + ${r.cpu.node.toFixed(1)}` : `${r.cpu.node.toFixed(1)} (in Node)`;
    return `| ${r.engine} | ${r.requests.toLocaleString('en-US')} + ${r.events.toLocaleString('en-US')} events | ${r.firstSeconds.toFixed(1)} s (checking ${r.checkSeconds.toFixed(1)} s) | **${Math.round(rows / r.firstSeconds).toLocaleString('en-US')}** | ${Math.round(r.requests / r.firstSeconds).toLocaleString('en-US')} | ${cpu} | ${Math.round(rows / cpuOf(r)).toLocaleString('en-US')} | ${r.loadBefore} | ${r.againSeconds.toFixed(1)} s | ${r.overviewMedianMs.toFixed(1)} |`;
  };
  const pgRun = results.find((r) => r.engine === 'postgres');
  const t = results[0]?.triggers ?? [];
  const list = (table: string, level: string) => t.filter((x) => x.table === table && x.level === level).map((x) => `\`${x.name}\``).join(', ') || '—';
  return `## Import: funding requests with their stage history

${new Date().toISOString().slice(0, 10)} · ${machine()} · ${os.cpus().length} cores shared with other engineers' work

| engine | rows | first import (of which reading, checking and the first statement) | rows/s incl. stage events | requests/s | CPU s (Postgres backends + Node) | rows per CPU second | load average before (1 / 5 / 15 min) | same file again (nothing changes) | overview FY2024 median ms afterwards |
|---|---|---|---|---|---|---|---|---|---|
${results.map(row).join('\n')}

The file is generated (bench/import.ts, fixed seed): ${results[0]?.requests.toLocaleString('en-US') ?? '—'} requests over 2020–2025 for 500 vetted
partners, with vetting, approval (amount), payment (half without an amount: it pays the approved amount),
report, decline or withdrawal dates. It goes through \`commitImport\` (the service behind /import and
\`npm run import\`): every row judged, then ONE transaction — each new request written at the stage its
history reaches together with that history (its "intake" event and every move), 25,000 requests per
statement (\`json_to_recordset\`, one data-modifying CTE), in import mode: instead of the row-level guards,
statement-level checks judge each statement's requests and events set-based by the same rules (migration
2026-12-07-40; refused whoever sets the mode: tests/integration/invariants.test.ts) — then the month rollups
once over everything written, grouped with GROUPING SETS. Requests stored earlier that a file extends still
move through the row guards, in rounds. A fresh database per run (in-memory PGlite; Postgres
\`beacon_import_bench_*\`, dropped after). "overview … afterwards" is \`dashboard.overview\` for FY2024 on the
imported database (median of 20 after 3 warm-ups), not the large-profile database. The CPU columns are read
from /proc (Postgres backends of the bench database, and this Node process, which runs PGlite itself): unlike
the elapsed time they hardly grow with the other work on the shared machine.

Seconds from the start at which each step began: ${results.map((r) => `${r.engine}: ${r.steps.map((x) => `${x.step} ${x.at.toFixed(1)}`).join(' → ')} → committed ${r.firstSeconds.toFixed(1)}`).join('; ')}.

Triggers on insert (from \`pg_trigger\`): **per row** — funding_request: ${list('funding_request', 'row')};
funding_stage_event: ${list('funding_stage_event', 'row')} (in import mode the guards among them step aside:
their WHEN is \`not beacon_importing()\`). **Per statement** (transition tables: one run per statement, not
per row) — funding_request: ${list('funding_request', 'statement')};
funding_stage_event: ${list('funding_stage_event', 'statement')}. change_log and the rollups run once per
statement, except the month-bucketed rollups (request_month, move_month, stage_throughput, throughput_scope,
stage_days_month, paid_month, paid_units_month): an import defers them and adds everything it wrote once at
its end (equal to the statement-by-statement result and to a rebuild: tests/integration/import-rollups.test.ts).

Target: ≥ 5,000 rows/s on Postgres → ${pgRun ? `**${Math.round((pgRun.requests + pgRun.events) / pgRun.firstSeconds).toLocaleString('en-US')} rows/s** elapsed, counting every row written (requests and their stage events), at load average ${pgRun.loadBefore} → ${(pgRun.requests + pgRun.events) / pgRun.firstSeconds >= 5000 ? 'met' : 'MISSED'}; ${Math.round((pgRun.requests + pgRun.events) / cpuOf(pgRun)).toLocaleString('en-US')} rows per CPU second (Postgres + Node)` : 'not run'}.`;
}
