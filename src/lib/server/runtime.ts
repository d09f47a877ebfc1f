// The process's one database handle: infrastructure, opened once at start-up (never per-user state).
import { config, type Config } from './config.js';
import { createDb, type DbHandle } from './db/index.js';
import { migrateToLatest } from './db/migrate.js';
import { hasAnyDomainData, seedDatabase } from './seed/seed.service.js';
import { ensureDemoUsers } from './users/demo-users.js';
import { demoPasswordFor } from './users/demo-password.js';

declare global {
  // Clean-up tasks run by scripts/serve.js on SIGTERM/SIGINT, after the HTTP server has closed.
  var __beaconShutdown: Array<() => Promise<void>> | undefined;
  // The one handle, on globalThis: `vite dev` may evaluate this module again after an edit, and a
  // second open of the embedded directory in the same process is refused by its lock.
  var __beaconDatabase: Promise<DbHandle> | undefined;
}

export function onShutdown(task: () => Promise<void>): void {
  (globalThis.__beaconShutdown ??= []).push(task);
}

export function database(): Promise<DbHandle> {
  globalThis.__beaconDatabase ??= openDatabase(config());
  return globalThis.__beaconDatabase;
}

async function openDatabase(cfg: Config): Promise<DbHandle> {
  const handle = await createDb(cfg.databaseUrl ? { url: cfg.databaseUrl } : { dataDir: cfg.dataDir });
  onShutdown(() => handle.close());
  await migrateToLatest(handle.db);
  if (cfg.demo && !(await hasAnyDomainData(handle.db))) {
    const started = Date.now();
    console.info('[beacon] empty database: seeding demo data (first start only)…');
    await seedDatabase(handle.db, { profile: 'demo', seed: 1, fiscalYearStartMonth: cfg.fiscalYearStartMonth });
    console.info(`[beacon] demo data seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  // Demo sign-ins exist only in demo mode (config.ts: a local embedded start, or BEACON_DEMO=1).
  if (cfg.demo) {
    const password = demoPasswordFor({ configured: cfg.demoPassword, dataDir: cfg.databaseUrl ? undefined : cfg.dataDir });
    await ensureDemoUsers(handle.db, password);
  }
  return handle;
}
