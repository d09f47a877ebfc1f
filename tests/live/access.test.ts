// Real server, real sockets: a committed change reaches the sockets allowed to see it and no others;
// the handshake refuses strangers; presence shows names and roles; signing out drops the socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import {
  connect, connected, join, record, refusal, seededDataDir, signIn, signOut, sleep, startLiveServer, until, waitFor,
  type LiveServer, type LiveSocket
} from '../helpers/live.js';
import { type RowChange } from '../../src/lib/realtime/events.js';

let server: LiveServer;
const sockets: LiveSocket[] = [];
const cookies: Record<string, string> = {};
const open = async (who: string) => {
  const s = connect(server.url, { cookie: cookies[who] });
  sockets.push(s);
  await connected(s);
  return s;
};

async function needIn(states: string[]): Promise<number> {
  const [rows] = await server.exec([{ sql: "select id from aftercare_need where state = any($1) and status in ('open', 'in_progress', 'pledged') order by id limit 1", params: [states] }]);
  return (rows[0] as { id: number }).id;
}
const bump = (id: number) => server.exec([{ sql: 'update aftercare_need set quantity = quantity + 1 where id = $1', params: [id] }]);
const hasChange = (id: number) => (p: { changes: RowChange[] }) => p.changes.some((c) => c.entity === 'aftercare_need' && c.id === id);

beforeAll(async () => {
  server = await startLiveServer({ dataDir: await seededDataDir() });
  for (const who of ['director', 'coordinator.mountain', 'coordinator.pacific', 'board']) {
    cookies[who] = await signIn(server.url, `${who}@beacon.demo`);
  }
}, 180_000);

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

describe('the handshake', () => {
  it('refuses a socket without a session', async () => {
    expect(await refusal(connect(server.url))).toBe('unauthenticated');
    expect(await refusal(connect(server.url, { cookie: 'beacon_session=not-a-real-token' }))).toBe('unauthenticated');
  });

  it('refuses a foreign or missing Origin, even with a valid session cookie', async () => {
    expect(await refusal(connect(server.url, { cookie: cookies.director, origin: 'https://evil.example' }))).toBe('origin_refused');
    expect(await refusal(connect(server.url, { cookie: cookies.director, origin: null }))).toBe('origin_refused');
  });

  it('refuses a board session at the handshake: board members never see live operational data', async () => {
    expect(await refusal(connect(server.url, { cookie: cookies.board }))).toBe('no_live_access');
    expect(await refusal(connect(server.url, { cookie: cookies.board, transports: ['polling'] }))).toBe('no_live_access');
  });

  it('accepts the same session over long-polling (the fallback transport)', async () => {
    const s = connect(server.url, { cookie: cookies.director, transports: ['polling'] });
    sockets.push(s);
    await connected(s);
    expect((await join(s, 'dashboard:overview')).ok).toBe(true);
  });
});

describe('rooms and what reaches them', () => {
  let director: LiveSocket, mountain: LiveSocket, pacific: LiveSocket;

  beforeAll(async () => {
    [director, mountain, pacific] = await Promise.all(['director', 'coordinator.mountain', 'coordinator.pacific'].map(open));
  });

  it('admits each role only to the rooms it may see', async () => {
    expect(await join(director, 'needs:division:mountain')).toMatchObject({ ok: true });
    expect(await join(director, 'dashboard:overview')).toMatchObject({ ok: true, catchUp: { kind: 'view', topic: 'overview' } });
    expect(await join(mountain, 'needs:division:mountain')).toMatchObject({ ok: true });
    expect(await join(mountain, 'needs:state:UT')).toMatchObject({ ok: true });
    expect(await join(mountain, 'dashboard:overview')).toMatchObject({ ok: true });
    expect(await join(pacific, 'needs:division:pacific')).toMatchObject({ ok: true });
    // Another region's rows and the org-wide room: a coordinator reads every region over HTTP
    // (needs.list with any division), so follows them live too (one rule, auth/access.ts).
    const pacificReader = await open('coordinator.pacific');
    expect(await join(pacificReader, 'needs:division:mountain')).toMatchObject({ ok: true });
    expect(await join(pacificReader, 'needs:state:UT')).toMatchObject({ ok: true });
    expect(await join(pacificReader, 'needs:all')).toMatchObject({ ok: true });
    pacificReader.close();
    // Internal and malformed names are not rooms.
    expect(await join(director, `user:x`)).toMatchObject({ ok: false, error: 'bad_room' });
    expect(await join(director, 'needs:division:atlantis')).toMatchObject({ ok: false });
    expect(await join(director, 'dashboard:overview:{"state":"UT","division":"mountain"}')).toMatchObject({ ok: false, error: 'bad_room' });
    expect(await join(director, 'dashboard:overview:{"division":"mountain","state":"UT"}')).toMatchObject({ ok: true });
  });

  it('pushes a Mountain change to Mountain viewers and to no one else', async () => {
    const id = await needIn(['UT', 'CO', 'AZ']);
    const toPacific = record(pacific, 'rows:changed');
    const arrivals = Promise.all([
      waitFor(director, 'rows:changed', hasChange(id)),
      waitFor(mountain, 'rows:changed', hasChange(id)),
      waitFor(director, 'dashboard:patched', (p) => p.room === 'dashboard:overview')
    ]);
    await bump(id);
    const [toDirector, toMountain, dashboard] = await arrivals;
    expect(toDirector.room).toBe('needs:division:mountain');
    expect(toMountain.changes.find((c) => c.id === id)).toMatchObject({ topic: 'needs', op: 'U' });
    expect(dashboard.seq).toBeGreaterThanOrEqual(toDirector.seq);
    // Give the others every chance to receive what they must not.
    await sleep(750);
    expect(toPacific.filter(hasChange(id))).toEqual([]);
  });

  it('pushes a Pacific change to the Pacific coordinator, not the Mountain one', async () => {
    const id = await needIn(['CA', 'OR', 'WA']);
    const toMountain = record(mountain, 'rows:changed');
    const arrival = waitFor(pacific, 'rows:changed', hasChange(id));
    await bump(id);
    expect((await arrival).room).toBe('needs:division:pacific');
    await sleep(750);
    expect(toMountain.filter(hasChange(id))).toEqual([]);
  });

  it('links each push to the previous one of its room (gap detection)', async () => {
    const id = await needIn(['UT', 'CO', 'AZ']);
    const pushes = record(mountain, 'rows:changed');
    const inRoom = () => pushes.filter((p) => p.room === 'needs:division:mountain' && hasChange(id)(p));
    await bump(id);
    await bump(id);
    await until(() => inRoom().length >= 2, 10_000, 'two pushes');
    expect(inRoom()[1].prev).toBe(inRoom()[0].seq);
  });
});

describe('presence', () => {
  it('shows who is viewing (name and role, never the email), and who left', async () => {
    const director = await open('director');
    const first = await join(director, 'needs:division:mountain');
    expect(first.ok).toBe(true);
    // The coordinator's sockets from earlier tests are in the room: the last one closing is a leave.
    const earlier = sockets.filter((s) => s.connected && s.io.opts.extraHeaders?.cookie === cookies['coordinator.mountain']);
    const leftEarlier = waitFor(director, 'presence:left', (p) => p.room === 'needs:division:mountain', 10_000);
    earlier.forEach((s) => s.close());
    await leftEarlier;
    const coordinator = await open('coordinator.mountain');
    const joined = waitFor(director, 'presence:joined', (p) => p.room === 'needs:division:mountain' && p.viewer.role === 'coordinator');
    const result = await join(coordinator, 'needs:division:mountain');
    const seen = await joined;
    expect(seen.viewer).toEqual({ userId: expect.any(String), displayName: expect.any(String), role: 'coordinator' });
    expect(JSON.stringify(seen)).not.toContain('@');
    expect(result.ok && result.viewers.map((v) => v.role).sort()).toEqual(['coordinator', 'leadership']);

    const left = waitFor(director, 'presence:left', (p) => p.userId === seen.viewer.userId, 10_000);
    coordinator.close();
    await left;
  });
});

describe('revocation', () => {
  it('disconnects a socket at once when its session signs out', async () => {
    const cookie = await signIn(server.url, 'coordinator.pacific@beacon.demo');
    const s = connect(server.url, { cookie });
    sockets.push(s);
    await connected(s);
    expect((await join(s, 'needs:division:pacific')).ok).toBe(true);
    const revoked = waitFor(s, 'session:revoked');
    const gone = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
    const started = Date.now();
    await signOut(server.url, cookie);
    expect(await revoked).toEqual({ reason: 'revoked' });
    expect(await gone).toBe('io server disconnect');
    // "At once": pushed on sign-out, not found by the minute sweep (generous for a loaded CI machine).
    expect(Date.now() - started).toBeLessThan(10_000);
    // And the cookie no longer opens a socket.
    expect(await refusal(connect(server.url, { cookie }))).toBe('unauthenticated');
  });
});
