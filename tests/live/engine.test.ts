// The live engine's parts in-process, on PGlite and (with TEST_DATABASE_URL) Postgres: room names and
// access, catch-up (sync.since) and pruning, the change listener (order, bulk statements, a dropped
// LISTEN connection), and the hub's one-read-per-tick refresh whatever the number of viewers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { Server } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { targets, type TestDb } from '../helpers/db.js';
import { sleep, until } from '../helpers/live.js';
import { dashboardRoom, parseRoom, type RoomSpec, type RowChange } from '../../src/lib/realtime/events.js';
import { applyPatch, diffView } from '../../src/lib/realtime/view-patch.js';
import { isValidRoom, mayJoinRoom } from '../../src/lib/server/live/room-access.js';
import { syncSince, MAX_CATCH_UP_CHANGES } from '../../src/lib/server/live/sync.service.js';
import { pruneChangeLog } from '../../src/lib/server/live/change-log-pruning.js';
import { startChangeListener } from '../../src/lib/server/live/change-listener.js';
import { LiveHub } from '../../src/lib/server/live/live-hub.js';
import { latestChangeSeq } from '../../src/lib/server/live/change-log.repository.js';
import type { LiveServer } from '../../src/lib/server/live/socket-server.js';
import type { SessionUser } from '../../src/lib/server/auth/session.js';
import type { Db } from '../../src/lib/server/db/index.js';

const user = (role: SessionUser['role'], divisions: string[] = [], states: string[] = []): SessionUser => ({
  id: `u-${role}`, email: `${role}@example.org`, displayName: role, role, divisions, states
});
const spec = (room: string) => parseRoom(room) as RoomSpec;

describe('room names', () => {
  it('parses only canonical names', () => {
    expect(parseRoom('dashboard:overview')).toEqual({ kind: 'dashboard', topic: 'overview', filters: {} });
    expect(parseRoom(dashboardRoom('overview', { state: 'UT', division: 'mountain', category: undefined }))).toEqual({
      kind: 'dashboard', topic: 'overview', filters: { division: 'mountain', state: 'UT' }
    });
    expect(parseRoom('dashboard:overview:{"state":"UT","division":"mountain"}')).toBeNull();
    expect(parseRoom('needs:division:mountain')).toMatchObject({ kind: 'rows', topic: 'needs', scope: { division: 'mountain' } });
    expect(parseRoom('funding:state:UT')).toMatchObject({ scope: { state: 'UT' } });
    for (const bad of ['needs', 'needs:division', 'needs:division:mountain:x', 'nope:all', 'user:abc', 'dashboard:nope', 'needs:state:ut']) {
      expect(parseRoom(bad), bad).toBeNull();
    }
  });

  it('refuses unknown divisions, states and invalid dashboard filters', () => {
    expect(isValidRoom(spec('needs:division:atlantis'))).toBe(false);
    expect(isValidRoom(spec('needs:state:ZZ'))).toBe(false);
    expect(isValidRoom(spec(dashboardRoom('overview', { division: 'pacific', state: 'UT' })))).toBe(false);
    expect(isValidRoom(spec(dashboardRoom('overview', { fiscalYear: 2026 })))).toBe(true);
  });
});

describe('dashboard patches', () => {
  it('turn the previous view into the next one, and only carry what changed', () => {
    const prev = { seq: 1, asOf: '2026-11-28T10:00:00.000Z', filters: { fiscalYear: 2026, division: 'mountain' }, funding: { requestedCents: 100, budget: { burnPercent: 12.5 } }, needs: { byPriority: [{ p: 'critical', n: 3 }], oldest: [] as unknown[] } };
    const next = { seq: 7, asOf: '2026-11-28T10:00:01.000Z', filters: { fiscalYear: 2026 }, funding: { requestedCents: 250, budget: { burnPercent: null } }, needs: { byPriority: [{ p: 'critical', n: 4 }], oldest: [{ id: 1 }] }, extra: true };
    const ops = diffView(prev, next);
    expect(applyPatch(prev, ops)).toEqual(next);
    expect(prev.funding.requestedCents).toBe(100); // the base is not modified
    expect(ops.map((o) => o.p.join('.')).sort()).toEqual(['asOf', 'extra', 'filters.division', 'funding.budget.burnPercent', 'funding.requestedCents', 'needs.byPriority', 'needs.oldest', 'seq']);
    expect(diffView(next, JSON.parse(JSON.stringify(next)))).toEqual([]);
    // Over the wire a delete is an op without a value.
    expect(applyPatch(prev, JSON.parse(JSON.stringify(ops)))).toEqual(next);
  });
});

describe('who may join what', () => {
  const mountain = user('coordinator', ['mountain'], ['AZ', 'CO', 'ID', 'MT', 'NM', 'NV', 'UT', 'WY']);
  const utahOnly = user('coordinator', [], ['UT']);
  it('gives leadership and admin every room, the board none', () => {
    for (const room of ['dashboard:overview', 'needs:all', 'budget:all', 'needs:division:pacific', 'funding:state:CA']) {
      expect(mayJoinRoom(user('leadership'), spec(room)), room).toBe(true);
      expect(mayJoinRoom(user('admin'), spec(room)), room).toBe(true);
      expect(mayJoinRoom(user('board'), spec(room)), room).toBe(false);
    }
  });
  it('gives coordinators every room: they read every region over HTTP (and edit only their own)', () => {
    for (const room of ['dashboard:overview', 'needs:division:mountain', 'funding:state:UT', 'needs:division:pacific', 'needs:state:CA', 'needs:all', 'budget:all']) {
      expect(mayJoinRoom(mountain, spec(room)), room).toBe(true);
      expect(mayJoinRoom(utahOnly, spec(room)), room).toBe(true);
    }
  });
});

async function addCenter(db: Db, state: string): Promise<number> {
  const row = await db.insertInto('partner').values({ name: `Center ${state} ${Math.random()}`, kind: 'aftercare_center', state }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}
async function addNeeds(db: Db, centerId: number, n: number): Promise<void> {
  await db.insertInto('aftercare_need').values(Array.from({ length: n }, (_, i) => ({ center_id: centerId, title: `Need number ${i}`, kind: 'equipment' as const }))).execute();
}

for (const target of targets) {
  describe(`on ${target.name}`, () => {
    let h: TestDb;
    beforeAll(async () => {
      h = await target.open();
    });
    afterAll(async () => {
      await h?.drop();
    });

    const deps = () => ({ db: h.db, readDashboard: async () => ({ seq: 0, view: {} as never }) });

    it('sync.since returns a room’s missed changes, and reset when the log no longer covers them', async () => {
      const ut = await addCenter(h.db, 'UT');
      const ca = await addCenter(h.db, 'CA');
      const start = await latestChangeSeq(h.db);
      await addNeeds(h.db, ut, 3);
      await addNeeds(h.db, ca, 2);
      const director = user('leadership');
      const mountain = await syncSince(deps(), director, { topic: 'needs:division:mountain', seq: start });
      expect(mountain.catchUp.kind).toBe('changes');
      const changes = (mountain.catchUp as { changes: RowChange[] }).changes;
      expect(changes.map((c) => c.state)).toEqual(['UT', 'UT', 'UT']);
      expect(changes.every((c, i) => i === 0 || c.seq > changes[i - 1].seq)).toBe(true);
      expect(mountain.seq).toBe(await latestChangeSeq(h.db));
      const all = await syncSince(deps(), director, { topic: 'needs:all', seq: start });
      expect((all.catchUp as { changes: RowChange[] }).changes).toHaveLength(5);
      // Up to date: nothing to send. From the future (another database): reset.
      expect((await syncSince(deps(), director, { topic: 'needs:all', seq: all.seq })).catchUp).toEqual({ kind: 'changes', changes: [] });
      expect((await syncSince(deps(), director, { topic: 'needs:all', seq: all.seq + 1000 })).catchUp).toEqual({ kind: 'reset' });
      // Access is the same rule as joining.
      await expect(syncSince(deps(), user('board'), { topic: 'needs:all', seq: start })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      // Coordinators read every region over HTTP, so they may catch up on any (one rule, auth/access.ts).
      await expect(syncSince(deps(), user('coordinator', ['pacific'], ['CA']), { topic: 'needs:division:mountain', seq: start })).resolves.toBeDefined();
      await expect(syncSince(deps(), director, { topic: 'needs:everything' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

      // Age the log: pruning deletes rows past 48 h and raises the horizon; older positions reset.
      await sql`update change_log set at = now() - interval '3 days' where seq <= ${start + 3}`.execute(h.db);
      const pruned = await pruneChangeLog(h.db);
      expect(pruned.prunedThrough).toBe(start + 3);
      expect(pruned.deleted).toBeGreaterThanOrEqual(3);
      expect((await syncSince(deps(), director, { topic: 'needs:all', seq: start })).catchUp).toEqual({ kind: 'reset' });
      const after = await syncSince(deps(), director, { topic: 'needs:all', seq: start + 3 });
      expect((after.catchUp as { changes: RowChange[] }).changes).toHaveLength(2);
      expect((await pruneChangeLog(h.db)).deleted).toBe(0);
    });

    it('sync.since resets instead of replaying more than it is worth', async () => {
      const start = await latestChangeSeq(h.db);
      await addNeeds(h.db, await addCenter(h.db, 'NV'), MAX_CATCH_UP_CHANGES + 1);
      expect((await syncSince(deps(), user('admin'), { topic: 'needs:state:NV', seq: start })).catchUp).toEqual({ kind: 'reset' });
    });

    it('the change listener delivers every change once, in seq order, bulk statements included', async () => {
      const received: RowChange[] = [];
      const listener = startChangeListener({ handle: h, databaseUrl: h.url, afterSeq: await latestChangeSeq(h.db), onChanges: (c) => received.push(...c) });
      try {
        await listener.ready;
        const center = await addCenter(h.db, 'MT');
        await addNeeds(h.db, center, 1);
        await addNeeds(h.db, center, 45); // over 20 rows: announced as one range
        await sql`update aftercare_need set quantity = quantity + 1 where center_id = ${center}`.execute(h.db);
        const latest = await latestChangeSeq(h.db);
        await until(() => received.at(-1)?.seq === latest, 10_000, 'all changes');
        expect(received).toHaveLength(1 + 1 + 45 + 46);
        expect(received.every((c, i) => i === 0 || c.seq > received[i - 1].seq)).toBe(true);
        expect(received.filter((c) => c.op === 'U')).toHaveLength(46);
      } finally {
        await listener.stop();
      }
    });

    it.skipIf(target.name !== 'postgres')('the change listener reconnects by itself and catches up what it missed', async () => {
      const received: RowChange[] = [];
      const listener = startChangeListener({
        handle: h, databaseUrl: h.url, afterSeq: await latestChangeSeq(h.db), onChanges: (c) => received.push(...c),
        log: { info: () => undefined, warn: () => undefined, error: () => undefined }
      });
      const admin = new pg.Client({ connectionString: h.url });
      await admin.connect();
      try {
        await listener.ready;
        const center = await addCenter(h.db, 'WY');
        // Kill the LISTEN connection, then write while it is gone.
        await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'beacon-live-listener' and datname = current_database()`);
        await addNeeds(h.db, center, 5);
        await addNeeds(h.db, center, 30);
        const latest = await latestChangeSeq(h.db);
        await until(() => received.at(-1)?.seq === latest, 15_000, 'catch-up after reconnect');
        expect(new Set(received.map((c) => c.seq)).size).toBe(received.length);
        expect(received.filter((c) => c.entity === 'aftercare_need')).toHaveLength(35);
        // And it is listening again.
        await addNeeds(h.db, center, 1);
        const next = await latestChangeSeq(h.db);
        await until(() => received.at(-1)?.seq === next, 10_000, 'a change after the reconnect');
      } finally {
        await admin.end();
        await listener.stop();
      }
    });

    describe('the hub', () => {
      let httpServer: http.Server;
      let io: LiveServer;
      let hub: LiveHub;
      let stopListener: () => Promise<void>;
      const clients: Socket[] = [];
      afterEach(async () => {
        clients.splice(0).forEach((c) => c.close());
        await stopListener?.();
        hub?.stop();
        await new Promise<void>((resolve) => io?.close(() => resolve()));
      });

      async function setUp(viewers: number) {
        httpServer = http.createServer();
        io = new Server(httpServer) as LiveServer;
        const startSeq = await latestChangeSeq(h.db);
        hub = new LiveHub(io, h.db, { tickMs: 100, fiscalYearStartMonth: 1, startSeq });
        const listener = startChangeListener({ handle: h, databaseUrl: h.url, afterSeq: startSeq, onChanges: (c) => hub.onChanges(c) });
        stopListener = () => listener.stop();
        await listener.ready;
        io.on('connection', (s) => void s.join(['dashboard:overview', 'budget:all']));
        await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
        const views: Array<Array<{ seq: number }>> = [];
        for (let i = 0; i < viewers; i++) {
          const c = ioClient(url, { transports: ['websocket'], forceNew: true });
          const seen: Array<{ seq: number }> = [];
          c.on('dashboard:updated', (p: { seq: number }) => seen.push(p));
          c.on('dashboard:patched', (p: { seq: number }) => seen.push(p));
          clients.push(c);
          views.push(seen);
        }
        await until(() => clients.every((c) => c.connected), 10_000, 'viewers connected');
        await until(() => (io.of('/').adapter.rooms.get('dashboard:overview')?.size ?? 0) === viewers, 5_000, 'viewers in the room');
        await hub.readDashboard('dashboard:overview', spec('dashboard:overview') as Extract<RoomSpec, { kind: 'dashboard' }>);
        return views;
      }

      async function writeBudgets(n: number) {
        for (let i = 0; i < n; i++) {
          await sql`insert into budget (fiscal_year, program_area, donor_restriction, amount_cents) values (2026, 'education', ${`donor ${Math.random()}`}, 100)`.execute(h.db);
          if (i % 10 === 9) await sleep(20);
        }
      }

      for (const viewers of [1, 25]) {
        it(`re-reads a dirty dashboard once per tick however many view it (${viewers} viewer${viewers > 1 ? 's' : ''})`, async () => {
          const views = await setUp(viewers);
          const readsBefore = hub.stats.dashboardReads;
          const started = Date.now();
          await writeBudgets(60);
          const latest = await latestChangeSeq(h.db);
          await until(() => views.every((v) => v.at(-1)?.seq === latest), 10_000, 'every viewer at the latest seq');
          const elapsed = Date.now() - started;
          const reads = hub.stats.dashboardReads - readsBefore;
          // At most one read per 100 ms tick (+1 for the tick in flight), not one per write or per viewer.
          expect(reads).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
          expect(reads).toBeLessThan(60);
          for (const v of views) expect(v.length).toBe(views[0].length);
        });
      }
    });
  });
}
