// Role: the bare ws server (forked by the orchestrator), the baseline the hub is compared with:
// broadcasts messages of a given size at a given rate,
// - `per-write`: one frame per message, every message sent to every client before the next;
// - `coalesced`: each frame carries every message that came due since the last one began (what the
//   hub does with row changes: those arriving while it writes to sockets go out together next).
import { WebSocketServer } from 'ws';
import { now } from './histogram.js';
import type { BareWsMode } from './protocol.js';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
await new Promise((resolve) => wss.once('listening', resolve));
type Broadcast = { type: 'broadcast'; rate: number; seconds: number; bytes: number; mode: BareWsMode };
process.on('message', async (m: Broadcast | { type: 'close' }) => {
  if (m.type === 'close') return void wss.close(() => process.exit(0));
  const total = Math.round(m.rate * m.seconds);
  const started = now();
  const dueOf = (i: number) => started + (i * 1000) / m.rate;
  // Padding that makes one message as long as a one-change row push the Socket.IO clients received.
  const pad = 'x'.repeat(Math.max(0, m.bytes - JSON.stringify({ i: 0, due: started, sent: started, pad: '' }).length));
  let frames = 0;
  for (let next = 0; next < total; ) {
    const wait = dueOf(next) - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // `due` is when a message was to go out (like a commit: it happens whether or not the
    // broadcaster keeps up); `sent` is when this broadcast actually began.
    let payload: string;
    if (m.mode === 'per-write') {
      payload = JSON.stringify({ i: next, due: dueOf(next), sent: now(), pad });
      next++;
    } else {
      // The message waited for (a timer may fire a fraction of a millisecond early), and every later one already due.
      const items = [{ i: next, due: dueOf(next), pad }];
      const t = now();
      for (next++; next < total && dueOf(next) <= t; next++) items.push({ i: next, due: dueOf(next), pad });
      payload = JSON.stringify({ sent: now(), items });
    }
    for (const client of wss.clients) client.send(payload);
    frames++;
  }
  process.send!({ type: 'done', seconds: (now() - started) / 1000, sent: total, frames });
});
process.send!({ type: 'ready', port: (wss.address() as { port: number }).port });
