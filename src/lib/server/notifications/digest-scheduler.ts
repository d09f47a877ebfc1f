// The daily digest runs inside the server process: a pass at start and every
// BEACON_DIGEST_INTERVAL_MS. Several instances may run it at once; each person's digest for a day is
// claimed by exactly one (notification_digest, see runDigests).
import type { Db } from '../db/index.js';
import { runDigests } from './notifications.service.js';
import { componentLog } from '../log.js';

const log = componentLog('notifications');

declare global {
  // One digest scheduler per process, also across dev-mode module reloads.
  var __beaconDigestScheduler: { stop(): Promise<void> } | undefined;
}

/** Starts the process's digest scheduler once (from the server's init hook); the interval 0 turns it off. */
export function ensureDigestScheduler(db: Db, intervalMs: number, onShutdown: (task: () => Promise<void>) => void): void {
  if (globalThis.__beaconDigestScheduler || intervalMs <= 0) return;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = () => {
    if (stopped) return;
    running = running
      .then(() => runDigests(db))
      .then(({ sent }) => {
        if (sent.length) log.info({ people: sent.length }, 'daily digests sent');
      })
      .catch((err) => log.error({ err }, 'digest pass failed'));
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  const scheduler = {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    }
  };
  globalThis.__beaconDigestScheduler = scheduler;
  onShutdown(() => scheduler.stop());
  log.info({ intervalMs }, 'digest scheduler started');
}
