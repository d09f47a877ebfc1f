// One process per embedded data directory, against the real production server: a second server on
// the same directory and `npm run user:create` are refused at once (naming the directory and the
// holder's pid) while the first server keeps serving and loses nothing; a lock left by a process
// that no longer exists is taken over by the next start.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { seededDataDir } from '../helpers/live.js';
import { demoUsers, signInCookie } from '../helpers/auth.js';
import { createDb } from '../../src/lib/server/db/index.js';

const root = path.resolve(import.meta.dirname, '..', '..');

async function createOutreach(base: string, cookie: string, title: string): Promise<number> {
  const res = await fetch(`${base}/trpc/outreach.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, cookie },
    body: JSON.stringify({ occurredOn: '2026-11-20', state: 'CO', format: 'webinar', audience: 'parents', title, attendees: 12 })
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: { id: number } } }).result.data.id;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

async function rowsIn(dataDir: string) {
  const handle = await createDb({ dataDir });
  try {
    const titles = await handle.db.selectFrom('outreach_event').select('title').where('title', 'like', 'lock-test %').execute();
    const users = await handle.db.selectFrom('app_user').select('email').where('email', '=', 'second-admin@test.example').execute();
    return { titles: titles.map((t) => t.title).sort(), users: users.length };
  } finally {
    await handle.close();
  }
}

describe('the embedded data directory has one process at a time', () => {
  let first: RunningServer | undefined;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await seededDataDir();
  }, 180_000);

  afterAll(async () => {
    await first?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second server and user:create while the first serves, and loses nothing', async () => {
    first = await startServer({ dataDir });
    const cookie = await signInCookie(first.url, demoUsers.coordinatorMountain);
    await createOutreach(first.url, cookie, 'lock-test before');

    const refused = await startServer({ dataDir }).then(
      (s) => s.stop().then(() => 'started'),
      (err: Error) => err.message
    );
    expect(refused).toContain(`the data directory ${dataDir} is in use by another Beacon process (pid ${first.process.pid})`);

    const create = await run('npm', ['run', '--silent', 'user:create', '--', '--email', 'second-admin@test.example', '--role', 'admin'], {
      BEACON_DATA_DIR: dataDir,
      DATABASE_URL: '',
      BEACON_NEW_USER_PASSWORD: 'a long enough password 1'
    });
    expect(create.code).not.toBe(0);
    expect(create.output).toContain(`the data directory ${dataDir} is in use by another Beacon process (pid ${first.process.pid})`);
    expect(create.output).not.toMatch(/created admin/);

    // The first server still serves and writes.
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    await createOutreach(first.url, cookie, 'lock-test after');
    await first.stop();
    first = undefined;
    expect(await rowsIn(dataDir)).toEqual({ titles: ['lock-test after', 'lock-test before'], users: 0 });
  }, 240_000);

  it('takes over a lock left by a process that is gone', async () => {
    // The lock file a server killed with SIGKILL leaves behind: its pid is not running any more.
    const gone = await run(process.execPath, ['-e', 'console.log(process.pid)'], {});
    const deadPid = Number(gone.output.trim());
    fs.writeFileSync(path.join(dataDir, 'beacon.lock'), JSON.stringify({ pid: deadPid, startTicks: null, host: os.hostname(), nonce: 'left-behind' }));
    first = await startServer({ dataDir });
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const lock = JSON.parse(fs.readFileSync(path.join(dataDir, 'beacon.lock'), 'utf8'));
    expect(lock.pid).toBe(first.process.pid);
    await first.stop();
    first = undefined;
    // Released on a normal stop.
    expect(fs.existsSync(path.join(dataDir, 'beacon.lock'))).toBe(false);
  }, 180_000);
});
