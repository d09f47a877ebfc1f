// Gauges read when /metrics is scraped (cheap reads: counts in memory, one indexed max(seq)).
import { database } from '../runtime.js';
import { liveEngine } from '../live/index.js';
import { latestChangeSeq } from '../live/change-log.repository.js';
import { metrics } from '../metrics.js';

export async function refreshGauges(): Promise<void> {
  const m = metrics();
  const handle = await database();
  if (handle.pool) {
    m.poolTotal.set(handle.pool.totalCount);
    m.poolIdle.set(handle.pool.idleCount);
    m.poolWaiting.set(handle.pool.waitingCount);
  } else {
    // Embedded PGlite has one in-process connection and exposes no queue: no pool figures at all
    // rather than zeros that look measured.
    for (const g of [m.poolTotal, m.poolIdle, m.poolWaiting]) m.registry.removeSingleMetric((g as unknown as { name: string }).name);
  }
  const engine = await liveEngine().catch(() => null);
  const seq = await latestChangeSeq(handle.db).catch(() => null);
  if (seq !== null) m.changeLogSeq.set(seq);
  if (!engine) return;
  const nsp = engine.io.of('/');
  m.sockets.set(nsp.sockets.size);
  let rooms = 0;
  for (const [room, members] of nsp.adapter.rooms) {
    // Every socket has a room named after its id, and one per user and session: not data rooms.
    if (members.size && !nsp.sockets.has(room) && !room.startsWith('user:') && !room.startsWith('session:')) rooms++;
  }
  m.rooms.set(rooms);
  const listener = engine.listener;
  m.listenerConnected.set(listener?.connected ? 1 : 0);
  if (listener) {
    m.deliveredSeq.set(listener.lastSeq);
    if (seq !== null) m.listenLag.set(Math.max(0, seq - listener.lastSeq));
  }
}
