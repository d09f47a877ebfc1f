// The application under test: the production server (scripts/serve.js) in its own process, the
// sessions its clients sign in with, and what the bench reads of processes and of the machine.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIVE_LIMITS } from '../../src/lib/server/live/socket-limits.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** A session holds at most this many sockets (the server refuses more). */
const SOCKETS_PER_SESSION = LIVE_LIMITS.socketsPerSession;

/** Extra Node flags for a bench process, from BENCH_<PROCESS>_NODE_ARGS (diagnostics: see the header). */
export const nodeArgs = (name: 'server' | 'clients' | 'ws-server') =>
  process.env[`BENCH_${name.toUpperCase().replace('-', '_')}_NODE_ARGS`]?.split(' ').filter(Boolean) ?? [];

export function procStats(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100 };
}

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
export function machineJiffies() {
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = fields.map(Number);
  const idle = n[3] + n[4];
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export async function startApp(databaseUrl: string) {
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
