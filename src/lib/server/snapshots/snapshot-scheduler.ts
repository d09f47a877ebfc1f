// The scheduler runs inside the server process: on start it makes every run missed while no server
// was up, then looks again every BEACON_SNAPSHOT_SCHEDULER_INTERVAL_MS. Several instances may run it
// at once; each run is claimed by exactly one (see runDueSchedules).
import type { Db } from '../db/index.js';
import { runDueSchedules, type SnapshotOptions } from './snapshots.service.js';
import { logError } from '../error-log.js';

export interface SnapshotScheduler {
  /** Resolves when the current pass (if any) has finished. */
  stop(): Promise<void>;
}

export function startSnapshotScheduler(db: Db, intervalMs: number, options: SnapshotOptions): SnapshotScheduler {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = () => {
    if (stopped) return;
    running = running
      .then(() => runDueSchedules(db, options))
      .then((made) => {
        if (made.length) console.info(`[snapshots] scheduled snapshots made: ${made.join(', ')}`);
      })
      .catch((err) => logError('snapshots scheduler pass', err));
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return {
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
  console.info(`[snapshots] scheduler started (every ${intervalMs} ms)`);
}
