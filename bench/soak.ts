// Soak benchmark: does the live server hold steady over time? The production server (scripts/serve.js,
// on Postgres, demo data) with 500 Socket.IO clients spread over the four dashboards (125 on each
// of dashboard:overview|funding|aftercare|outreach) while a writer commits 20 changes a second to
// needs, funding requests and outreach events (each dashboard's topic is hit). After a warm-up (not
// measured) the server is sampled every --sample seconds over IPC (bench/soak-probe.mjs, preloaded):
// RSS and heap after a full GC, open handles (process.getActiveResourcesInfo) and event-loop delay
// (perf_hooks.monitorEventLoopDelay) since the previous sample. Growth compares the median of the
// first three samples with the median of the last three, so one GC's timing cannot decide it.
//
//   npx tsx bench/soak.ts [--minutes 10] [--warmup 2] [--sockets 500] [--rate 20] [--sample 30]
//   npm run bench -- --only soak [--minutes 10] …
// Bounded: warm-up + minutes may not exceed 28 (with start-up and seeding, the run stays under 30).
// Exported as benchSoak()/soakSection() for bench/run.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { LIVE_LIMITS } from '../src/lib/server/live/socket-limits.js';
import { machine } from './overview.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const DASHBOARDS = ['dashboard:overview', 'dashboard:funding', 'dashboard:aftercare', 'dashboard:outreach'];
const MAX_MINUTES = 28;

export interface SoakOptions {
  serverUrl: string;
  minutes?: number;
  warmupMinutes?: number;
  sockets?: number;
  rate?: number;
  sampleSeconds?: number;
  log?: (s: string) => void;
}

interface Stats {
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
  handles: number;
  handleKinds: Record<string, number>;
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
}
export interface Sample extends Stats {
  atSeconds: number;
  connected: number;
  pushes: number;
  writes: number;
}

export interface SoakResult {
  machine: string;
  date: string;
  loadBefore: number[];
  loadAfter: number[];
  minutes: number;
  warmupMinutes: number;
  sockets: number;
  rate: number;
  samples: Sample[];
  writes: number;
  writeErrors: number;
  clientErrors: string[];
  minPushesPerSocket: number;
  rssGrowthPercent: number;
  heapGrowthPercent: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startServer(databaseUrl: string) {
  const env = { ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, BEACON_DEMO: '1', BEACON_DEMO_PASSWORD: 'beacon-demo' };
  const args = ['--expose-gc', '--import', path.join(root, 'bench', 'soak-probe.mjs'), path.join(root, 'scripts', 'serve.js')];
  const proc = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 240_000);
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

function stats(proc: ChildProcess): Promise<Stats> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not answer the stats request')), 30_000);
    const on = (m: { type?: string } & Stats) => {
      if (m?.type !== 'soak:stats') return;
      clearTimeout(timer);
      proc.off('message', on);
      resolve(m);
    };
    proc.on('message', on);
    proc.send({ type: 'soak:stats', gc: true });
  });
}

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: 'email=director%40beacon.demo&password=beacon-demo'
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.includes('session'));
  if (!cookie) throw new Error(`sign-in failed (${res.status})`);
  return cookie;
}

export async function benchSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? ((s: string) => console.error(s));
  const minutes = options.minutes ?? 10;
  const warmupMinutes = options.warmupMinutes ?? 2;
  const sockets = options.sockets ?? 500;
  const rate = options.rate ?? 20;
  const sampleSeconds = options.sampleSeconds ?? 30;
  if (!(minutes > 0 && warmupMinutes >= 0 && minutes + warmupMinutes <= MAX_MINUTES)) {
    throw new Error(`soak: warm-up + minutes must be at most ${MAX_MINUTES} (the run is bounded to 30 minutes in all)`);
  }
  const loadBefore = os.loadavg();
  const { ensureBuild } = await import('../scripts/build-if-stale.js');
  ensureBuild();

  const dbName = `beacon_bench_soak_${process.pid}`;
  const admin = new pg.Client({ connectionString: options.serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  const u = new URL(options.serverUrl);
  u.pathname = `/${dbName}`;
  const pool = new pg.Pool({ connectionString: u.toString(), max: 4 });
  pool.on('error', () => undefined);
  const clients: Socket[] = [];
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    log('soak: starting the server (Postgres, demo data)…');
    server = await startServer(u.toString());
    const url = server.url;

    // One session per LIVE_LIMITS.socketsPerSession sockets (the server refuses more on one).
    const cookies: string[] = [];
    for (let i = 0; i < Math.ceil(sockets / LIVE_LIMITS.socketsPerSession); i++) cookies.push(await signIn(url));
    const pushes = new Array<number>(sockets).fill(0);
    const clientErrors: string[] = [];
    log(`soak: connecting ${sockets} sockets (${cookies.length} sessions) to four dashboards…`);
    for (let i = 0; i < sockets; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, sockets - i) }, async (_, j) => {
          const n = i + j;
          const s = io(url, { transports: ['websocket'], extraHeaders: { cookie: cookies[Math.floor(n / LIVE_LIMITS.socketsPerSession)], origin: url }, reconnection: false, forceNew: true });
          clients.push(s);
          s.on('dashboard:updated', () => pushes[n]++);
          s.on('dashboard:patched', () => pushes[n]++);
          s.on('disconnect', (reason) => reason !== 'io client disconnect' && clientErrors.push(`disconnect: ${reason}`));
          await new Promise<void>((resolve, reject) => {
            s.once('connect', resolve);
            s.once('connect_error', reject);
          });
          const room = DASHBOARDS[n % DASHBOARDS.length];
          const r = (await s.timeout(60_000).emitWithAck('room:join', { room })) as { ok: boolean; error?: string };
          if (!r.ok) clientErrors.push(`join ${room}: ${r.error}`);
        })
      );
    }

    const ids = async (table: string) => (await pool.query<{ id: number }>(`select id from ${table} order by id limit 200`)).rows.map((r) => Number(r.id));
    const targets = { need: await ids('aftercare_need'), request: await ids('funding_request'), event: await ids('outreach_event') };
    // Each write touches one dashboard topic's tables (needs → aftercare/overview, requests → funding/
    // overview, outreach events → outreach/overview); values drift by one, nothing else changes.
    const statements = [
      (i: number) => `update aftercare_need set estimated_cost_cents = estimated_cost_cents + 1 where id = ${targets.need[i % targets.need.length]}`,
      (i: number) => `update funding_request set requested_cents = requested_cents + 1 where id = ${targets.request[i % targets.request.length]}`,
      (i: number) => `update outreach_event set attendees = attendees + 1 where id = ${targets.event[i % targets.event.length]}`
    ];
    let writes = 0;
    let writeErrors = 0;
    let writing = true;
    const writer = (async () => {
      const started = Date.now();
      for (let i = 0; writing; i++) {
        const wait = started + (i * 1000) / rate - Date.now();
        if (wait > 1) await sleep(wait);
        pool.query(statements[i % statements.length](i)).then(() => writes++, () => writeErrors++);
      }
    })();

    log(`soak: warm-up ${warmupMinutes} min at ${rate} writes/s (not measured)…`);
    await sleep(warmupMinutes * 60_000);
    await stats(server.proc); // resets the event-loop delay histogram: the first sample covers its own interval
    const samples: Sample[] = [];
    const t0 = Date.now();
    const end = t0 + minutes * 60_000;
    log(`soak: measuring for ${minutes} min, a sample every ${sampleSeconds} s…`);
    for (;;) {
      const next = Math.min(end, Date.now() + sampleSeconds * 1000);
      await sleep(next - Date.now());
      const s = await stats(server.proc);
      const sample: Sample = {
        ...s,
        atSeconds: Math.round((Date.now() - t0) / 1000),
        connected: clients.filter((c) => c.connected).length,
        pushes: pushes.reduce((a, b) => a + b, 0),
        writes
      };
      samples.push(sample);
      log(`soak: t=${sample.atSeconds}s RSS ${s.rssMb.toFixed(1)} MB heap ${s.heapUsedMb.toFixed(1)} MB handles ${s.handles} loop p99 ${s.eventLoopDelayMs.p99.toFixed(1)} ms connected ${sample.connected} writes ${writes}`);
      if (Date.now() >= end) break;
    }
    writing = false;
    await writer;

    const first = samples.slice(0, 3);
    const last = samples.slice(-3);
    const growth = (pick: (s: Sample) => number) => ((median(last.map(pick)) - median(first.map(pick))) / median(first.map(pick))) * 100;
    return {
      machine: machine(),
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      loadBefore,
      loadAfter: os.loadavg(),
      minutes,
      warmupMinutes,
      sockets,
      rate,
      samples,
      writes,
      writeErrors,
      clientErrors,
      minPushesPerSocket: Math.min(...pushes),
      rssGrowthPercent: growth((s) => s.rssMb),
      heapGrowthPercent: growth((s) => s.heapUsedMb)
    };
  } finally {
    clients.forEach((c) => c.close());
    server?.proc.kill('SIGTERM');
    if (server) await new Promise((r) => (server!.proc.exitCode !== null ? r(null) : server!.proc.once('exit', r)));
    await pool.end();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

export function soakSection(r: SoakResult): string {
  const f = (n: number, d = 1) => n.toFixed(d);
  const at = (s: Sample, label: string) =>
    `| ${label} (t = ${s.atSeconds} s) | ${f(s.rssMb)} | ${f(s.heapUsedMb)} | ${s.handles} (${Object.entries(s.handleKinds).map(([k, v]) => `${k} ${v}`).join(', ')}) | ${f(s.eventLoopDelayMs.p50)} / ${f(s.eventLoopDelayMs.p99)} / ${f(s.eventLoopDelayMs.max)} | ${s.connected} |`;
  const first = r.samples[0];
  const last = r.samples.at(-1)!;
  const met = r.rssGrowthPercent <= 10;
  return `## Soak: ${r.sockets} sockets on four dashboards, ${r.rate} writes/s

${r.date} · ${r.machine} · load average ${r.loadBefore.map((l) => f(l)).join(' / ')} before, ${r.loadAfter.map((l) => f(l)).join(' / ')} after (1/5/15 min) ·
the machine was shared with other engineers' builds and tests during the run · server, clients, writer and Postgres on the same machine

\`npm run bench -- --only soak --minutes ${r.minutes} --warmup ${r.warmupMinutes}\`: the production server on Postgres (demo data),
${r.sockets} Socket.IO clients (${r.sockets / 4} on each of the four dashboard rooms, ${Math.ceil(r.sockets / LIVE_LIMITS.socketsPerSession)} sessions),
a writer at ${r.rate} writes/s to needs, funding requests and outreach events; ${r.warmupMinutes} min warm-up (not measured), then
${r.minutes} min sampled every ${r.samples.length > 1 ? r.samples[1].atSeconds - r.samples[0].atSeconds : '–'} s. RSS and heap after a full GC; open handles from
\`process.getActiveResourcesInfo()\`; event-loop delay (\`monitorEventLoopDelay\`) over the interval before each sample.

| sample | RSS MB | heap used MB | open handles | event-loop delay p50 / p99 / max ms | sockets connected |
|---|---|---|---|---|---|
${at(first, 'start')}
${at(last, 'end')}

RSS over the run (MB, every sample): ${r.samples.map((s) => f(s.rssMb, 0)).join(' ')}

- RSS growth after warm-up (median of the last three samples vs the first three): **${f(r.rssGrowthPercent)} %** → ${met ? 'met (≤ 10 %)' : 'MISSED (> 10 %)'}; heap ${f(r.heapGrowthPercent)} %
- ${r.writes} writes committed (${r.writeErrors} failed); every socket received pushes (fewest: ${r.minPushesPerSocket}); ${r.clientErrors.length} client errors${r.clientErrors.length ? ` (${r.clientErrors.slice(0, 3).join('; ')})` : ''}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === self) {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
  };
  const result = await benchSoak({
    serverUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    minutes: Number(arg('minutes', '10')),
    warmupMinutes: Number(arg('warmup', '2')),
    sockets: Number(arg('sockets', '500')),
    rate: Number(arg('rate', '20')),
    sampleSeconds: Number(arg('sample', '30'))
  });
  console.log(soakSection(result));
  process.exit(0);
}
