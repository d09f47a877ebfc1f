// Demo mode cannot become a back door (issue 13): on the embedded default, demo data and demo users
// appear only at a local origin; the demo password is random per data directory unless
// BEACON_DEMO_PASSWORD chooses one, printed at every start, and a changed password is never reset.
// Every page says "Demo data" in demo mode.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createPostgresDatabase, postgresUrl, seededDataDir } from '../helpers/live.js';
import { demoUsers } from '../helpers/auth.js';
import { createDb } from '../../src/lib/server/db/index.js';
import { hashPassword } from '../../src/lib/server/auth/password.js';

const PUBLIC_ORIGIN = 'https://beacon.example.org';

function signInStatus(base: string, email: string, password: string, origin = base) {
  return fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password })
  }).then((r) => r.status);
}

/** The password a start printed, e.g. `demo sign-ins (password "abc", random for this data directory…)`. */
function printedPassword(output: string): { password: string; note: string } {
  const all = [...output.matchAll(/demo sign-ins \(password "([^"]+)", ([^)]*)\)/g)];
  expect(all).toHaveLength(1);
  return { password: all[0][1], note: all[0][2] };
}

async function withDb<T>(dataDir: string, fn: (db: Awaited<ReturnType<typeof createDb>>['db']) => Promise<T>): Promise<T> {
  const handle = await createDb({ dataDir });
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

/** A seeded data directory whose demo users are gone (as on a first start, before they are made). */
async function seededWithoutDemoUsers(): Promise<string> {
  const dir = await seededDataDir();
  await withDb(dir, (db) => db.deleteFrom('app_user').where('email', 'like', '%@beacon.demo').execute());
  return dir;
}

const servers: RunningServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string, env: Record<string, string>) {
  const server = await startServer({ dataDir, env });
  servers.push(server);
  return server;
}

describe('demo mode', () => {
  it('seeds nothing and makes no demo users on the embedded default at a public ORIGIN', async () => {
    const dataDir = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'beacon-public-'));
    dirs.push(dataDir);
    const server = await start(dataDir, { ORIGIN: PUBLIC_ORIGIN, BEACON_DEMO_PASSWORD: '' });
    expect(server.output()).not.toMatch(/seeding demo data|demo sign-ins/);
    expect(await signInStatus(server.url, demoUsers.admin, 'beacon-demo', PUBLIC_ORIGIN)).toBe(400);
    const login = await (await fetch(`${server.url}/login`)).text();
    expect(login).not.toContain('Demo data');
    await server.stop();
    const counts = await withDb(dataDir, async (db) => ({
      users: (await db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      partners: (await db.selectFrom('partner').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
    }));
    expect(counts).toEqual({ users: 0, partners: 0 });
    expect(fs.existsSync(path.join(dataDir, 'demo-password'))).toBe(false);
  }, 180_000);

  it('makes a random password per data directory, prints it at every start, and never resets a changed one', async () => {
    const [dirA, dirB] = [await seededWithoutDemoUsers(), await seededWithoutDemoUsers()];
    dirs.push(dirA, dirB);
    const env = { BEACON_DEMO_PASSWORD: '' };

    const a = await start(dirA, env);
    const first = printedPassword(a.output());
    expect(first.password).not.toBe('beacon-demo');
    expect(first.password.length).toBeGreaterThanOrEqual(16);
    expect(first.note).toContain(path.join(dirA, 'demo-password'));
    expect(await signInStatus(a.url, demoUsers.admin, first.password)).toBe(303);
    expect(await signInStatus(a.url, demoUsers.admin, 'beacon-demo')).toBe(400);
    // Every page says so, signed in or not.
    expect(await (await fetch(`${a.url}/login`)).text()).toMatch(/data-testid="demo-mark"[^>]*>Demo data</);
    await a.stop();
    const file = fs.statSync(path.join(dirA, 'demo-password'));
    expect(file.mode & 0o777).toBe(0o600);

    const b = await start(dirB, env);
    const other = printedPassword(b.output());
    expect(other.password).not.toBe(first.password);
    expect(await signInStatus(b.url, demoUsers.admin, other.password)).toBe(303);
    expect(await signInStatus(b.url, demoUsers.admin, first.password)).toBe(400);
    await b.stop();

    // The director changes their password; the next start prints the same demo password and leaves it.
    const changed = 'a password of my own choosing';
    const hash = await hashPassword(changed);
    await withDb(dirA, (db) => db.updateTable('app_user').set({ password_hash: hash }).where('email', '=', demoUsers.leadership).execute());
    const again = await start(dirA, env);
    expect(printedPassword(again.output()).password).toBe(first.password);
    expect(again.output()).toMatch(new RegExp(`${demoUsers.leadership.replace('.', '\\.')}.*has another password`));
    expect(await signInStatus(again.url, demoUsers.leadership, first.password)).toBe(400);
    expect(await signInStatus(again.url, demoUsers.leadership, changed)).toBe(303);
    expect(await signInStatus(again.url, demoUsers.admin, first.password)).toBe(303);
  }, 300_000);
});

describe.skipIf(!postgresUrl)('demo mode on Postgres (BEACON_DEMO=1)', () => {
  it('makes the demo users with a random password printed at that start, and a later start resets nothing', async () => {
    const database = await createPostgresDatabase(postgresUrl!);
    try {
      const env = { DATABASE_URL: database.url, BEACON_DEMO: '1', BEACON_DEMO_PASSWORD: '' };
      const first = await startServer({ env });
      servers.push(first);
      const made = printedPassword(first.output());
      expect(made.password).not.toBe('beacon-demo');
      expect(made.password.length).toBeGreaterThanOrEqual(16);
      expect(await signInStatus(first.url, demoUsers.admin, made.password)).toBe(303);
      await first.stop();

      const second = await startServer({ env });
      servers.push(second);
      const later = printedPassword(second.output());
      // Nothing stores a server's demo password: this start's is new, and opens nobody already made.
      expect(later.password).not.toBe(made.password);
      expect(second.output()).toMatch(/admin@beacon\.demo.*has another password/);
      expect(await signInStatus(second.url, demoUsers.admin, made.password)).toBe(303);
      expect(await signInStatus(second.url, demoUsers.admin, later.password)).toBe(400);
      await second.stop();
    } finally {
      await database.drop();
    }
  }, 240_000);
});

if (!postgresUrl) console.info('[tests] TEST_DATABASE_URL is not set: the Postgres variant of the demo-mode test is skipped.');
