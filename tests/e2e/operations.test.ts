// The operator's view: bad settings stop the start with one line; SIGTERM to `npm start` stops the
// server gracefully with no acknowledged write lost and clients moving to the next server;
// /metrics and /readyz (Postgres: the listener's connection killed and restored).
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { rowsRoom } from '../../src/lib/realtime/events.js';
import {
  connect, connected, createPostgresDatabase, join, postgresUrl, portOf, seededDataDir, signIn, startLiveServer, tcpProxy, until,
  type LiveServer, type LiveSocket
} from '../helpers/live.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const serveScript = path.join(root, 'scripts', 'serve.js');

describe('bad settings stop the start', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /^beacon: PORT must be an integer from 0 to 65535, got "abc"$/],
    [{ BEACON_FY_START_MONTH: '13' }, /^beacon: BEACON_FY_START_MONTH must be an integer from 1 to 12, got "13"$/],
    [{ BEACON_TIME_ZONE: 'Mars/Olympus_Mons' }, /^beacon: BEACON_TIME_ZONE must be an IANA time zone.*got "Mars\/Olympus_Mons"$/]
  ];
  for (const [env, message] of cases) {
    it(`${Object.keys(env)[0]}=${Object.values(env)[0]}: one line naming the variable, exit 1`, () => {
      const r = spawnSync(process.execPath, [serveScript], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(r.stdout).not.toMatch(/listening on/);
    });
  }

  it('reads .env from the working directory (variables already set win)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-env-'));
    fs.writeFileSync(path.join(dir, '.env'), 'BEACON_LIVE_TICK_MS=500\nPORT=1234\n');
    try {
      const r = spawnSync(process.execPath, [serveScript], { cwd: dir, env: { ...process.env, PORT: '0' }, encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe('beacon: BEACON_LIVE_TICK_MS must be an integer from 10 to 100, got "500"');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** `npm start` as an operator runs it: the npm process itself is the one signalled. */
function npmStart(dataDir: string) {
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', BEACON_DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not listen within 120 s:\n${out}`)), 120_000);
    child.stdout.on('data', () => {
      const m = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    });
    void exited.then(() => reject(new Error(`npm start exited before listening:\n${out}`)));
  });
  return { child, url, exited, output: () => out };
}

describe('SIGTERM to npm start during a burst of writes', () => {
  let next: LiveServer | undefined;
  let proxy: Awaited<ReturnType<typeof tcpProxy>> | undefined;
  let socket: LiveSocket | undefined;
  afterAll(async () => {
    socket?.close();
    await next?.stop();
    await proxy?.close();
  });

  it('exits within 10 s, loses no acknowledged write, and clients catch up on the next server', async () => {
    const dataDir = await seededDataDir();
    const first = npmStart(dataDir);
    const firstUrl = await first.url;
    proxy = await tcpProxy(portOf(firstUrl));
    const base = proxy.url;
    const cookie = await signIn(base, 'coordinator.mountain@beacon.demo');

    // A client in the Mountain outreach room, reconnecting by itself and catching up by seq on rejoin.
    const room = rowsRoom('outreach', { division: 'mountain' });
    socket = connect(base, { cookie, reconnection: true });
    await connected(socket);
    const seen = new Set<number>();
    let lastSeq = (await join(socket, room)).ok ? 0 : -1;
    expect(lastSeq).toBe(0);
    let rejoins = 0;
    socket.on('rows:changed', (p) => {
      for (const c of p.changes) if (c.entity === 'outreach_event') seen.add(c.id);
      lastSeq = Math.max(lastSeq, p.seq);
    });
    socket.io.on('reconnect', () => {
      void join(socket!, room, lastSeq).then((r) => {
        rejoins++;
        if (r.ok && r.catchUp.kind === 'changes') for (const c of r.catchUp.changes) if (c.entity === 'outreach_event') seen.add(c.id);
      });
    });

    // Writers: each acknowledged create is an id the database must still hold.
    const acknowledged: number[] = [];
    let refused = 0;
    let stopWriting = false;
    const write = async (n: number) => {
      const res = await fetch(`${base}/trpc/outreach.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, origin: base },
        body: JSON.stringify({ occurredOn: '2026-11-20', state: 'UT', format: 'webinar', audience: 'parents', attendees: n })
      }).catch(() => null);
      if (!res?.ok) return void refused++;
      const body = (await res.json()) as { result: { data: { id: number } } };
      acknowledged.push(body.result.data.id);
    };
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stopWriting; i++) await write(w * 1000 + i);
    });
    await until(() => acknowledged.length >= 20, 60_000, '20 acknowledged writes');

    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    const code = await first.exited;
    const stoppedInMs = Date.now() - signalledAt;
    expect(code).toBe(0);
    expect(stoppedInMs).toBeLessThan(10_000);
    expect(first.output()).toMatch(/"msg":"stopped"/);
    await until(() => refused > 0, 10_000, 'writes refused while no server runs');
    stopWriting = true;
    await Promise.all(writers);

    // The next server on the same data directory; the proxy sends the clients there.
    next = await startLiveServer({ dataDir });
    proxy.retarget(portOf(next.url));
    await until(() => rejoins > 0, 30_000, 'the client reconnected and rejoined');
    const [rows] = (await next.exec([{ sql: 'select id from outreach_event where id = any($1::bigint[])', params: [acknowledged] }])) as Array<Array<{ id: number }>>;
    expect(new Set(rows.map((r) => Number(r.id)))).toEqual(new Set(acknowledged));
    await until(() => acknowledged.every((id) => seen.has(id)), 15_000, 'every acknowledged write seen by the client');
  }, 240_000);
});

const metricsToken = 'test-metrics-token-0123456789';

async function scrape(base: string, token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, text: await res.text() };
}

/** Sum of a metric's samples whose labels contain every given pair. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe.skipIf(!postgresUrl)('metrics and readiness on Postgres', () => {
  let server: LiveServer | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let socket: LiveSocket | undefined;
  afterAll(async () => {
    socket?.close();
    await server?.stop();
    if (database) {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`alter database "${new URL(database.url).pathname.slice(1)}" allow_connections true`).catch(() => undefined);
      await c.end();
      await database.drop();
    }
  });

  it('scrapes only with the token, and the counters move after a write and a push', async () => {
    database = await createPostgresDatabase(postgresUrl!);
    server = await startLiveServer({ env: { DATABASE_URL: database.url, BEACON_DEMO: '1', BEACON_METRICS_TOKEN: metricsToken } });
    expect((await scrape(server.url)).status).toBe(401);
    expect((await scrape(server.url, 'wrong-token-wrong-token-wrong')).status).toBe(401);
    const before = await scrape(server.url, metricsToken);
    expect(before.status).toBe(200);

    const cookie = await signIn(server.url, 'coordinator.mountain@beacon.demo');
    socket = connect(server.url, { cookie });
    await connected(socket);
    const room = rowsRoom('outreach', { division: 'mountain' });
    expect((await join(socket, room)).ok).toBe(true);
    const pushed = new Promise((resolve) => socket!.once('rows:changed', resolve));
    const res = await fetch(`${server.url}/trpc/outreach.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: server.url },
      body: JSON.stringify({ occurredOn: '2026-11-20', state: 'UT', format: 'webinar', audience: 'parents', attendees: 12 })
    });
    expect(res.status).toBe(200);
    await pushed;
    const after = await scrape(server.url, metricsToken);
    const moved = (name: string, labels?: Record<string, string>) => sample(after.text, name, labels) - sample(before.text, name, labels);
    expect(moved('beacon_trpc_duration_seconds_count', { procedure: 'outreach.create', outcome: 'ok' })).toBe(1);
    expect(moved('beacon_http_request_duration_seconds_count', { route: '/login' })).toBeGreaterThanOrEqual(1);
    expect(moved('beacon_live_changes_delivered_total')).toBeGreaterThanOrEqual(1);
    expect(moved('beacon_live_row_pushes_total')).toBeGreaterThanOrEqual(1);
    expect(moved('beacon_live_commit_to_push_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(moved('beacon_change_log_seq')).toBeGreaterThanOrEqual(1);
    expect(sample(after.text, 'beacon_live_sockets')).toBe(1);
    expect(sample(after.text, 'beacon_live_rooms')).toBeGreaterThanOrEqual(1);
    expect(sample(after.text, 'beacon_db_pool_connections')).toBeGreaterThanOrEqual(1);
    expect(sample(after.text, 'beacon_scheduler_runs_total')).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('/readyz turns unready when the LISTEN connection is killed and ready when it is back', async () => {
    const ready = async () => {
      const res = await fetch(`${server!.url}/readyz`);
      return { status: res.status, body: (await res.json()) as { ready: boolean; reasons: string[]; version: string } };
    };
    const first = await ready();
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);

    const dbName = new URL(database!.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      // Keep it down while we look: new connections to this database are refused until allowed again.
      await admin.query(`alter database "${dbName}" allow_connections false`);
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'beacon-live-listener'`,
        [dbName]
      );
      expect(killed.rowCount).toBe(1);
      let unready: Awaited<ReturnType<typeof ready>> | undefined;
      await until(async () => (unready = await ready()).status === 503, 15_000, '/readyz 503');
      expect(unready!.body.reasons).toContain('change listener not connected');
      await admin.query(`alter database "${dbName}" allow_connections true`);
      await until(async () => (await ready()).status === 200, 30_000, '/readyz 200 again');
    } finally {
      await admin.query(`alter database "${dbName}" allow_connections true`).catch(() => undefined);
      await admin.end();
    }
  }, 90_000);
});
