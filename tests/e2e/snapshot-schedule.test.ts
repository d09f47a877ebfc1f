// The scheduler inside the real server process: a schedule set over tRPC is made at its time, and a
// run that fell due while the server was down is made when it starts again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signInCookie } from '../helpers/auth.js';
import { createDb } from '../../src/lib/server/db/index.js';

interface Listed {
  id: number;
  title: string;
  scheduleId: number | null;
}

let server: RunningServer;
let cookie = '';
const env = (intervalMs: number) => ({ env: { BEACON_SNAPSHOT_SCHEDULER_INTERVAL_MS: String(intervalMs) } });

async function trpc<T>(path: string, input: unknown, mutation = false): Promise<T> {
  const url = `${server.url}/trpc/${path}` + (mutation ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`);
  const res = await fetch(url, {
    method: mutation ? 'POST' : 'GET',
    headers: { cookie, origin: server.url, 'content-type': 'application/json' },
    body: mutation ? JSON.stringify(input) : undefined
  });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(body.error)}`);
  return body.result!.data;
}

async function snapshotsOf(scheduleId: number, atLeast: number): Promise<Listed[]> {
  const started = Date.now();
  for (;;) {
    const list = (await trpc<Listed[]>('snapshots.list', {})).filter((s) => s.scheduleId === scheduleId);
    if (list.length >= atLeast) return list;
    if (Date.now() - started > 60_000) throw new Error(`no scheduled snapshot for schedule ${scheduleId}:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  server = await startServer(env(200));
  cookie = await signInCookie(server.url, demoUsers.leadership);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

describe('scheduled snapshots in the server process', () => {
  it('makes a scheduled snapshot when its time comes', async () => {
    const nextRunAt = new Date(Date.now() + 1500).toISOString();
    const schedule = await trpc<{ id: number }>('snapshots.setSchedule', { title: 'Monthly board pack', frequency: 'monthly', nextRunAt }, true);
    const [made] = await snapshotsOf(schedule.id, 1);
    expect(made.title).toMatch(/^Monthly board pack — \w+ \d{4}$/);
    const opened = await trpc<{ verified: boolean; scheduledFor: string }>('snapshots.get', { id: made.id });
    expect(opened.verified).toBe(true);
    expect(new Date(opened.scheduledFor).toISOString()).toBe(nextRunAt);
  }, 90_000);

  it('makes the runs missed while the server was down when it starts again', async () => {
    await server.stop();
    // While it is down, a quarterly schedule falls due twice (as if its runs passed during an outage).
    const handle = await createDb({ dataDir: server.dataDir });
    const missed = new Date(Date.now() - 100 * 86_400_000);
    const { id } = await handle.db
      .insertInto('snapshot_schedule')
      .values({ title: 'Quarterly impact', frequency: 'quarterly', next_run_at: missed })
      .returning('id')
      .executeTakeFirstOrThrow();
    await handle.close();

    // A long interval: only the start-up pass can make them.
    server = await startServer({ dataDir: server.dataDir, ...env(3_600_000) });
    cookie = await signInCookie(server.url, demoUsers.leadership);
    const made = await snapshotsOf(id, 2);
    expect(made).toHaveLength(2);
    expect(made.every((s) => s.title.startsWith('Quarterly impact — FY'))).toBe(true);
    expect(new Set(made.map((s) => s.title)).size).toBe(2);
  }, 180_000);
});
