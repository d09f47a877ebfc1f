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
  /**
   * Seed demo data and demo users: BEACON_DEMO=1, or by default on the embedded database at a local
   * origin only — never by default against a real DATABASE_URL or a public ORIGIN.
   */
  demo: boolean;
  /** BEACON_DEMO_PASSWORD; unset → random per data directory (src/lib/server/users/demo-password.ts). */
  demoPassword: string | undefined;
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

/** Unset, localhost, 127.0.0.0/8 or ::1: a demo nobody else can reach. Anything else counts as public. */
export function isLocalOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).hostname;
  } catch {
    return false;
  }
  // URL normalises IPv4 spellings (127.1, 0x7f.0.0.1) to dotted decimal.
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
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
    demo: demoFlag === undefined || demoFlag === '' ? !databaseUrl && isLocalOrigin(env.ORIGIN || undefined) : demoFlag === '1' || demoFlag === 'true',
    demoPassword: env.BEACON_DEMO_PASSWORD || undefined,
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
