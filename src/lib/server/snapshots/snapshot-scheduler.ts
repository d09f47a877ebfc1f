// The scheduler runs inside the server process: on start it makes every run missed while no server
// was up, then looks again every BEACON_SNAPSHOT_SCHEDULER_INTERVAL_MS. Several instances may run it
// at once; each run is claimed by exactly one (see runDueSchedules).
import type { Db } from '../db/index.js';
import { runDueSchedules, type SnapshotOptions } from './snapshots.service.js';
import { componentLog } from '../log.js';
import { metrics } from '../metrics.js';

const log = componentLog('snapshots');

export interface SnapshotScheduler {
  /** Started and not stopped. */
  readonly running: boolean;
  /** Resolves when the current pass (if any) has finished. */
  stop(): Promise<void>;
}

export function startSnapshotScheduler(db: Db, intervalMs: number, options: SnapshotOptions): SnapshotScheduler {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = () => {
    if (stopped) return;
    running = running
      .then(() => {
        metrics().schedulerRuns.inc();
        return runDueSchedules(db, options);
      })
      .then((made) => {
        metrics().snapshotsMade.inc(made.length);
        if (made.length) log.info({ snapshotIds: made }, 'scheduled snapshots made');
      })
      .catch((err) => {
        metrics().schedulerFailures.inc();
        log.error({ err }, 'scheduler pass failed');
      });
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return {
    get running() {
      return !stopped;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    }
  };
}

declare global {
  // One scheduler per process, also across dev-mode module reloads.
  var __beaconSnapshotScheduler: SnapshotScheduler | undefined;
}

/** Starts the process's scheduler once (from the server's init hook); the interval 0 turns it off. */
export function ensureSnapshotScheduler(db: Db, intervalMs: number, options: SnapshotOptions, onShutdown: (task: () => Promise<void>) => void): void {
  if (globalThis.__beaconSnapshotScheduler || intervalMs <= 0) return;
  const scheduler = startSnapshotScheduler(db, intervalMs, options);
  globalThis.__beaconSnapshotScheduler = scheduler;
  onShutdown(() => scheduler.stop());
  log.info({ intervalMs }, 'scheduler started');
}
