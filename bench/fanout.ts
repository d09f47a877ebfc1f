// Live fan-out benchmark: the production server (scripts/serve.js, on Postgres) and its clients in
// separate processes. 1,000 connected Socket.IO clients; per phase they are in the rooms one page
// joins — a needs board (`needs:all`: row changes) or the overview dashboard (`dashboard:overview`:
// the dashboard topic), and for scale both at once — while a separate writer commits at 10/s and
// 200/s (after an unmeasured warm-up at that rate). Reports commit-to-client latency (p50/p99/max)
// for row changes and for the dashboard topic, the server's RSS and CPU, and — in the same run, to
// the same client processes — a bare `ws` broadcast of a same-sized payload at the same rate: one
// frame per write, coalesced as the hub coalesces, and coalesced while the same writes commit (the
// run the row-change target is checked against). Then 5,000 clients connect and must all receive
// every change without errors.
//
//   npx tsx bench/fanout.ts [--clients 1000] [--big 5000] [--seconds 10] [--warmup 3] [--rates 10,200]
//                           [--audiences rows,dashboard,both]
// Diagnostics: BENCH_FANOUT_SERIES=1 logs the first arrival of every write; BENCH_SERVER_LOG=file
// keeps the server's output; BENCH_SERVER_NODE_ARGS / BENCH_CLIENTS_NODE_ARGS / BENCH_WS_SERVER_NODE_ARGS
// pass Node flags (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") to those processes.
// Exported as benchFanout()/fanoutSection() for bench/run.ts.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { LIVE_LIMITS } from '../src/lib/server/live/socket-limits.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** A session holds at most this many sockets (the server refuses more). */
const SOCKETS_PER_SESSION = LIVE_LIMITS.socketsPerSession;
const self = fileURLToPath(import.meta.url);
const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------
// Latency histograms: 0.1 ms buckets up to 1 s, then 1 ms buckets up to 120 s (mergeable across processes).
const FINE_MS = 1000;
const FINE = FINE_MS * 10;
const BUCKETS = FINE + 119_000;
type Histogram = { counts: Uint32Array; max: number; n: number };
const histogram = (): Histogram => ({ counts: new Uint32Array(BUCKETS + 1), max: 0, n: 0 });
const bucketOf = (ms: number) => (ms < FINE_MS ? Math.floor(ms * 10) : Math.min(BUCKETS, FINE + Math.floor(ms - FINE_MS)));
const bucketMid = (i: number) => (i < FINE ? (i + 0.5) / 10 : FINE_MS + (i - FINE) + 0.5);
function record(h: Histogram, ms: number) {
  const v = Math.max(0, ms);
  h.counts[bucketOf(v)]++;
  h.max = Math.max(h.max, v);
  h.n++;
}
function merge(into: Histogram, from: Histogram) {
  for (let i = 0; i <= BUCKETS; i++) into.counts[i] += from.counts[i];
  into.max = Math.max(into.max, from.max);
  into.n += from.n;
}
function percentile(h: Histogram, p: number): number {
  if (!h.n) return NaN;
  const rank = Math.ceil((p / 100) * h.n);
  let seen = 0;
  for (let i = 0; i <= BUCKETS; i++) {
    seen += h.counts[i];
    if (seen >= rank) return Math.min(bucketMid(i), h.max);
  }
  return h.max;
}
const summary = (h: Histogram) => ({ p50: percentile(h, 50), p99: percentile(h, 99), max: h.max, samples: h.n });
export type LatencySummary = ReturnType<typeof summary>;

// ---------------------------------------------------------------------------------------------
// Role: clients (a child process holding `count` socket.io connections and `count` bare ws ones).
type ToClients =
  | { type: 'connect'; url: string; wsUrl?: string; cookies: string[]; count: number }
  | { type: 'rooms'; join: string[]; leave: string[] }
  | { type: 'reset' }
  | { type: 'report'; commits: Array<[number, number]>; rows: boolean; dashboard: boolean }
  | { type: 'close' };

async function clientsRole() {
  const { io } = await import('socket.io-client');
  const { WebSocket } = await import('ws');
  type Conn = { socket: import('socket.io-client').Socket; rowsBySeq: Map<number, number>; dashboard: Array<[number, number]> };
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
}

// ---------------------------------------------------------------------------------------------
// Role: bare ws server (a child process): broadcasts messages of a given size at a given rate,
// - `per-write`: one frame per message, every message sent to every client before the next;
// - `coalesced`: each frame carries every message that came due since the last one began (what the
//   hub does with row changes: those arriving while it writes to sockets go out together next).
async function wsServerRole() {
  const { WebSocketServer } = await import('ws');
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
}

// ---------------------------------------------------------------------------------------------
// Orchestration.
/** Extra Node flags for a bench process, from BENCH_<PROCESS>_NODE_ARGS (diagnostics: see the header). */
const nodeArgs = (name: 'server' | 'clients' | 'ws-server') =>
  process.env[`BENCH_${name.toUpperCase().replace('-', '_')}_NODE_ARGS`]?.split(' ').filter(Boolean) ?? [];
function child(role: 'clients' | 'ws-server'): ChildProcess {
  return fork(self, [`--role=${role}`], { execArgv: ['--import', 'tsx', ...nodeArgs(role)], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
function reply<T>(c: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type !== type) return;
      c.off('message', on);
      resolve(m as T);
    };
    c.on('message', on);
  });
}

function procStats(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100 };
}

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
function machineJiffies() {
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = fields.map(Number);
  const idle = n[3] + n[4];
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

async function startApp(databaseUrl: string) {
  const env = { ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, BEACON_DEMO: '1', BEACON_DEMO_PASSWORD: 'beacon-demo' };
  const proc = spawn(process.execPath, [...nodeArgs('server'), path.join(root, 'scripts', 'serve.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 180_000);
    proc.stdout!.on('data', () => {
      const m = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    });
    proc.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
  return { proc, url, output: () => out };
}

/** Sessions enough for `sockets` connections (a session may hold SOCKETS_PER_SESSION of them). */
export async function sessionCookies(url: string, sockets: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < Math.ceil(sockets / SOCKETS_PER_SESSION); i++) cookies.push(await signIn(url));
  return cookies;
}

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: 'email=director%40beacon.demo&password=beacon-demo'
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (!cookie) throw new Error(`sign-in failed (${res.status})`);
  return cookie;
}

/** Commits `rate` writes per second for `seconds`; returns [seq, commit time] per write. */
async function writeAt(pool: pg.Pool, ids: number[], rate: number, seconds: number): Promise<Array<[number, number]>> {
  const total = Math.round(rate * seconds);
  const commits: Array<[number, number]> = [];
  const started = now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const id = ids[i % ids.length];
    inFlight.push(
      (async () => {
        // One round trip (simple protocol, several statements, one transaction), so the writer and
        // Postgres spend as little of the shared CPU as a write can; `id` is an integer from the database.
        const c = await pool.connect();
        try {
          const results = (await c.query(
            `begin; update aftercare_need set estimated_cost_cents = estimated_cost_cents + 1 where id = ${Number(id)}; ` +
              `select currval(pg_get_serial_sequence('change_log', 'seq'))::int as seq; commit`
          )) as unknown as pg.QueryResult<{ seq: number }>[];
          const rows = results[2].rows;
          commits.push([rows[0].seq, now()]);
        } finally {
          c.release();
        }
      })()
    );
  }
  await Promise.all(inFlight);
  return commits.sort((a, b) => a[0] - b[0]);
}

const ROWS_ROOM = 'needs:all';
const DASHBOARD_ROOM = 'dashboard:overview';
/** Who the 1,000 clients are in a phase: the rooms that page joins. */
const AUDIENCES = {
  /** A needs board (org-wide): row changes only. */
  rows: [ROWS_ROOM],
  /** The overview dashboard (a wall screen): the dashboard topic only. */
  dashboard: [DASHBOARD_ROOM],
  /** No Beacon page joins both; every write then costs each client two frames. Reported, for scale. */
  both: [ROWS_ROOM, DASHBOARD_ROOM]
} as const;
export type Audience = keyof typeof AUDIENCES;

export interface FanoutPhase {
  audience: Audience;
  rooms: string[];
  rate: number;
  clients: number;
  writes: number;
  rows?: LatencySummary;
  /** Per write, the first client to get it: the server's pipeline without the spread over the sockets. */
  rowsFirst?: LatencySummary;
  dashboard?: LatencySummary;
  /** Per write, the first client whose dashboard reflects it. */
  dashboardFirst?: LatencySummary;
  rowPayloadBytes: number;
  /** (client, write) pairs whose row change never arrived. */
  rowsMissing: number;
  /** Dashboard clients whose last view is older than the last write. */
  dashboardsBehind: number;
  errors: number;
  serverRssMb: number;
  serverCpuPercent: number;
  /** Client processes together, in % of one core. */
  clientsCpuPercent: number;
  /** The whole machine busy, in % of all cores (server, clients, writer, Postgres and anything else). */
  machineBusyPercent: number;
  /** Socket.IO pushes each client received in the measured part (row pushes coalesce changes). */
  pushesPerClient: number;
  /** The server's CPU over the phase divided by those pushes: what one push to every client costs it, all its other work included. */
  serverCpuMsPerPush: number;
}
export type BareWsMode = 'per-write' | 'coalesced';
const BARE_WS_VARIANTS: Array<{ mode: BareWsMode; writes: boolean }> = [
  { mode: 'per-write', writes: false },
  { mode: 'coalesced', writes: false },
  { mode: 'coalesced', writes: true }
];
export interface BareWsPhase {
  rate: number;
  mode: BareWsMode;
  /** The phase's writes were committing to Postgres meanwhile (the same load on the machine as the hub's run). */
  writes: boolean;
  bytes: number;
  /** Frames sent to each client per second (coalesced: fewer than messages once it falls behind). */
  framesPerSecond: number;
  /** The bare ws server's CPU over the measured broadcast divided by its frames: one frame to every client. */
  serverCpuMsPerFrame: number;
  /** From each message's scheduled time (like a commit, it happens whether or not the broadcaster keeps up). */
  latency: LatencySummary;
  /** From the moment its broadcast began: the spread over the sockets alone. */
  spread: LatencySummary;
  /** Messages per second the bare ws server actually sent to every client. */
  achievedRate: number;
  errors: number;
}
const bareLabel = (w: BareWsPhase) => `${w.mode}${w.writes ? ', writes running' : ''}`;
export interface FanoutResult {
  machine: string;
  /** Socket.IO clients asked for in the measured phases. */
  clients: number;
  warmupSeconds: number;
  seconds: number;
  phases: FanoutPhase[];
  bareWs: BareWsPhase[];
  big: { clients: number; connected: number; retries: number; writes: number; missing: number; dashboardsBehind: number; errors: number; rssMb: number; rows: LatencySummary; dashboard: LatencySummary };
  idleRssMb: number;
  /** os.loadavg() when the benchmark started: was anything else running? */
  loadBefore: number[];
}

export async function benchFanout(options: { serverUrl: string; clients?: number; big?: number; seconds?: number; warmup?: number; rates?: number[]; audiences?: Audience[]; log?: (s: string) => void }): Promise<FanoutResult> {
  const log = options.log ?? ((s: string) => console.error(s));
  const clients = options.clients ?? 1000;
  const big = options.big ?? 5000;
  const seconds = options.seconds ?? 10;
  const warmup = options.warmup ?? 3;
  const audiences = options.audiences ?? (Object.keys(AUDIENCES) as Audience[]);
  const loadBefore = os.loadavg();
  const rates = options.rates ?? [10, 200];
  const { ensureBuild } = await import('../scripts/build-if-stale.js');
  ensureBuild();

  const dbName = `beacon_bench_fanout_${process.pid}`;
  const admin = new pg.Client({ connectionString: options.serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  const u = new URL(options.serverUrl);
  u.pathname = `/${dbName}`;
  const databaseUrl = u.toString();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  pool.on('error', () => undefined); // the final drop terminates idle clients
  const children: ChildProcess[] = [];
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    log('fanout: starting the server (Postgres, demo data)…');
    app = await startApp(databaseUrl);
    const ids = (await pool.query<{ id: number }>('select id from aftercare_need order by id')).rows.map((r) => Number(r.id));
    const idleRssMb = procStats(app.proc.pid!).rssMb;

    const wsServer = child('ws-server');
    children.push(wsServer);
    const { port: wsPort } = await reply<{ port: number }>(wsServer, 'ready');

    const spawnClients = async (total: number, perProcess: number, withWs: boolean) => {
      const group: ChildProcess[] = [];
      for (let left = total; left > 0; left -= perProcess) {
        const c = child('clients');
        children.push(c);
        group.push(c);
        await reply(c, 'ready');
      }
      const results = await Promise.all(
        group.map(async (c, i) => {
          const count = Math.min(perProcess, total - i * perProcess);
          const done = reply<{ connections: number; errorCount: number; errors: string[]; retries: number }>(c, 'connected');
          const cookies = await sessionCookies(app!.url, count);
          c.send({ type: 'connect', url: app!.url, wsUrl: withWs ? `ws://127.0.0.1:${wsPort}` : undefined, cookies, count } satisfies ToClients);
          return done;
        })
      );
      const connected = results.reduce((s, r) => s + r.connections, 0);
      const errors = results.reduce((s, r) => s + r.errorCount, 0);
      const retries = results.reduce((s, r) => s + r.retries, 0);
      if (errors) log(`fanout: connection errors: ${results.flatMap((r) => r.errors).slice(0, 3).join('; ')}`);
      return { group, connected, errors, retries };
    };

    type Report = { rows: Histogram; dash: Histogram; ws: Histogram; wsSpread: Histogram; first: number[]; dashFirst: number[]; rowsMissing: number; dashboardsBehind: number; rowPayloadBytes: number; frames: number; connections: number; errors: string[]; errorCount: number };
    const collect = async (group: ChildProcess[], commits: Array<[number, number]>, expect: { rows: boolean; dashboard: boolean }) => {
      const reports = await Promise.all(
        group.map((c) => {
          const r = reply<Report>(c, 'report');
          c.send({ type: 'report', commits, ...expect } satisfies ToClients);
          return r;
        })
      );
      const rows = histogram(), dash = histogram(), ws = histogram(), wsSpread = histogram();
      const errorSample = reports.flatMap((r) => r.errors);
      if (errorSample.length) log(`fanout: client errors: ${errorSample.slice(0, 3).join('; ')}`);
      for (const r of reports) {
        merge(rows, r.rows);
        merge(dash, r.dash);
        merge(ws, r.ws);
        merge(wsSpread, r.wsSpread);
      }
      // Per write, the first of all clients to get it: the server's own pipeline, without the spread.
      const firstOf = (key: 'first' | 'dashFirst') => {
        const h = histogram();
        const series: number[] = [];
        commits.forEach(([, committed], i) => {
          const t = Math.min(...reports.map((r) => r[key][i]));
          if (Number.isFinite(t)) record(h, t - committed);
          series.push(Math.round(t - committed));
        });
        if (process.env.BENCH_FANOUT_SERIES && h.n) log(`fanout: ${key} arrival per write (ms): ${series.join(' ')}`);
        return h;
      };
      const bytes = reports.map((r) => r.rowPayloadBytes).filter((b) => b > 0);
      return {
        rows, dash, ws, wsSpread, first: firstOf('first'), dashFirst: firstOf('dashFirst'),
        rowsMissing: reports.reduce((s, r) => s + r.rowsMissing, 0), dashboardsBehind: reports.reduce((s, r) => s + r.dashboardsBehind, 0),
        errors: reports.reduce((s, r) => s + r.errorCount, 0), rowPayloadBytes: bytes.length ? bytes.reduce((a, b) => a + b) / bytes.length : NaN,
        /** Pushes each connection received (all of them get every push of their rooms). */
        framesPerClient: reports.reduce((s, r) => s + r.frames, 0) / Math.max(1, reports.reduce((s, r) => s + r.connections, 0))
      };
    };
    const reset = (group: ChildProcess[]) => Promise.all(group.map((c) => { const r = reply(c, 'reset'); c.send({ type: 'reset' } satisfies ToClients); return r; }));

    const setRooms = async (group: ChildProcess[], join: readonly string[], leave: readonly string[]) => {
      const results = await Promise.all(
        group.map((c) => {
          const r = reply<{ failures: number }>(c, 'rooms');
          c.send({ type: 'rooms', join: [...join], leave: [...leave] } satisfies ToClients);
          return r;
        })
      );
      const failures = results.reduce((n, r) => n + r.failures, 0);
      if (failures) throw new Error(`${failures} room joins refused`);
    };

    log(`fanout: connecting ${clients} clients (Socket.IO + bare ws) in ${Math.ceil(clients / 250)} processes…`);
    const main = await spawnClients(clients, 250, true);
    log(`fanout: ${main.connected} connected`);
    const phases: FanoutPhase[] = [];
    const bareWs: BareWsPhase[] = [];
    let joined: readonly string[] = [];
    for (const rate of rates) {
      for (const audience of audiences) {
        const rooms: readonly string[] = AUDIENCES[audience];
        await setRooms(main.group, rooms, joined.filter((r) => !rooms.includes(r)));
        joined = rooms;
        const expect = { rows: rooms.includes(ROWS_ROOM), dashboard: rooms.includes(DASHBOARD_ROOM) };
        // Warm-up at the phase's rate, not measured: JIT, query plans, first dashboard reads and the
        // clients' first messages happen here, for the hub and for the bare ws server alike.
        log(`fanout: ${audience} clients, warm-up ${rate} writes/s for ${warmup} s…`);
        await writeAt(pool, ids, rate, warmup);
        await new Promise((r) => setTimeout(r, 1000));
        await reset(main.group);
        const before = procStats(app.proc.pid!);
        const clientsBefore = main.group.reduce((sum, c) => sum + procStats(c.pid!).cpuSeconds, 0);
        const machineBefore = machineJiffies();
        const t0 = now();
        log(`fanout: ${audience} clients, ${rate} writes/s for ${seconds} s…`);
        const commits = await writeAt(pool, ids, rate, seconds);
        await new Promise((r) => setTimeout(r, 2000));
        const after = procStats(app.proc.pid!);
        const wall = (now() - t0) / 1000;
        const clientsCpu = ((main.group.reduce((sum, c) => sum + procStats(c.pid!).cpuSeconds, 0) - clientsBefore) / wall) * 100;
        const machineAfter = machineJiffies();
        const live = await collect(main.group, commits, expect);
        phases.push({
          audience, rooms: [...rooms], rate, clients: main.connected, writes: commits.length,
          rows: expect.rows ? summary(live.rows) : undefined, rowsFirst: expect.rows ? summary(live.first) : undefined,
          dashboard: expect.dashboard ? summary(live.dash) : undefined, dashboardFirst: expect.dashboard ? summary(live.dashFirst) : undefined,
          rowPayloadBytes: Math.round(live.rowPayloadBytes), rowsMissing: live.rowsMissing, dashboardsBehind: live.dashboardsBehind, errors: live.errors,
          serverRssMb: after.rssMb, serverCpuPercent: ((after.cpuSeconds - before.cpuSeconds) / wall) * 100, clientsCpuPercent: clientsCpu,
          pushesPerClient: live.framesPerClient, serverCpuMsPerPush: ((after.cpuSeconds - before.cpuSeconds) * 1000) / Math.max(1, live.framesPerClient),
          machineBusyPercent: ((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * 100
        });
        log(`fanout: ${JSON.stringify(phases.at(-1))}`);
        if (audience !== 'rows') continue;

        // The baseline, to the same clients at the same rate: bare ws messages of the row push's size,
        // one frame per write, coalesced the way the hub coalesces row changes, and coalesced while the
        // same writes commit to Postgres (the clients then in no room, so the hub pushes nothing).
        const bytes = Math.round(live.rowPayloadBytes);
        for (const { mode, writes } of BARE_WS_VARIANTS) {
          if (writes && joined.length) {
            await setRooms(main.group, [], joined);
            joined = [];
          }
          const broadcast = async (secs: number) => {
            const done = reply<{ seconds: number; sent: number; frames: number }>(wsServer, 'done');
            wsServer.send({ type: 'broadcast', rate, seconds: secs, bytes, mode });
            const [d] = await Promise.all([done, writes ? writeAt(pool, ids, rate, secs) : undefined]);
            await new Promise((r) => setTimeout(r, 1000));
            return d;
          };
          log(`fanout: bare ws broadcast (${mode}${writes ? ', writes running' : ''}) of ${bytes} B at ${rate}/s: warm-up ${warmup} s, then ${seconds} s…`);
          await broadcast(warmup);
          await reset(main.group);
          const cpuBefore = procStats(wsServer.pid!).cpuSeconds;
          const sent = await broadcast(seconds);
          const cpuMs = (procStats(wsServer.pid!).cpuSeconds - cpuBefore) * 1000;
          const bare = await collect(main.group, [], { rows: false, dashboard: false });
          bareWs.push({
            rate, mode, writes, bytes, latency: summary(bare.ws), spread: summary(bare.wsSpread), achievedRate: sent.sent / sent.seconds,
            framesPerSecond: sent.frames / sent.seconds, serverCpuMsPerFrame: cpuMs / sent.frames, errors: bare.errors
          });
          log(`fanout: ${JSON.stringify(bareWs.at(-1))}`);
        }
      }
    }
    for (const c of main.group) c.send({ type: 'close' } satisfies ToClients);
    await new Promise((r) => setTimeout(r, 2000));

    log(`fanout: connecting ${big} clients (Socket.IO only) in ${Math.ceil(big / 1000)} processes…`);
    const large = await spawnClients(big, 1000, false);
    log(`fanout: ${large.connected} connected, ${large.errors} errors, ${large.retries} handshake retries`);
    await setRooms(large.group, AUDIENCES.both, []);
    await reset(large.group);
    const commits = await writeAt(pool, ids, 10, 5);
    await new Promise((r) => setTimeout(r, 3000));
    const got = await collect(large.group, commits, { rows: true, dashboard: true });
    const bigResult = {
      clients: big, connected: large.connected, retries: large.retries, writes: commits.length, missing: got.rowsMissing, errors: large.errors + got.errors,
      rssMb: procStats(app.proc.pid!).rssMb, rows: summary(got.rows), dashboard: summary(got.dash), dashboardsBehind: got.dashboardsBehind
    };
    log(`fanout: ${JSON.stringify(bigResult)}`);
    for (const c of large.group) c.send({ type: 'close' } satisfies ToClients);
    return { machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`, clients, phases, bareWs, big: bigResult, idleRssMb, warmupSeconds: warmup, seconds, loadBefore };
  } finally {
    for (const c of children) if (c.connected) c.send({ type: 'close' });
    await new Promise((r) => setTimeout(r, 500));
    for (const c of children) c.kill();
    if (process.env.BENCH_SERVER_LOG && app) fs.writeFileSync(process.env.BENCH_SERVER_LOG, app.output());
    app?.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await pool.end();
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await admin.end();
  }
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');

const lat = (l?: LatencySummary) => (l ? `${ms(l.p50)} / ${ms(l.p99)} / ${ms(l.max)}` : '—');
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

export function fanoutSection(r: FanoutResult): string {
  const rows = r.phases.map(
    (p) =>
      `| ${p.rate}/s | ${p.clients} in ${p.rooms.map((x) => `\`${x}\``).join(' + ')} | ${lat(p.rows)} | ${lat(p.dashboard)} | ${p.rowsFirst ? ms(p.rowsFirst.p99) : '—'} / ${p.dashboardFirst ? ms(p.dashboardFirst.p99) : '—'} | ${p.rowsMissing} / ${p.dashboardsBehind} | ${p.serverRssMb.toFixed(0)} MB | ${p.serverCpuPercent.toFixed(0)}% | ${p.serverCpuMsPerPush.toFixed(1)} ms (${p.pushesPerClient.toFixed(0)}) | ${p.clientsCpuPercent.toFixed(0)}% | ${p.machineBusyPercent.toFixed(0)}% |`
  );
  const bare = r.bareWs.map(
    (w) => `| ${w.rate}/s | ${bareLabel(w)} | ${w.bytes} B | ${w.achievedRate.toFixed(1)}/s | ${w.framesPerSecond.toFixed(1)}/s | ${lat(w.latency)} | ${ms(w.spread.p50)} / ${ms(w.spread.p99)} | ${w.serverCpuMsPerFrame.toFixed(1)} ms |`
  );
  const checks: string[] = [];
  for (const rate of [...new Set(r.phases.map((p) => p.rate))]) {
    const rowsPhase = r.phases.find((p) => p.rate === rate && p.audience === 'rows');
    const dashPhase = r.phases.find((p) => p.rate === rate && p.audience === 'dashboard');
    // The target's baseline: the bare ws broadcast that differs from the hub's run only in the hub — the
    // same clients, rate and message size, coalesced as the hub coalesces, with the same writes committing.
    const bareAt = r.bareWs.filter((x) => x.rate === rate);
    const w = bareAt.find((x) => x.mode === 'coalesced' && x.writes);
    const parts: string[] = [];
    if (rowsPhase?.rows && w) {
      const ratio = rowsPhase.rows.p99 / w.latency.p99;
      const others = bareAt
        .filter((x) => x !== w)
        .map((x) => `${bareLabel(x)} ${ms(x.latency.p99)} ms = ${(rowsPhase.rows!.p99 / x.latency.p99).toFixed(2)}×${x.achievedRate < rate * 0.95 ? ` (it kept up only ${x.achievedRate.toFixed(0)}/s)` : ''}`)
        .join(', ');
      parts.push(`row-change p99 ${ms(rowsPhase.rows.p99)} ms vs bare ws p99 ${ms(w.latency.p99)} ms (${bareLabel(w)}) = ${ratio.toFixed(2)}× (≤ 2×: ${verdict(ratio <= 2)}; against the other bare ws runs: ${others})`);
    }
    if (dashPhase?.dashboard) parts.push(`dashboard p99 ${ms(dashPhase.dashboard.p99)} ms (≤ 150 ms: ${verdict(dashPhase.dashboard.p99 <= 150)})`);
    const rss = Math.max(...r.phases.filter((p) => p.rate === rate).map((p) => p.serverRssMb));
    parts.push(`RSS ≤ ${rss.toFixed(0)} MB (≤ 300 MB: ${verdict(rss <= 300)})`);
    const lost = r.phases.filter((p) => p.rate === rate).reduce((n, p) => n + p.rowsMissing + p.dashboardsBehind + p.errors, 0);
    parts.push(`${lost} row changes missed, dashboards left behind or client errors`);
    checks.push(`- ${rate}/s: ${parts.join('; ')}`);
  }
  const b = r.big;
  return `## Live fan-out (Socket.IO hub vs bare ws)

${new Date().toISOString().slice(0, 10)} · ${r.machine} · load average ${r.loadBefore.map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) before the run · server, writer, Postgres and client processes on the same machine · each phase: ${r.warmupSeconds} s warm-up at its rate (not measured), then ${r.seconds} s of writes

The same ${r.clients} Socket.IO clients (real \`socket.io-client\`, ${Math.ceil(r.clients / 250)} processes of up to 250) join, per phase, the rooms one page joins: a needs
board (\`needs:all\`, row changes) or the overview dashboard (\`dashboard:overview\`, the dashboard topic). Latency is from the
writer's commit to the client's handler. "First client" is the first of them to get each write (the server's own pipeline,
without the spread over sockets). Missed = (client, write) row changes never received / dashboard clients whose last view is older
than the last write. Server CPU per push is all the server's CPU in the phase divided by the pushes each client received (row
pushes coalesce the changes that arrive while the previous push is being written).

| writes | clients | row change p50 / p99 / max ms | dashboard p50 / p99 / max ms | first client p99 row / dashboard | missed | server RSS | server CPU | server CPU per push (pushes per client) | client procs CPU | machine busy |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Bare \`ws\` broadcast to the same clients (a child process; messages of a one-change row push's size, at the phase's rate, to
every client): \`per-write\` sends one frame per message; \`coalesced\` sends in each frame every message that came due since the
previous frame began, as the hub does with row changes; \`writes running\`: meanwhile the writer commits the phase's writes to
Postgres as in the hub's run (the clients then in no room, so the hub pushes nothing) — on one machine that load is part of what
the hub's clients wait for. Latency is from each message's scheduled time, as a commit happens whether or not the broadcaster
keeps up; "spread" is from the start of its frame's broadcast, so it leaves out any backlog. The row-change target is checked
against \`coalesced, writes running\`, the run that differs from the hub's only in the hub; the ratios to the others follow it.

| rate | mode | message | messages/s sent | frames/s | p50 / p99 / max ms | spread p50 / p99 ms | server CPU per frame |
|---|---|---|---|---|---|---|---|
${bare.join('\n')}

Idle server RSS before clients: ${r.idleRssMb.toFixed(0)} MB.
${checks.join('\n')}
- ${b.clients} clients in both rooms: ${b.connected} connected (${b.retries} handshake retries), ${b.errors} errors, ${b.missing} row changes missed of ${b.writes * b.connected}, ${b.dashboardsBehind} dashboards behind; row p99 ${ms(b.rows.p99)} ms, dashboard p99 ${ms(b.dashboard.p99)} ms; server RSS ${b.rssMb.toFixed(0)} MB → ${verdict(b.connected === b.clients && b.errors === 0 && b.missing === 0 && b.dashboardsBehind === 0)}`;
}

// ---------------------------------------------------------------------------------------------
const role = process.argv.find((a) => a.startsWith('--role='))?.slice('--role='.length);
if (role === 'clients') await clientsRole();
else if (role === 'ws-server') await wsServerRole();
else if (process.argv[1] && path.resolve(process.argv[1]) === self) {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
  };
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const result = await benchFanout({
    serverUrl,
    clients: Number(arg('clients', '1000')),
    big: Number(arg('big', '5000')),
    seconds: Number(arg('seconds', '10')),
    warmup: Number(arg('warmup', '3')),
    audiences: arg('audiences', 'rows,dashboard,both').split(',') as Audience[],
    rates: arg('rates', '10,200').split(',').map(Number)
  });
  fs.mkdirSync(path.join(root, 'bench', 'out'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', 'out', 'fanout.json'), JSON.stringify(result, null, 2));
  console.log(fanoutSection(result));
  process.exit(0);
}
