// Keeps change_log to a bounded window. Catch-up promises at least 24 h; rows are deleted once
// they are 48 h old, and the horizon records the highest deleted seq in the same transaction.
import type { Db } from '../db/index.js';
import * as changeLog from './change-log.repository.js';
import { componentLog } from '../log.js';

export const CHANGE_LOG_RETENTION_HOURS = 48;

export async function pruneChangeLog(db: Db, retentionHours = CHANGE_LOG_RETENTION_HOURS): Promise<{ deleted: number; prunedThrough: number }> {
  return db.transaction().execute(async (tx) => {
    const through = await changeLog.lastSeqOlderThan(tx, retentionHours);
    if (through === null) return { deleted: 0, prunedThrough: await changeLog.prunedThrough(tx) };
    await changeLog.raiseHorizon(tx, through);
    const deleted = await changeLog.deleteChangesThrough(tx, through);
    return { deleted, prunedThrough: through };
  });
}

/** Prunes now and then every `everyMs`; returns a stop function. Several instances may all run it. */
export function schedulePruning(db: Db, everyMs = 60 * 60 * 1000, log = componentLog('live')): () => void {
  const run = () =>
    pruneChangeLog(db).then(
      (r) => r.deleted && log.info({ deleted: r.deleted, seq: r.prunedThrough }, 'pruned change_log'),
      (err) => log.error({ err }, 'change_log pruning failed')
    );
  const first = setTimeout(run, 5_000);
  const timer = setInterval(run, everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
