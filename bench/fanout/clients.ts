// Role: a client process (forked by the orchestrator): holds `count` Socket.IO connections as a
// signed-in page would, and `count` bare ws ones; joins rooms, timestamps every push and reports
// histograms of commit-to-client latency when asked.
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { LIVE_LIMITS } from '../../src/lib/server/live/socket-limits.js';
import { histogram, now, record } from './histogram.js';
import type { ToClients } from './protocol.js';

/** A session holds at most this many sockets (the server refuses more). */
const SOCKETS_PER_SESSION = LIVE_LIMITS.socketsPerSession;

type Conn = { socket: Socket; rowsBySeq: Map<number, number>; dashboard: Array<[number, number]> };
const conns: Conn[] = [];
const sockets: Array<{ close(): void }> = [];
let wsHist = histogram();
let wsSpreadHist = histogram();
let rowBytes = 0;
let rowMessages = 0;
/** Socket.IO messages (row and dashboard pushes) received by all connections since the last reset. */
let frames = 0;
let errors: string[] = [];
let retries = 0;
const send = (m: unknown) => process.send!(m);

process.on('message', async (m: ToClients) => {
  if (m.type === 'connect') {
    errors = [];
    const batch = 25;
    for (let i = 0; i < m.count; i += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, m.count - i) }, async (_, j) => {
          // Like a browser: a handshake that times out under a connection storm is retried (counted).
          // A session holds at most LIVE_LIMITS.socketsPerSession sockets: one cookie per that many.
          const cookie = m.cookies[Math.floor((i + j) / SOCKETS_PER_SESSION) % m.cookies.length];
          const s = io(m.url, { transports: ['websocket'], extraHeaders: { cookie, origin: m.url }, reconnectionAttempts: 5, forceNew: true });
          const conn: Conn = { socket: s, rowsBySeq: new Map(), dashboard: [] };
          s.io.on('reconnect_attempt', () => retries++);
          sockets.push(s);
          s.on('rows:changed', (p: { changes: Array<{ seq: number }> }) => {
            const t = now();
            frames++;
            // The size of a one-change push: the bare ws baseline sends one such message per write.
            if (p.changes.length === 1 && rowMessages++ % 97 === 0) rowBytes += JSON.stringify(['rows:changed', p]).length + 2;
            for (const c of p.changes) conn.rowsBySeq.set(c.seq, t);
          });
          s.on('dashboard:updated', (p: { seq: number }) => (frames++, conn.dashboard.push([p.seq, now()])));
          s.on('dashboard:patched', (p: { seq: number }) => (frames++, conn.dashboard.push([p.seq, now()])));
          s.on('disconnect', (reason: string) => reason !== 'io client disconnect' && errors.push(`disconnect: ${reason}`));
          try {
            await new Promise<void>((resolve, reject) => {
              s.once('connect', resolve);
              s.io.once('reconnect_failed', () => reject(new Error('could not connect after 5 retries')));
              s.on('connect_error', (err) => !s.active && reject(err)); // refused by the server: no retry
            });
            // From here on a disconnect is an error, not something to retry quietly.
            s.io.reconnection(false);
            conns.push(conn);
          } catch (err) {
            errors.push((err as Error).message);
          }
          if (m.wsUrl) {
            const ws = new WebSocket(m.wsUrl);
            sockets.push({ close: () => ws.close() });
            ws.on('message', (data) => {
              const t = now();
              // One message per frame, or (coalesced) every message that came due since the last frame.
              const frame = JSON.parse(String(data)) as { due: number; sent: number } | { sent: number; items: Array<{ due: number }> };
              for (const { due } of 'items' in frame ? frame.items : [frame]) record(wsHist, t - due);
              record(wsSpreadHist, t - frame.sent);
            });
            ws.on('error', (err) => errors.push(`ws: ${err.message}`));
            await new Promise((resolve) => ws.once('open', resolve));
          }
        })
      );
    }
    send({ type: 'connected', connections: conns.length, errors: errors.slice(0, 5), errorCount: errors.length, retries });
  } else if (m.type === 'rooms') {
    // The rooms a page of that kind joins (the needs board: needs:all; the overview: dashboard:overview).
    const failures: string[] = [];
    for (let i = 0; i < conns.length; i += 50) {
      await Promise.all(
        conns.slice(i, i + 50).map(async ({ socket }) => {
          for (const room of m.leave) await socket.timeout(60_000).emitWithAck('room:leave', { room });
          for (const room of m.join) {
            const r = (await socket.timeout(60_000).emitWithAck('room:join', { room })) as { ok: boolean; error?: string };
            if (!r.ok) failures.push(`join ${room}: ${r.error}`);
          }
        })
      );
    }
    errors.push(...failures);
    send({ type: 'rooms', failures: failures.length });
  } else if (m.type === 'reset') {
    for (const c of conns) {
      c.rowsBySeq.clear();
      c.dashboard = [];
    }
    wsHist = histogram();
    wsSpreadHist = histogram();
    rowBytes = 0;
    rowMessages = 0;
    frames = 0;
    errors = [];
    send({ type: 'reset' });
  } else if (m.type === 'report') {
    const rows = histogram();
    const dash = histogram();
    let rowsMissing = 0;
    let dashboardsBehind = 0;
    // Per commit, the first arrival in this process (the server's pipeline without the spread).
    const first = m.commits.map(() => Infinity);
    const dashFirst = m.commits.map(() => Infinity);
    const lastSeq = m.commits.at(-1)?.[0] ?? 0;
    for (const c of conns) {
      let d = 0;
      m.commits.forEach(([seq, committed], i) => {
        if (m.rows) {
          const got = c.rowsBySeq.get(seq);
          if (got === undefined) rowsMissing++;
          else {
            record(rows, got - committed);
            first[i] = Math.min(first[i], got);
          }
        }
        if (m.dashboard) {
          // The first dashboard push that reflects this commit.
          while (d < c.dashboard.length && c.dashboard[d][0] < seq) d++;
          if (d < c.dashboard.length) {
            record(dash, c.dashboard[d][1] - committed);
            dashFirst[i] = Math.min(dashFirst[i], c.dashboard[d][1]);
          }
        }
      });
      // A dashboard client must end up with a view at least as new as the last write.
      if (m.dashboard && lastSeq && (c.dashboard.at(-1)?.[0] ?? -1) < lastSeq) dashboardsBehind++;
    }
    const sampled = Math.max(1, Math.ceil(rowMessages / 97));
    send({
      type: 'report', rows, dash, ws: wsHist, wsSpread: wsSpreadHist, first, dashFirst, rowsMissing, dashboardsBehind,
      rowPayloadBytes: rowBytes / sampled, frames, connections: conns.length, errors: errors.slice(0, 5), errorCount: errors.length
    });
  } else if (m.type === 'close') {
    sockets.forEach((s) => s.close());
    setTimeout(() => process.exit(0), 200);
  }
});
send({ type: 'ready' });
