// What one signed-in user may cost the server, against a real server with real sockets and real
// HTTP: dashboard rooms per socket (≤ 8), sockets per session, join and intent rate limits, repeated
// intents not relayed, refused payloads answered as the contract says, Engine.IO connections that never sign in closed within 5 s, board sessions
// refused at the handshake, and tRPC batches of more than 10 calls refused before any call runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import WebSocket from 'ws';
import {
  connect, connected, join, record, refusal, seededDataDir, signIn, startLiveServer, until, type LiveServer, type LiveSocket
} from '../helpers/live.js';
import { dashboardRoom } from '../../src/lib/realtime/events.js';

let server: LiveServer;
const sockets: LiveSocket[] = [];
const cookies: Record<string, string> = {};
const open = async (who: string) => {
  const s = connect(server.url, { cookie: cookies[who] });
  sockets.push(s);
  await connected(s);
  return s;
};

beforeAll(async () => {
  server = await startLiveServer({ dataDir: await seededDataDir() });
  for (const who of ['director', 'coordinator.mountain', 'board']) cookies[who] = await signIn(server.url, `${who}@beacon.demo`);
}, 180_000);

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

/** A join that waits for the socket's join budget (this test is about the room cap, not the rate). */
async function joinWithinBudget(s: LiveSocket, room: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const result = await join(s, room);
    if (result.ok || result.error !== 'rate_limited' || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('rooms per socket', () => {
  it('lets a socket follow 8 dashboard rooms at once, refuses a 9th, and admits it once one is left', async () => {
    const s = await open('director');
    const rooms = ['overview', 'funding', 'aftercare', 'outreach'].flatMap((t) => [dashboardRoom(t as 'overview'), dashboardRoom(t as 'overview', { division: 'mountain' })]);
    for (const room of rooms) expect(await joinWithinBudget(s, room), room).toMatchObject({ ok: true });
    const ninth = dashboardRoom('overview', { division: 'pacific' });
    expect(await joinWithinBudget(s, ninth)).toMatchObject({ ok: false, error: 'too_many_rooms' });
    // Joining a room it is already in is no new room; rows rooms are not dashboards.
    expect(await joinWithinBudget(s, rooms[0])).toMatchObject({ ok: true });
    expect(await joinWithinBudget(s, 'needs:division:mountain')).toMatchObject({ ok: true });
    expect(await s.timeout(5_000).emitWithAck('room:leave', { room: rooms[7] })).toEqual({ ok: true });
    expect(await joinWithinBudget(s, ninth)).toMatchObject({ ok: true });
    s.close();
  });

  it('rate-limits joins per socket', async () => {
    const s = await open('coordinator.mountain');
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 40 }, () => join(s, 'needs:division:mountain')));
    const seconds = (Date.now() - started) / 1000;
    const limited = results.filter((r) => !r.ok && r.error === 'rate_limited').length;
    expect(limited).toBeGreaterThan(0);
    // The issue asks for a bucket: some at once, then a steady trickle — never all 40 in a burst.
    expect(40 - limited).toBeLessThan(40);
    expect(40 - limited).toBeLessThanOrEqual(10 + Math.ceil(seconds * 2) + 1);
    s.close();
  });
});

describe('intents', () => {
  const ROOM = 'needs:division:mountain';

  it('relays a repeated intent once, and rate-limits a flood of different ones', async () => {
    const sender = await open('coordinator.mountain');
    const watcher = await open('director');
    expect((await join(sender, ROOM)).ok).toBe(true);
    expect((await join(watcher, ROOM)).ok).toBe(true);
    const seen = record(watcher, 'intent:changed');

    for (let i = 0; i < 50; i++) sender.emit('intent:editing', { room: ROOM, entity: 'need', id: 7, field: 'priority' });
    // Leaving clears the intent (target null) after every relay before it: the end marker.
    await sender.timeout(5_000).emitWithAck('room:leave', { room: ROOM });
    await until(() => seen.some((p) => p.target === null), 10_000, 'the cleared intent');
    expect(seen.filter((p) => p.target !== null)).toHaveLength(1);
    expect(seen[0].target).toEqual({ entity: 'need', id: 7, field: 'priority' });

    seen.length = 0;
    expect((await join(sender, ROOM)).ok).toBe(true);
    const started = Date.now();
    for (let i = 1; i <= 200; i++) sender.emit('intent:editing', { room: ROOM, entity: 'need', id: i, field: 'quantity' });
    await sender.timeout(5_000).emitWithAck('room:leave', { room: ROOM });
    await until(() => seen.some((p) => p.target === null), 10_000, 'the cleared intent');
    const relayed = seen.filter((p) => p.target !== null).length;
    const seconds = (Date.now() - started) / 1000;
    expect(relayed).toBeGreaterThan(0);
    expect(relayed).toBeLessThan(200);
    expect(relayed).toBeLessThanOrEqual(20 + Math.ceil(seconds * 5) + 1);
    sender.close();
    watcher.close();
  });
});

describe('refused payloads', () => {
  const ROOM = 'needs:division:mountain';
  // Sent as an untyped client would: the contract's types do not stop a hostile one.
  const raw = (s: LiveSocket) => s as unknown as import('socket.io-client').Socket;

  it('answers a join or leave that names no room as a bad room, ignores a malformed since, and drops malformed intents', async () => {
    const s = await open('coordinator.mountain');
    const watcher = await open('director');
    expect(await raw(s).timeout(5_000).emitWithAck('room:join', { room: 42 })).toEqual({ ok: false, room: '', error: 'bad_room' });
    expect(await raw(s).timeout(5_000).emitWithAck('room:join', null)).toEqual({ ok: false, room: '', error: 'bad_room' });
    expect(await raw(s).timeout(5_000).emitWithAck('room:join', { room: 'nonsense' })).toEqual({ ok: false, room: 'nonsense', error: 'bad_room' });
    expect(await raw(s).timeout(5_000).emitWithAck('room:leave', { room: ['x'] })).toEqual({ ok: false });
    // A since that is not a safe whole number is no since: the join catches up from nothing.
    const joined = await raw(s).timeout(5_000).emitWithAck('room:join', { room: ROOM, since: 'yesterday' });
    expect(joined).toMatchObject({ ok: true, room: ROOM, catchUp: { kind: 'none' } });
    expect((await join(watcher, ROOM)).ok).toBe(true);
    const seen = record(watcher, 'intent:changed');
    for (const bad of [{ entity: 'need', id: -1, field: 'title' }, { entity: 'need', id: 1.5, field: 'title' }, { entity: 'need; drop', id: 1, field: 'title' }, { entity: 'need', id: 1 }]) {
      raw(s).emit('intent:editing', { room: ROOM, ...bad });
    }
    s.emit('intent:editing', { room: ROOM, entity: 'need', id: 3, field: 'title' });
    await until(() => seen.length > 0, 10_000, 'the well-formed intent');
    expect(seen).toEqual([expect.objectContaining({ room: ROOM, target: { entity: 'need', id: 3, field: 'title' } })]);
    s.close();
    watcher.close();
  });
});

describe('connections', () => {
  it('holds at most 20 sockets per session and says why it refuses the 21st', async () => {
    const cookie = await signIn(server.url, 'coordinator.mountain@beacon.demo');
    const mine = Array.from({ length: 20 }, () => connect(server.url, { cookie }));
    sockets.push(...mine);
    const outcomes = await Promise.all(mine.map((s) => connected(s).then(() => 'ok', (e: Error) => e.message)));
    expect(outcomes).toEqual(Array(20).fill('ok'));
    const extra = connect(server.url, { cookie });
    const refused = new Promise<{ message: string; data?: { message?: string } }>((resolve) => extra.once('connect_error', resolve));
    const err = await refused;
    extra.close();
    expect(err.message).toBe('too_many_sockets');
    expect(err.data?.message).toMatch(/20 live connections/);
    // Another session of the same person is not affected.
    const other = await open('coordinator.mountain');
    expect(other.connected).toBe(true);
    // A closed tab frees its place.
    mine[0].close();
    await until(async () => {
      const s = connect(server.url, { cookie });
      const outcome = await refusal(s);
      return outcome === 'connected';
    }, 10_000, 'a free place after a socket closed');
    mine.forEach((s) => s.close());
  });

  it('closes an Engine.IO connection that never completes the handshake within 5 s', async () => {
    const url = `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, { headers: { origin: server.url } });
    const opened = new Promise<number>((resolve, reject) => {
      ws.once('message', () => resolve(Date.now())); // the Engine.IO "open" packet
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', () => resolve(Date.now())));
    const at = await opened;
    // Engine.IO pings every 4 s; answering keeps the transport alive, so only the missing sign-in ends it.
    ws.on('message', (data) => data.toString() === '2' && ws.send('3'));
    const end = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 8_000))]);
    ws.terminate();
    expect(end, 'the connection was still open after 8 s').not.toBeNull();
    expect(end! - at).toBeLessThanOrEqual(6_000);
  });

  it('refuses a board session at the handshake', async () => {
    const s = connect(server.url, { cookie: cookies.board });
    const err = await new Promise<{ message: string; data?: { message?: string } }>((resolve) => s.once('connect_error', resolve));
    s.close();
    expect(err.message).toBe('no_live_access');
    expect(err.data?.message).toMatch(/snapshots/);
  });
});

describe('tRPC batches', () => {
  const outreach = (n: number) => ({ occurredOn: '2026-11-20', state: 'UT', format: 'webinar', audience: 'students', attendees: 1000 + n, title: `batch cap ${n}` });
  const post = (calls: number) => {
    const paths = Array.from({ length: calls }, () => 'outreach.create').join(',');
    const body = Object.fromEntries(Array.from({ length: calls }, (_, i) => [String(i), outreach(i)]));
    return fetch(`${server.url}/trpc/${paths}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, cookie: cookies.director },
      body: JSON.stringify(body)
    });
  };
  const created = async () => {
    const [rows] = await server.exec([{ sql: "select count(*)::int as n from outreach_event where title like 'batch cap %'" }]);
    return (rows[0] as { n: number }).n;
  };

  it('refuses a batch of 11 calls with 400 and a plain message, running none of them', async () => {
    const res = await post(11);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(JSON.stringify(body)).toMatch(/at most 10 calls/);
    expect(await created()).toBe(0);
  });

  it('runs a batch of 10', async () => {
    const res = await post(10);
    expect(res.status).toBe(200);
    expect(await created()).toBe(10);
  });

  it('refuses a GET batch of 160 queries the same way', async () => {
    const paths = Array.from({ length: 160 }, () => 'auth.me').join(',');
    const res = await fetch(`${server.url}/trpc/${paths}?batch=1&input={}`, { headers: { cookie: cookies.director } });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/at most 10 calls/);
  });
});
