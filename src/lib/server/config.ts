// The only reader of process.env. Every setting has a safe default.
import path from 'node:path';

export type DbKind = 'pglite' | 'postgres';

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  origin: string | undefined;
  /** ADDRESS_HEADER (read by adapter-node): the header holding the client address behind a proxy. */
  addressHeader: string | undefined;
  /** Seed demo data and demo users. Never on by default against a real DATABASE_URL. */
  demo: boolean;
  demoPassword: string;
  /** 1 = January. A fiscal year is named after the calendar year it ends in. */
  fiscalYearStartMonth: number;
  /** How often the snapshot scheduler looks for due runs (ms); 0 turns it off. */
  snapshotSchedulerIntervalMs: number;
  /** How often a dirty dashboard room may be re-read and pushed to its viewers (ms). */
  liveTickMs: number;
  production: boolean;
}

function intSetting(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  const demoFlag = env.BEACON_DEMO;
  return {
    databaseUrl,
    dataDir: path.resolve(env.BEACON_DATA_DIR || './data'),
    port: intSetting('PORT', env.PORT, 3000, 0, 65535),
    origin: env.ORIGIN || undefined,
    addressHeader: env.ADDRESS_HEADER || undefined,
    demo: demoFlag === undefined || demoFlag === '' ? !databaseUrl : demoFlag === '1' || demoFlag === 'true',
    demoPassword: env.BEACON_DEMO_PASSWORD || 'beacon-demo',
    fiscalYearStartMonth: intSetting('BEACON_FY_START_MONTH', env.BEACON_FY_START_MONTH, 1, 1, 12),
    snapshotSchedulerIntervalMs: intSetting('BEACON_SNAPSHOT_SCHEDULER_INTERVAL_MS', env.BEACON_SNAPSHOT_SCHEDULER_INTERVAL_MS, 60_000, 0, 86_400_000),
    liveTickMs: intSetting('BEACON_LIVE_TICK_MS', env.BEACON_LIVE_TICK_MS, 50, 10, 100),
    production: env.NODE_ENV === 'production'
  };
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= readConfig();
  return cached;
}
