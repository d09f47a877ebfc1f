// The process's one database handle: infrastructure, opened once at start-up (never per-user state).
import { sql } from 'kysely';
import { config, type Config } from './config.js';
import { createDb, type DbHandle } from './db/index.js';
import { migrateToLatest } from './db/migrate.js';
import { applyTimeZone } from './db/time-zone.js';
import { hasAnyDomainData, seedDatabase } from './seed/seed.service.js';
import { ensureDemoUsers } from './users/demo-users.js';
import { demoPasswordFor } from './users/demo-password.js';
import { logger } from './log.js';

/**
 * Stopping runs in phases (scripts/serve.js calls them in order): 'sockets' closes the live
 * connections so clients reconnect to another instance; then, once in-flight requests are done,
 * 'work' stops the scheduler, the listener and timers, and 'database' closes the database last.
 */
export type ShutdownPhase = 'sockets' | 'work' | 'database';

declare global {
  var __beaconShutdown: Array<{ phase: ShutdownPhase; task: () => Promise<void> }> | undefined;
  /** Set by this module; scripts/serve.js calls it on SIGTERM/SIGINT. */
  var __beaconStop: ((part: 'sockets' | 'rest') => Promise<void>) | undefined;
  /** Set by scripts/serve.js once stopping: /readyz answers 503 from then on. */
  var __beaconDraining: boolean | undefined;
  // The one handle, on globalThis: `vite dev` may evaluate this module again after an edit, and a
  // second open of the embedded directory in the same process is refused by its lock.
  var __beaconDatabase: Promise<DbHandle> | undefined;
}

export function onShutdown(task: () => Promise<void>, phase: ShutdownPhase = 'work'): void {
  (globalThis.__beaconShutdown ??= []).push({ phase, task });
}

async function runPhase(phase: ShutdownPhase): Promise<void> {
  const tasks = (globalThis.__beaconShutdown ?? []).filter((t) => t.phase === phase);
  const results = await Promise.allSettled(tasks.map((t) => t.task()));
  for (const r of results) if (r.status === 'rejected') logger().error({ err: r.reason, phase }, 'a shutdown task failed');
}

globalThis.__beaconStop = async (part) => {
  if (part === 'sockets') return runPhase('sockets');
  await runPhase('work');
  await runPhase('database');
};

export function database(): Promise<DbHandle> {
  globalThis.__beaconDatabase ??= openDatabase(config());
  return globalThis.__beaconDatabase;
}

async function openDatabase(cfg: Config): Promise<DbHandle> {
  const handle = await createDb(cfg.databaseUrl ? { url: cfg.databaseUrl } : { dataDir: cfg.dataDir });
  onShutdown(() => handle.close(), 'database');
  await migrateToLatest(handle.db);
  await applyTimeZone(handle.db, cfg.timeZone);
  if (cfg.demo && !(await hasAnyDomainData(handle.db))) {
    const started = Date.now();
    logger().info('empty database: seeding demo data (first start only)');
    await seedDatabase(handle.db, { profile: 'demo', seed: 1, fiscalYearStartMonth: cfg.fiscalYearStartMonth });
    logger().info({ durationMs: Date.now() - started }, 'demo data seeded');
  }
  // Demo sign-ins exist only in demo mode (config.ts: a local embedded start, or BEACON_DEMO=1).
  if (cfg.demo) {
    const password = demoPasswordFor({ configured: cfg.demoPassword, dataDir: cfg.databaseUrl ? undefined : cfg.dataDir });
    await ensureDemoUsers(handle.db, password);
  }
  if (handle.kind === 'pglite') keepStatistics(handle);
  return handle;
}

/** The embedded database's statistics renewed this often (Postgres servers have autovacuum for it). */
const ANALYZE_EVERY_MS = 6 * 60 * 60 * 1000;

/**
 * PGlite runs no autovacuum, so its planner never learns how big the tables are or how values spread:
 * without statistics, a query that should look up a few rows can scan them all (the alert evaluator's
 * per-row checks took 5–9 ms instead of 0.5). Analysed once the data is in (about 0.6 s on the demo
 * data), then every six hours.
 */
function keepStatistics(handle: DbHandle): void {
  const analyze = async () => {
    const started = Date.now();
    try {
      await sql`analyze`.execute(handle.db);
      logger().info({ durationMs: Date.now() - started }, 'embedded database statistics renewed');
    } catch (err) {
      logger().warn({ err }, 'could not renew the embedded database statistics');
    }
  };
  const first = analyze();
  const timer = setInterval(() => void analyze(), ANALYZE_EVERY_MS);
  timer.unref();
  onShutdown(async () => {
    clearInterval(timer);
    await first;
  }, 'work');
}
