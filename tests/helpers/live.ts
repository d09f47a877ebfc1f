// Real-socket test helpers: a production server with a test writer preloaded, demo sign-ins, typed
// socket.io-client connections, and small waits that fail with a clear message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { startServer, type RunningServer, type ServerOptions } from './server.js';
import type { ClientToServerEvents, JoinResult, ServerToClientEvents } from '../../src/lib/realtime/events.js';
import { TEST_DEMO_PASSWORD } from './demo-password.js';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const root = path.resolve(import.meta.dirname, '..', '..');
const writerPreload = path.join(root, 'tests', 'live', 'fixtures', 'test-writer.mjs');
export const DEMO_PASSWORD = TEST_DEMO_PASSWORD;

export interface LiveServer extends RunningServer {
  /** Runs SQL inside the server process (its own database handle): each statement commits alone. */
  exec(statements: Array<{ sql: string; params?: unknown[] }>): Promise<unknown[][]>;
}

export async function startLiveServer(options: ServerOptions = {}): Promise<LiveServer> {
  const server = await startServer({ ...options, env: { NODE_OPTIONS: `--import ${writerPreload}`, ...options.env } });
  const m = /\[test-writer\] listening on (\d+)/.exec(server.output());
  if (!m) throw new Error(`the test writer did not start:\n${server.output()}`);
  const writerUrl = `http://127.0.0.1:${m[1]}`;
  return {
    ...server,
    async exec(statements) {
      const res = await fetch(writerUrl, { method: 'POST', body: JSON.stringify({ statements }) });
      const body = (await res.json()) as { results?: unknown[][]; error?: string };
      if (!res.ok) throw new Error(`test write failed: ${body.error}`);
      return body.results!;
    }
  };
}

let template: Promise<string> | undefined;

/** A seeded embedded data directory (seeded once per test file, then copied): seeding takes ~20 s. */
export async function seededDataDir(): Promise<string> {
  template ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-live-template-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const s = await startServer({ dataDir: dir });
    await s.stop();
    return dir;
  })();
  const source = await template;
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-live-'));
  fs.cpSync(source, copy, { recursive: true });
  return copy;
}

/** A fresh database on the test Postgres server (dropped by the returned function). */
export async function createPostgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `beacon_live_${randomBytes(5).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** Signs in through POST /login (with the server's own Origin, as a browser would) and returns the Cookie header. */
export async function signIn(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const origin = new URL(baseUrl).origin;
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ email, password }).toString()
  });
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (!cookies.length) throw new Error(`sign-in of ${email} failed with ${res.status}`);
  return cookies.join('; ');
}

export async function signOut(baseUrl: string, cookie: string): Promise<void> {
  await fetch(`${baseUrl}/logout`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(baseUrl).origin, cookie },
    body: ''
  });
}

export interface ConnectOptions {
  cookie?: string;
  /** The Origin header; the server's own by default, none when null. */
  origin?: string | null;
  transports?: Array<'websocket' | 'polling'>;
  reconnection?: boolean;
  /** The handshake's auth payload (a wall screen's `{ kiosk: token }`). */
  auth?: Record<string, unknown>;
}

export function connect(baseUrl: string, options: ConnectOptions = {}): LiveSocket {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  const origin = options.origin === undefined ? baseUrl : options.origin;
  if (origin) headers.origin = origin;
  return io(baseUrl, {
    transports: options.transports ?? ['websocket'],
    extraHeaders: headers,
    reconnection: options.reconnection ?? false,
    forceNew: true,
    ...(options.auth ? { auth: options.auth } : {})
  });
}

/** Resolves on connect; rejects with the server's refusal (connect_error message). */
export function connected(socket: LiveSocket, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    const timer = setTimeout(() => reject(new Error('socket did not connect in time')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The refusal message of a socket that must not connect. */
export async function refusal(socket: LiveSocket): Promise<string> {
  try {
    await connected(socket);
  } catch (err) {
    return (err as Error).message;
  } finally {
    socket.close();
  }
  return 'connected';
}

export async function join(socket: LiveSocket, room: string, since?: number): Promise<JoinResult> {
  return socket.timeout(15_000).emitWithAck('room:join', since === undefined ? { room } : { room, since });
}

type EventName = keyof ServerToClientEvents;
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

/** Everything a socket receives for one event, from now on. */
export function record<E extends EventName>(socket: LiveSocket, event: E): Array<Payload<E>> {
  const seen: Array<Payload<E>> = [];
  (socket as unknown as Socket).on(event as string, (p: Payload<E>) => seen.push(p));
  return seen;
}

/** The first payload of `event` matching `test`, or a rejection after `timeoutMs`. */
export function waitFor<E extends EventName>(socket: LiveSocket, event: E, test: (p: Payload<E>) => boolean = () => true, timeoutMs = 10_000): Promise<Payload<E>> {
  return new Promise((resolve, reject) => {
    // Untyped view of the socket: the generic event name defeats socket.io-client's listener typing.
    const s = socket as unknown as { on(e: string, f: (p: Payload<E>) => void): void; off(e: string, f: (p: Payload<E>) => void): void };
    const timer = setTimeout(() => {
      s.off(event, on);
      reject(new Error(`no matching "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (p: Payload<E>) => {
      if (!test(p)) return;
      clearTimeout(timer);
      s.off(event, on);
      resolve(p);
    };
    s.on(event, on);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Whether the Postgres variants can run; in CI they must. */
export const postgresUrl = process.env.TEST_DATABASE_URL;
if (!postgresUrl && process.env.CI === 'true') throw new Error('CI=true but TEST_DATABASE_URL is not set: the live Postgres tests must run in CI');

/**
 * A TCP proxy in front of the server: a stable address across server restarts (retarget), and a way
 * to cut every client connection abruptly, as a network drop would (dropAll).
 */
export async function tcpProxy(targetPort: number) {
  const net = await import('node:net');
  let port = targetPort;
  const pairs = new Set<import('node:net').Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    pairs.add(client);
    pairs.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(client);
      pairs.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    retarget(next: number) {
      port = next;
    },
    dropAll() {
      for (const s of pairs) s.destroy();
      pairs.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of pairs) s.destroy();
        server.close(() => resolve());
      })
  };
}

export const portOf = (url: string) => Number(new URL(url).port);
