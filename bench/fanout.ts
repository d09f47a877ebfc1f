// Live fan-out benchmark: the production server (scripts/serve.js, on Postgres) and its clients in
// separate processes. 1,000 connected dashboard clients (each in `dashboard:overview` and
// `needs:all`); writes committed by a separate writer at 10/s and 200/s. Reports commit-to-client
// latency (p50/p99/max) for row changes and for the dashboard topic, the server's RSS and CPU, and —
// in the same run, to the same 1,000 client processes — a bare `ws` broadcast of a same-sized payload
// at the same rate. Then 5,000 clients connect and must all receive every change without errors.
//
//   npx tsx bench/fanout.ts [--clients 1000] [--big 5000] [--seconds 10] [--rates 10,200]
// Exported as benchFanout()/fanoutSection() for bench/run.ts.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------
// Latency histograms: 0.1 ms buckets up to 10 s (mergeable across processes).
const BUCKET_MS = 0.1;
const BUCKETS = 100_000;
type Histogram = { counts: Uint32Array; max: number; n: number };
const histogram = (): Histogram => ({ counts: new Uint32Array(BUCKETS + 1), max: 0, n: 0 });
function record(h: Histogram, ms: number) {
  const v = Math.max(0, ms);
  h.counts[Math.min(BUCKETS, Math.floor(v / BUCKET_MS))]++;
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
    if (seen >= rank) return (i + 0.5) * BUCKET_MS;
  }
  return h.max;
}
const summary = (h: Histogram) => ({ p50: percentile(h, 50), p99: percentile(h, 99), max: h.max, samples: h.n });
export type LatencySummary = ReturnType<typeof summary>;

// ---------------------------------------------------------------------------------------------
// Role: clients (a child process holding `count` socket.io connections and `count` bare ws ones).
type ToClients =
  | { type: 'connect'; url: string; wsUrl?: string; cookie: string; count: number }
  | { type: 'reset' }
  | { type: 'report'; commits: Array<[number, number]> }
  | { type: 'close' };

async function clientsRole() {
  const { io } = await import('socket.io-client');
  const { WebSocket } = await import('ws');
  type Conn = { rowsBySeq: Map<number, number>; dashboard: Array<[number, number]> };
  const conns: Conn[] = [];
  const sockets: Array<{ close(): void }> = [];
  let wsHist = histogram();
  let rowBytes = 0;
  let rowMessages = 0;
  let errors: string[] = [];
  let retries = 0;
  const send = (m: unknown) => process.send!(m);

  process.on('message', async (m: ToClients) => {
    if (m.type === 'connect') {
      errors = [];
      const batch = 25;
      for (let i = 0; i < m.count; i += batch) {
        await Promise.all(
          Array.from({ length: Math.min(batch, m.count - i) }, async () => {
            const conn: Conn = { rowsBySeq: new Map(), dashboard: [] };
            // Like a browser: a handshake that times out under a connection storm is retried (counted).
            const s = io(m.url, { transports: ['websocket'], extraHeaders: { cookie: m.cookie, origin: m.url }, reconnectionAttempts: 5, forceNew: true });
            s.io.on('reconnect_attempt', () => retries++);
            sockets.push(s);
            s.on('rows:changed', (p: { changes: Array<{ seq: number }> }) => {
              const t = now();
              // The size of a one-change push: the bare ws baseline sends one such message per write.
              if (p.changes.length === 1 && rowMessages++ % 97 === 0) rowBytes += JSON.stringify(['rows:changed', p]).length + 2;
              for (const c of p.changes) conn.rowsBySeq.set(c.seq, t);
            });
            s.on('dashboard:updated', (p: { seq: number }) => conn.dashboard.push([p.seq, now()]));
            s.on('dashboard:patched', (p: { seq: number }) => conn.dashboard.push([p.seq, now()]));
            s.on('disconnect', (reason: string) => reason !== 'io client disconnect' && errors.push(`disconnect: ${reason}`));
            try {
              await new Promise<void>((resolve, reject) => {
                s.once('connect', resolve);
                s.io.once('reconnect_failed', () => reject(new Error('could not connect after 5 retries')));
                s.on('connect_error', (err) => !s.active && reject(err)); // refused by the server: no retry
              });
              // From here on a disconnect is an error, not something to retry quietly.
              s.io.reconnection(false);
              for (const room of (process.env.BENCH_ROOMS ?? 'dashboard:overview,needs:all').split(',')) {
                const r = (await s.timeout(60_000).emitWithAck('room:join', { room })) as { ok: boolean; error?: string };
                if (!r.ok) throw new Error(`join ${room}: ${r.error}`);
              }
              conns.push(conn);
            } catch (err) {
              errors.push((err as Error).message);
            }
            if (m.wsUrl) {
              const ws = new WebSocket(m.wsUrl);
              sockets.push({ close: () => ws.close() });
              ws.on('message', (data) => {
                const t = now();
                const sent = JSON.parse(String(data)).t as number;
                record(wsHist, t - sent);
              });
              ws.on('error', (err) => errors.push(`ws: ${err.message}`));
              await new Promise((resolve) => ws.once('open', resolve));
            }
          })
        );
      }
      send({ type: 'connected', connections: conns.length, errors: errors.slice(0, 5), errorCount: errors.length, retries });
    } else if (m.type === 'reset') {
      for (const c of conns) {
        c.rowsBySeq.clear();
        c.dashboard = [];
      }
      wsHist = histogram();
      rowBytes = 0;
      rowMessages = 0;
      errors = [];
      send({ type: 'reset' });
    } else if (m.type === 'report') {
      const rows = histogram();
      const dash = histogram();
      let missing = 0;
      for (const c of conns) {
        let d = 0;
        for (const [seq, committed] of m.commits) {
          const got = c.rowsBySeq.get(seq);
          if (got === undefined) missing++;
          else record(rows, got - committed);
          // The first dashboard push that reflects this commit.
          while (d < c.dashboard.length && c.dashboard[d][0] < seq) d++;
          if (d < c.dashboard.length) record(dash, c.dashboard[d][1] - committed);
        }
      }
      const sampled = Math.max(1, Math.ceil(rowMessages / 97));
      send({ type: 'report', rows, dash, ws: wsHist, missing, rowPayloadBytes: rowBytes / sampled, errors: errors.slice(0, 5), errorCount: errors.length });
    } else if (m.type === 'close') {
      sockets.forEach((s) => s.close());
      setTimeout(() => process.exit(0), 200);
    }
  });
  send({ type: 'ready' });
}

// ---------------------------------------------------------------------------------------------
// Role: bare ws server (a child process): broadcasts a payload of a given size at a given rate.
async function wsServerRole() {
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  process.on('message', async (m: { type: 'broadcast'; rate: number; seconds: number; bytes: number } | { type: 'close' }) => {
    if (m.type === 'close') return void wss.close(() => process.exit(0));
    const total = Math.round(m.rate * m.seconds);
    const started = now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / m.rate;
      const wait = due - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const head = JSON.stringify({ i, t: now(), pad: '' });
      // Same size as the row-change frame the Socket.IO clients received.
      const payload = JSON.stringify({ i, t: now(), pad: 'x'.repeat(Math.max(0, m.bytes - head.length)) });
      for (const client of wss.clients) client.send(payload);
    }
    process.send!({ type: 'done' });
  });
  process.send!({ type: 'ready', port: (wss.address() as { port: number }).port });
}

// ---------------------------------------------------------------------------------------------
// Orchestration.
function child(role: string): ChildProcess {
  return fork(self, [`--role=${role}`], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
  const env = { ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, BEACON_DEMO: '1' };
  const proc = spawn(process.execPath, [path.join(root, 'scripts', 'serve.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
        const c = await pool.connect();
        try {
          await c.query('begin');
          await c.query('update aftercare_need set estimated_cost_cents = estimated_cost_cents + 1 where id = $1', [id]);
          const { rows } = await c.query(`select currval(pg_get_serial_sequence('change_log', 'seq'))::int as seq`);
          await c.query('commit');
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

export interface FanoutPhase {
  rate: number;
  clients: number;
  writes: number;
  rows: LatencySummary;
  dashboard: LatencySummary;
  bareWs: LatencySummary;
  rowPayloadBytes: number;
  missing: number;
  serverRssMb: number;
  serverCpuPercent: number;
  /** Client processes together, in % of one core. */
  clientsCpuPercent: number;
  /** The whole machine busy, in % of all cores (server, clients, writer, Postgres and anything else). */
  machineBusyPercent: number;
}
export interface FanoutResult {
  machine: string;
  phases: FanoutPhase[];
  big: { clients: number; connected: number; retries: number; writes: number; missing: number; errors: number; rssMb: number; rows: LatencySummary; dashboard: LatencySummary };
  idleRssMb: number;
}

export async function benchFanout(options: { serverUrl: string; clients?: number; big?: number; seconds?: number; rates?: number[]; log?: (s: string) => void }): Promise<FanoutResult> {
  const log = options.log ?? ((s: string) => console.error(s));
  const clients = options.clients ?? 1000;
  const big = options.big ?? 5000;
  const seconds = options.seconds ?? 10;
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
    const cookie = await signIn(app.url);
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
        group.map((c, i) => {
          const count = Math.min(perProcess, total - i * perProcess);
          const done = reply<{ connections: number; errorCount: number; errors: string[]; retries: number }>(c, 'connected');
          c.send({ type: 'connect', url: app!.url, wsUrl: withWs ? `ws://127.0.0.1:${wsPort}` : undefined, cookie, count } satisfies ToClients);
          return done;
        })
      );
      const connected = results.reduce((s, r) => s + r.connections, 0);
      const errors = results.reduce((s, r) => s + r.errorCount, 0);
      const retries = results.reduce((s, r) => s + r.retries, 0);
      if (errors) log(`fanout: connection errors: ${results.flatMap((r) => r.errors).slice(0, 3).join('; ')}`);
      return { group, connected, errors, retries };
    };

    const collect = async (group: ChildProcess[], commits: Array<[number, number]>) => {
      const reports = await Promise.all(
        group.map((c) => {
          const r = reply<{ rows: Histogram; dash: Histogram; ws: Histogram; missing: number; rowPayloadBytes: number; errorCount: number }>(c, 'report');
          c.send({ type: 'report', commits } satisfies ToClients);
          return r;
        })
      );
      const rows = histogram(), dash = histogram(), ws = histogram();
      const errorSample = reports.flatMap((r) => (r as unknown as { errors: string[] }).errors ?? []);
      if (errorSample.length) log(`fanout: client errors: ${errorSample.slice(0, 3).join('; ')}`);
      for (const r of reports) {
        merge(rows, r.rows);
        merge(dash, r.dash);
        merge(ws, r.ws);
      }
      const bytes = reports.map((r) => r.rowPayloadBytes).filter((b) => b > 0);
      return { rows, dash, ws, missing: reports.reduce((s, r) => s + r.missing, 0), errors: reports.reduce((s, r) => s + r.errorCount, 0), rowPayloadBytes: bytes.length ? bytes.reduce((a, b) => a + b) / bytes.length : 200 };
    };
    const reset = (group: ChildProcess[]) => Promise.all(group.map((c) => { const r = reply(c, 'reset'); c.send({ type: 'reset' } satisfies ToClients); return r; }));

    log(`fanout: connecting ${clients} clients (Socket.IO + bare ws) in ${Math.ceil(clients / 250)} processes…`);
    const main = await spawnClients(clients, 250, true);
    log(`fanout: ${main.connected} connected`);
    const phases: FanoutPhase[] = [];
    for (const rate of rates) {
      await reset(main.group);
      await new Promise((r) => setTimeout(r, 1000));
      const before = procStats(app.proc.pid!);
      const clientsBefore = main.group.reduce((sum, c) => sum + procStats(c.pid!).cpuSeconds, 0);
      const machineBefore = machineJiffies();
      const t0 = now();
      log(`fanout: ${rate} writes/s for ${seconds} s…`);
      const commits = await writeAt(pool, ids, rate, seconds);
      await new Promise((r) => setTimeout(r, 2000));
      const after = procStats(app.proc.pid!);
      const wall = (now() - t0) / 1000;
      const cpu = ((after.cpuSeconds - before.cpuSeconds) / wall) * 100;
      const clientsCpu = ((main.group.reduce((sum, c) => sum + procStats(c.pid!).cpuSeconds, 0) - clientsBefore) / wall) * 100;
      const machineAfter = machineJiffies();
      const machineBusy = ((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * 100;
      const live = await collect(main.group, commits);
      log(`fanout: bare ws broadcast of ${Math.round(live.rowPayloadBytes)} B at ${rate}/s for ${seconds} s…`);
      await reset(main.group);
      const done = reply(wsServer, 'done');
      wsServer.send({ type: 'broadcast', rate, seconds, bytes: Math.round(live.rowPayloadBytes) });
      await done;
      await new Promise((r) => setTimeout(r, 1000));
      const bare = await collect(main.group, []);
      phases.push({
        rate, clients: main.connected, writes: commits.length, rows: summary(live.rows), dashboard: summary(live.dash), bareWs: summary(bare.ws),
        rowPayloadBytes: Math.round(live.rowPayloadBytes), missing: live.missing, serverRssMb: after.rssMb, serverCpuPercent: cpu,
        clientsCpuPercent: clientsCpu, machineBusyPercent: machineBusy
      });
      log(`fanout: ${JSON.stringify(phases.at(-1))}`);
    }
    for (const c of main.group) c.send({ type: 'close' } satisfies ToClients);
    await new Promise((r) => setTimeout(r, 2000));

    log(`fanout: connecting ${big} clients (Socket.IO only) in ${Math.ceil(big / 1000)} processes…`);
    const large = await spawnClients(big, 1000, false);
    log(`fanout: ${large.connected} connected, ${large.errors} errors, ${large.retries} handshake retries`);
    await reset(large.group);
    const commits = await writeAt(pool, ids, 10, 5);
    await new Promise((r) => setTimeout(r, 3000));
    const got = await collect(large.group, commits);
    const bigResult = {
      clients: big, connected: large.connected, retries: large.retries, writes: commits.length, missing: got.missing, errors: large.errors + got.errors,
      rssMb: procStats(app.proc.pid!).rssMb, rows: summary(got.rows), dashboard: summary(got.dash)
    };
    log(`fanout: ${JSON.stringify(bigResult)}`);
    for (const c of large.group) c.send({ type: 'close' } satisfies ToClients);
    return { machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`, phases, big: bigResult, idleRssMb };
  } finally {
    for (const c of children) if (c.connected) c.send({ type: 'close' });
    await new Promise((r) => setTimeout(r, 500));
    for (const c of children) c.kill();
    app?.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await pool.end();
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await admin.end();
  }
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');

export function fanoutSection(r: FanoutResult): string {
  const rows = r.phases.map(
    (p) =>
      `| ${p.rate}/s | ${p.clients} | ${ms(p.rows.p50)} / ${ms(p.rows.p99)} / ${ms(p.rows.max)} | ${ms(p.bareWs.p50)} / ${ms(p.bareWs.p99)} | ${ms(p.dashboard.p50)} / ${ms(p.dashboard.p99)} / ${ms(p.dashboard.max)} | ${p.rowPayloadBytes} B | ${p.missing} | ${p.serverRssMb.toFixed(0)} MB | ${p.serverCpuPercent.toFixed(0)}% | ${p.clientsCpuPercent.toFixed(0)}% | ${p.machineBusyPercent.toFixed(0)}% |`
  );
  const checks = r.phases.map((p) => {
    const ratio = p.rows.p99 / p.bareWs.p99;
    return `- ${p.rate}/s: row-change p99 ${ms(p.rows.p99)} ms vs bare ws p99 ${ms(p.bareWs.p99)} ms = ${ratio.toFixed(2)}× (≤ 2×: ${ratio <= 2 ? 'met' : 'MISSED'}); dashboard p99 ${ms(p.dashboard.p99)} ms (≤ 150 ms: ${p.dashboard.p99 <= 150 ? 'met' : 'MISSED'}); RSS ${p.serverRssMb.toFixed(0)} MB (≤ 300 MB: ${p.serverRssMb <= 300 ? 'met' : 'MISSED'})`;
  });
  const b = r.big;
  return `## Live fan-out (Socket.IO hub vs bare ws)

${new Date().toISOString().slice(0, 10)} · ${r.machine} · server, writer and client processes on the same machine

| writes | clients | row change p50 / p99 / max ms | bare ws p50 / p99 ms | dashboard p50 / p99 / max ms | row payload | missed | server RSS | server CPU | client procs CPU | machine busy |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Idle server RSS before clients: ${r.idleRssMb.toFixed(0)} MB.
${checks.join('\n')}
- ${b.clients} clients: ${b.connected} connected (${b.retries} handshake retries), ${b.errors} errors, ${b.missing} row changes missed of ${b.writes * b.connected}; row p99 ${ms(b.rows.p99)} ms, dashboard p99 ${ms(b.dashboard.p99)} ms; server RSS ${b.rssMb.toFixed(0)} MB → ${b.connected === b.clients && b.errors === 0 && b.missing === 0 ? 'met' : 'MISSED'}`;
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
    rates: arg('rates', '10,200').split(',').map(Number)
  });
  fs.mkdirSync(path.join(root, 'bench', 'out'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', 'out', 'fanout.json'), JSON.stringify(result, null, 2));
  console.log(fanoutSection(result));
  process.exit(0);
}
