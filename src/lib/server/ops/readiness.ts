// What /readyz reports: may this instance take traffic? Database reachable, every migration
// applied, the change listener listening, the snapshot scheduler running (or turned off), and not
// stopping. With the version, so a rollout can be watched.
import { execFileSync } from 'node:child_process';
import { Migrator } from 'kysely/migration';
import { migrations } from '../../../../db/migrations/index.js';
import pkg from '../../../../package.json' with { type: 'json' };
import { config } from '../config.js';
import { database } from '../runtime.js';
import { ping } from '../db/index.js';
import { liveEngine } from '../live/index.js';

export interface Readiness {
  ready: boolean;
  version: string;
  commit: string | null;
  db: 'pglite' | 'postgres' | null;
  checks: { database: boolean; migrations: boolean; listener: boolean; scheduler: boolean | 'off'; stopping: boolean };
  reasons: string[];
}

let commit: string | null | undefined;
function gitCommit(): string | null {
  if (commit !== undefined) return commit;
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 2_000 }).toString().trim() || null;
  } catch {
    commit = null;
  }
  return commit;
}

export async function readiness(): Promise<Readiness> {
  const reasons: string[] = [];
  const checks: Readiness['checks'] = { database: false, migrations: false, listener: false, scheduler: false, stopping: !!globalThis.__beaconDraining };
  let kind: Readiness['db'] = null;
  if (checks.stopping) reasons.push('stopping');
  try {
    const handle = await database();
    kind = handle.kind;
    await ping(handle.db);
    checks.database = true;
    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
    const pending = (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
    checks.migrations = pending.length === 0;
    if (pending.length) reasons.push(`migrations pending: ${pending.join(', ')}`);
  } catch (err) {
    reasons.push(`database unreachable${err instanceof Error ? `: ${err.message}` : ''}`);
  }
  const engine = await liveEngine().catch(() => null);
  checks.listener = !!engine?.listener?.connected;
  if (!checks.listener) reasons.push(engine ? 'change listener not connected' : 'live engine not running');
  if (config().snapshotSchedulerIntervalMs <= 0) checks.scheduler = 'off';
  else {
    checks.scheduler = !!globalThis.__beaconSnapshotScheduler?.running;
    if (!checks.scheduler) reasons.push('snapshot scheduler not running');
  }
  return { ready: reasons.length === 0, version: pkg.version, commit: gitCommit(), db: kind, checks, reasons };
}
