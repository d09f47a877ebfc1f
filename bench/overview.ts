// Benchmark (not a test): the full dashboard.overview read vs. the same figures by a naive GROUP BY
// over base tables, at the demo and large profiles, on PGlite and on Postgres.
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import { createDb, type DbHandle } from '../src/lib/server/db/index.js';
import { migrateToLatest } from '../src/lib/server/db/migrate.js';
import { seedDatabase } from '../src/lib/server/seed/seed.service.js';
import { overviewDataset as dashboardOverview } from '../src/lib/server/dashboards/overview.dataset.js';
import { naiveOverview } from './naive-overview.js';

export type Profile = 'demo' | 'large';
export type Engine = 'pglite' | 'postgres';

export interface OverviewResult {
  engine: Engine;
  profile: Profile;
  seedSeconds: number;
  runs: number;
  overviewMedianMs: number;
  overviewP90Ms: number;
  naiveMedianMs: number;
  naiveP90Ms: number;
  speedup: number;
  /** 1-minute load average just before and just after the overview reads (other work on the machine). */
  loadBefore: number;
  loadAfter: number;
  /**
   * CPU per overview read (warm-ups included), measured from /proc: the database's Postgres backends
   * and this Node process. Unlike the latency it does not grow with the other work on the machine.
   */
  cpuPerRead?: { postgresMs: number; nodeMs: number };
}

/** CPU (user + system) of processes from /proc, in ms; undefined where /proc is not there. */
export function procCpuMs(pids: number[]): number | undefined {
  try {
    const tick = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);
    return pids.reduce((sum, pid) => {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) * tick;
    }, 0);
  } catch {
    return undefined;
  }
}

const FY_START = 1;
const cacheDir = path.resolve(import.meta.dirname, 'out');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn(); // warm caches and plans
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b);
}

export async function openSeeded(engine: Engine, profile: Profile, serverUrl: string | undefined, log: (s: string) => void) {
  let handle: DbHandle;
  let drop = async () => {};
  const started = performance.now();
  if (engine === 'postgres') {
    if (!serverUrl) throw new Error('set BENCH_DATABASE_URL or TEST_DATABASE_URL to benchmark Postgres');
    const name = `beacon_bench_${profile}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    // BENCH_KEEP_DB=1 keeps the seeded database and reuses it next time (seeding large takes minutes);
    // it is migrated to the latest schema before it is measured.
    const keep = process.env.BENCH_KEEP_DB === '1';
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    if (keep && exists) {
      await admin.end();
      handle = await createDb({ url: url.toString() });
      await migrateToLatest(handle.db);
      const seeded = await sql<{ n: number }>`select count(*)::int as n from funding_request`.execute(handle.db).catch(() => ({ rows: [{ n: 0 }] }));
      if (seeded.rows[0].n > 0) {
        log(`  postgres ${profile}: reusing seeded database ${name} (BENCH_KEEP_DB=1)`);
        await sql`vacuum analyze`.execute(handle.db);
        return { handle, drop, seedSeconds: NaN };
      }
      await handle.close();
      const again = new pg.Client({ connectionString: serverUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.query(`create database ${name}`);
      await again.end();
    } else {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`create database ${name}`);
      await admin.end();
    }
    handle = await createDb({ url: url.toString() });
    if (!keep) drop = async () => {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  } else {
    // Seeding the large profile into PGlite is slow, so the seeded directory is kept between runs.
    const dir = path.join(cacheDir, `pglite-${profile}`);
    const seeded = fs.existsSync(path.join(dir, '.seeded'));
    if (!seeded) fs.rmSync(dir, { recursive: true, force: true });
    handle = await createDb({ dataDir: dir });
    if (seeded) {
      log(`  pglite ${profile}: reusing seeded data in ${path.relative(process.cwd(), dir)}`);
      return { handle, drop, seedSeconds: NaN };
    }
  }
  await migrateToLatest(handle.db);
  let lastPct = -1;
  await seedDatabase(handle.db, {
    profile,
    seed: 1,
    fiscalYearStartMonth: FY_START,
    onProgress: (done, total) => {
      const pct = Math.floor((done / total) * 10) * 10;
      if (pct !== lastPct) log(`  ${engine} ${profile}: seeding ${pct}%`);
      lastPct = pct;
    }
  });
  const seedSeconds = (performance.now() - started) / 1000;
  if (engine === 'pglite') fs.writeFileSync(path.join(cacheDir, `pglite-${profile}`, '.seeded'), new Date().toISOString());
  // Seeding rewrites the rollup rows many times over; measure the settled state autovacuum reaches.
  await sql`vacuum analyze`.execute(handle.db);
  return { handle, drop, seedSeconds };
}

export async function benchOverview(engine: Engine, profile: Profile, serverUrl: string | undefined, log: (s: string) => void): Promise<OverviewResult> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const { handle, drop, seedSeconds } = await openSeeded(engine, profile, serverUrl, log);
  try {
    const runs = profile === 'large' ? 30 : 50;
    const filters = {};
    const read = () => dashboardOverview(handle.db, filters, { fiscalYearStartMonth: FY_START });
    await read(); // opens the connections whose CPU is counted below
    const backends = engine === 'postgres'
      ? (await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(handle.db)).rows.map((r) => Number(r.pid))
      : [];
    const pgBefore = procCpuMs(backends);
    const nodeBefore = process.cpuUsage();
    const loadBefore = os.loadavg()[0];
    const overview = await time(runs, read);
    const loadAfter = os.loadavg()[0];
    const nodeCpu = process.cpuUsage(nodeBefore);
    const pgAfter = procCpuMs(backends);
    const reads = runs + 3;
    const cpuPerRead = engine === 'postgres' && pgBefore !== undefined && pgAfter !== undefined
      ? { postgresMs: (pgAfter - pgBefore) / reads, nodeMs: (nodeCpu.user + nodeCpu.system) / 1000 / reads }
      : undefined;
    const naive = await time(profile === 'large' ? 10 : runs, () => naiveOverview(handle.db, filters, FY_START));
    const result: OverviewResult = {
      engine,
      profile,
      seedSeconds,
      runs,
      overviewMedianMs: percentile(overview, 0.5),
      overviewP90Ms: percentile(overview, 0.9),
      naiveMedianMs: percentile(naive, 0.5),
      naiveP90Ms: percentile(naive, 0.9),
      speedup: percentile(naive, 0.5) / percentile(overview, 0.5),
      loadBefore,
      loadAfter,
      cpuPerRead
    };
    log(`  ${engine} ${profile}: overview median ${result.overviewMedianMs.toFixed(2)} ms, naive ${result.naiveMedianMs.toFixed(1)} ms (${result.speedup.toFixed(1)}×)`);
    return result;
  } finally {
    await handle.close();
    await drop();
  }
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os.loadavg()[0].toFixed(1);
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${load} when written`;
}
