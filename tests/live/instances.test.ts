// Two app instances on one Postgres: a write through instance A reaches the clients of instance B
// (each instance LISTENs), presence is the same on both (Socket.IO's Postgres adapter), and signing
// out on A drops the session's sockets on B.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect, connected, createPostgresDatabase, join, postgresUrl, signIn, signOut, startLiveServer, waitFor, type LiveServer, type LiveSocket
} from '../helpers/live.js';
import type { RowChange } from '../../src/lib/realtime/events.js';

if (!postgresUrl) console.info('[tests] TEST_DATABASE_URL is not set: the two-instance live test is skipped.');

describe.skipIf(!postgresUrl)('two instances on one Postgres', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let a: LiveServer, b: LiveServer;
  const sockets: LiveSocket[] = [];
  const open = async (server: LiveServer, cookie: string) => {
    const s = connect(server.url, { cookie });
    sockets.push(s);
    await connected(s);
    return s;
  };

  beforeAll(async () => {
    database = await createPostgresDatabase(postgresUrl!);
    const env = { DATABASE_URL: database.url, BEACON_DEMO: '1' };
    // One after the other: the first migrates and seeds, the second finds it done.
    a = await startLiveServer({ env });
    b = await startLiveServer({ env });
  }, 240_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('delivers a write made through A to clients of B (rows and dashboard), and to A’s own', async () => {
    const director = await signIn(a.url, 'director@beacon.demo');
    const onA = await open(a, director);
    const onB = await open(b, director);
    for (const s of [onA, onB]) {
      expect(await join(s, 'needs:division:mountain')).toMatchObject({ ok: true });
      expect(await join(s, 'dashboard:overview')).toMatchObject({ ok: true });
    }
    const [rows] = await a.exec([{ sql: `select id from aftercare_need where state in ('UT', 'CO') order by id limit 1`, params: [] }]);
    const id = (rows[0] as { id: number }).id;
    const mine = (p: { changes: RowChange[] }) => p.changes.some((c) => c.id === id);
    const arrivals = Promise.all([
      waitFor(onB, 'rows:changed', mine),
      waitFor(onA, 'rows:changed', mine),
      waitFor(onB, 'dashboard:patched')
    ]);
    await a.exec([{ sql: 'update aftercare_need set estimated_cost_cents = estimated_cost_cents + 1 where id = $1', params: [id] }]);
    const [fromB, fromA, dashboardB] = await arrivals;
    // Each instance pushes once to its own sockets: the same change, the same seq, no duplicate.
    expect(fromB.seq).toBe(fromA.seq);
    expect(dashboardB.seq).toBeGreaterThanOrEqual(fromB.seq);
  });

  it('shows the same presence on both instances', async () => {
    const director = await signIn(a.url, 'director@beacon.demo');
    const coordinator = await signIn(b.url, 'coordinator.mountain@beacon.demo');
    const room = 'needs:division:mountain';
    const onA = await open(a, director);
    await join(onA, room);
    const onB = await open(b, coordinator);
    const arrived = waitFor(onA, 'presence:joined', (p) => p.room === room && p.viewer.role === 'coordinator');
    const joined = await join(onB, room);
    await arrived;
    const names = (viewers: Array<{ displayName: string }>) => viewers.map((v) => v.displayName).sort();
    const fromA = await join(onA, room);
    expect(joined.ok && fromA.ok).toBe(true);
    if (joined.ok && fromA.ok) {
      expect(names(joined.viewers)).toEqual(names(fromA.viewers));
      expect(joined.viewers.map((v) => v.role).sort()).toEqual(['coordinator', 'leadership']);
    }
    const left = waitFor(onA, 'presence:left', (p) => p.room === room, 10_000);
    onB.close();
    await left;
  });

  it('drops a session’s sockets on B when it signs out through A', async () => {
    const cookie = await signIn(a.url, 'coordinator.pacific@beacon.demo');
    const onB = await open(b, cookie);
    expect((await join(onB, 'needs:division:pacific')).ok).toBe(true);
    const gone = new Promise<string>((resolve) => onB.once('disconnect', resolve));
    await signOut(a.url, cookie);
    expect(await gone).toBe('io server disconnect');
  });
});
