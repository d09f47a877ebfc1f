// No update lost: two live clients (the real LiveClient) follow a dashboard and needs rooms while
// 500 writes land and one client's connection is cut, then 500 more while the server restarts.
// Afterwards each client's state must equal the database's: the dashboard view's hash, and for each
// needs room the last seq of every changed need.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveClient } from '../../src/lib/realtime/live-client.svelte.js';
import type { DashboardPush, RowChange } from '../../src/lib/realtime/events.js';
import { createDb } from '../../src/lib/server/db/index.js';
import { overviewDataset as dashboardOverview } from '../../src/lib/server/dashboards/overview.dataset.js';
import { statesIn } from '../../src/lib/regions.js';
import {
  createPostgresDatabase, portOf, postgresUrl, seededDataDir, signIn, sleep, startLiveServer, tcpProxy, until, type LiveServer
} from '../helpers/live.js';

const WRITES = 500;
const ROOMS = { overview: 'dashboard:overview', all: 'needs:all', mountain: 'needs:division:mountain' } as const;
const mountainStates = statesIn('mountain');

/** Stable hash of a view as it travels (JSON), without the read time. */
function viewHash(view: unknown): string {
  const { asOf: _asOf, ...rest } = JSON.parse(JSON.stringify(view)) as Record<string, unknown>;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/** A client's state: the latest view and, per row room, the last seq of each changed need. */
function follow(client: LiveClient, rooms: string[]) {
  const state = { view: null as DashboardPush['view'] | null, rows: new Map<string, Map<number, number>>(), resets: 0 };
  for (const room of rooms) {
    state.rows.set(room, new Map());
    client.subscribe(room, {
      onView: (view) => (state.view = view),
      onChanges: (changes: RowChange[]) => changes.forEach((c) => state.rows.get(room)!.set(c.id, c.seq)),
      onReset: () => state.resets++
    });
  }
  return state;
}

interface Variant {
  name: string;
  start(): Promise<LiveServer>;
  /** Runs writes; each statement commits on its own. */
  write(server: LiveServer, statements: Array<{ sql: string; params: unknown[] }>): Promise<void>;
  /** Postgres keeps taking writes while the app restarts; the embedded database lives in the app. */
  writesDuringRestart: boolean;
  openDb(): Promise<{ db: Awaited<ReturnType<typeof createDb>>['db']; close(): Promise<void> }>;
  cleanup(): Promise<void>;
}

async function pgliteVariant(): Promise<Variant> {
  const dataDir = await seededDataDir();
  return {
    name: 'pglite',
    start: () => startLiveServer({ dataDir }),
    write: async (server, statements) => void (await server.exec(statements)),
    writesDuringRestart: false,
    openDb: () => createDb({ dataDir }),
    cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true })
  };
}

async function postgresVariant(): Promise<Variant> {
  const database = await createPostgresDatabase(postgresUrl!);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  // The database is dropped `with (force)` at the end: a client still idle then gets 57P01, which
  // without a listener would surface as an unhandled error of this file.
  pool.on('error', () => undefined);
  return {
    name: 'postgres',
    start: () => startLiveServer({ env: { DATABASE_URL: database.url, BEACON_DEMO: '1' } }),
    // A separate writer (like a script or another instance): the app hears it through LISTEN only.
    write: async (_server, statements) => {
      await Promise.all(statements.map((s) => pool.query(s.sql, s.params)));
    },
    writesDuringRestart: true,
    openDb: () => createDb({ url: database.url }),
    cleanup: async () => {
      await pool.end();
      await database.drop();
    }
  };
}

const variants: Array<() => Promise<Variant>> = [pgliteVariant];
if (postgresUrl) variants.push(postgresVariant);
else console.info('[tests] TEST_DATABASE_URL is not set: the Postgres variant of the live catch-up test is skipped (PGlite runs).');

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe.each(variants.map((make) => [make.name.replace('Variant', ''), make] as const))('no update lost on %s', (_name, make) => {
  it('keeps every client equal to the database across a dropped connection and a server restart', async () => {
    const variant = await make();
    cleanups.push(() => variant.cleanup());
    let server = await variant.start();
    cleanups.push(() => server.stop());
    const cookie = await signIn(server.url, 'director@beacon.demo');

    // Each client behind its own proxy: a stable address across the restart, and a cable to cut.
    const proxyA = await tcpProxy(portOf(server.url));
    const proxyB = await tcpProxy(portOf(server.url));
    cleanups.push(proxyA.close, proxyB.close);
    const clientFor = (proxyUrl: string) =>
      new LiveClient({ url: proxyUrl, socket: { transports: ['websocket'], extraHeaders: { cookie, origin: proxyUrl } } });
    const a = clientFor(proxyA.url);
    const b = clientFor(proxyB.url);
    cleanups.push(async () => a.close(), async () => b.close());
    const stateA = follow(a, [ROOMS.overview, ROOMS.all]);
    const stateB = follow(b, [ROOMS.overview, ROOMS.mountain]);
    await until(() => a.state === 'live' && b.state === 'live', 20_000, 'both clients live');
    const since = { a: a.lastSeq[ROOMS.all], b: b.lastSeq[ROOMS.mountain] };

    const [needs] = await server.exec([{ sql: 'select id, state from aftercare_need order by id', params: [] }]);
    const ids = (needs as Array<{ id: number; state: string }>).map((n) => n.id);
    let rnd = 12345;
    const nextWrite = () => {
      rnd = (rnd * 1103515245 + 12345) % 2 ** 31;
      const id = ids[rnd % ids.length];
      return rnd % 5 === 0
        ? { sql: `update aftercare_need set priority = (case when priority = 'critical' then 'high' else 'critical' end)::need_priority where id = $1`, params: [id] }
        : { sql: 'update aftercare_need set estimated_cost_cents = estimated_cost_cents + 100 where id = $1', params: [id] };
    };
    const burst = async (n: number, at: number, event: () => Promise<void>, eventBlocksWrites: boolean) => {
      let pendingEvent: Promise<void> | undefined;
      for (let i = 0; i < n; i += 10) {
        if (i === at) {
          pendingEvent = event();
          if (eventBlocksWrites) await pendingEvent;
        }
        await variant.write(server, Array.from({ length: 10 }, nextWrite));
      }
      await pendingEvent;
    };

    // Burst 1: client B's connection is cut a third of the way in.
    await burst(WRITES, 150, async () => {
      proxyB.dropAll();
      await until(() => b.state !== 'live', 2_000, 'client B to stop claiming to be live');
    }, true);

    // Burst 2: the server restarts (same data) 40% of the way in.
    let sawReconnecting = false;
    await burst(WRITES, 200, async () => {
      await server.stop();
      await until(() => a.state !== 'live' && b.state !== 'live', 5_000, 'clients to notice the server is gone');
      sawReconnecting = true;
      server = await variant.start();
      proxyA.retarget(portOf(server.url));
      proxyB.retarget(portOf(server.url));
    }, !variant.writesDuringRestart);
    expect(sawReconnecting).toBe(true);

    // Quiet: wait until both clients show the latest seq, then compare with the database itself.
    const [[{ latest }]] = (await server.exec([{ sql: 'select max(seq)::int as latest from change_log', params: [] }])) as Array<Array<{ latest: number }>>;
    await until(() => a.state === 'live' && b.state === 'live' && a.lastSeq[ROOMS.overview] === latest && b.lastSeq[ROOMS.overview] === latest, 30_000, `clients at seq ${latest}`);
    await sleep(300);
    a.close();
    b.close();
    await server.stop();

    const { db, close } = await variant.openDb();
    try {
      const truth = await dashboardOverview(db, {}, { fiscalYearStartMonth: 1 });
      expect(truth.seq).toBe(latest);
      expect(viewHash(stateA.view)).toBe(viewHash(truth));
      expect(viewHash(stateB.view)).toBe(viewHash(truth));
      const lastSeqs = async (after: number, states: readonly string[] | null) => {
        let q = db.selectFrom('change_log').select(['entity_id', (eb) => eb.fn.max('seq').as('seq')]).where('topic', '=', 'needs').where('seq', '>', after);
        if (states) q = q.where('state', 'in', [...states]);
        const rows = await q.groupBy('entity_id').execute();
        return new Map(rows.map((r) => [Number(r.entity_id), Number(r.seq)]));
      };
      const truthAll = await lastSeqs(since.a, null);
      const truthMountain = await lastSeqs(since.b, mountainStates);
      expect(truthAll.size).toBeGreaterThan(100);
      expect(new Map([...stateA.rows.get(ROOMS.all)!].sort())).toEqual(new Map([...truthAll].sort()));
      expect(new Map([...stateB.rows.get(ROOMS.mountain)!].sort())).toEqual(new Map([...truthMountain].sort()));
      expect(stateA.resets + stateB.resets).toBe(0);
    } finally {
      await close();
    }
  }, 300_000);
});
