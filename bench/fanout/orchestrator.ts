// The orchestrator: starts the server, the client processes, the bare ws server and the writer, runs
// each phase and gathers the figures (see ./main.ts for what is measured).
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { histogram, merge, now, record, summary, type Histogram } from './histogram.js';
import { machineJiffies, nodeArgs, procStats, sessionCookies, startApp } from './app.js';
import { writeAt } from './writer.js';
import { AUDIENCES, DASHBOARD_ROOM, ROWS_ROOM, type Audience, type BareWsMode, type BareWsPhase, type FanoutPhase, type FanoutResult, type ToClients } from './protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A child process of the given role (./clients.ts or ./ws-server.ts), speaking over IPC. */
function child(role: 'clients' | 'ws-server'): ChildProcess {
  return fork(path.join(here, `${role}.ts`), [], { execArgv: ['--import', 'tsx', ...nodeArgs(role)], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

const BARE_WS_VARIANTS: Array<{ mode: BareWsMode; writes: boolean }> = [
  { mode: 'per-write', writes: false },
  { mode: 'coalesced', writes: false },
  { mode: 'coalesced', writes: true }
];

export async function benchFanout(options: { serverUrl: string; clients?: number; big?: number; seconds?: number; warmup?: number; rates?: number[]; audiences?: Audience[]; log?: (s: string) => void }): Promise<FanoutResult> {
  const log = options.log ?? ((s: string) => console.error(s));
  const clients = options.clients ?? 1000;
  const big = options.big ?? 5000;
  const seconds = options.seconds ?? 10;
  const warmup = options.warmup ?? 3;
  const audiences = options.audiences ?? (Object.keys(AUDIENCES) as Audience[]);
  const loadBefore = os.loadavg();
  const rates = options.rates ?? [10, 200];
  const { ensureBuild } = await import('../../scripts/build-if-stale.js');
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
