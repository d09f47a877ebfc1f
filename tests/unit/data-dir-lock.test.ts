// The embedded data directory's lock (src/lib/server/db/data-dir-lock.ts) on its own: a holder
// refuses everyone else, naming the directory and its pid; a dead holder's lock is taken over; a
// released lock is free again. Other processes are real child processes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../../src/lib/server/db/data-dir-lock.js';

const root = path.resolve(import.meta.dirname, '..', '..');

/** Runs TypeScript `code` in a new node process (its pid is the process's own: no wrapper). */
function runTs(code: string) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-lock-script-')), 'script.mts');
  dirs.push(path.dirname(file));
  fs.writeFileSync(file, code);
  return spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
}
const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-lock-'));
  dirs.push(d);
  return d;
};
async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the child processes');
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A child process that takes the lock of `dir` and reports; it holds it until killed. */
const holderScript = (dir: string) => `
  import { lockDataDir } from ${JSON.stringify(path.join(root, 'src/lib/server/db/data-dir-lock.ts'))};
  try { lockDataDir(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000); }
  catch (e) { console.log('refused: ' + e.message); process.exit(3); }`;

function startHolder(dir: string) {
  const child = runTs(holderScript(dir));
  const said = new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
  });
  return { child, said };
}

describe('the data directory lock', () => {
  it('refuses a second holder in another process at once, naming the directory and the pid', async () => {
    const dir = tempDir();
    const holder = startHolder(dir);
    try {
      expect(await holder.said).toBe('locked');
      const started = Date.now();
      let refusal: unknown;
      try {
        lockDataDir(dir);
      } catch (err) {
        refusal = err;
      }
      expect(Date.now() - started).toBeLessThan(1000);
      expect(refusal).toBeInstanceOf(DataDirLockedError);
      expect((refusal as Error).message).toContain(dir);
      expect((refusal as Error).message).toContain(`pid ${holder.child.pid}`);
    } finally {
      holder.child.kill('SIGKILL');
    }
  });

  it('refuses a second open inside the same process, and is free again once released', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(`pid ${process.pid}`);
    lock.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir).release();
  });

  it('takes over the lock of a holder killed with SIGKILL', async () => {
    const dir = tempDir();
    const holder = startHolder(dir);
    expect(await holder.said).toBe('locked');
    const exited = new Promise((r) => holder.child.once('exit', r));
    holder.child.kill('SIGKILL');
    await exited;
    // The dead holder's lock file is still there…
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(holder.child.pid);
    // …and is taken over.
    const lock = lockDataDir(dir);
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock file naming a pid no process has (and an unreadable old one)', () => {
    const dir = tempDir();
    const file = path.join(dir, LOCK_FILE);
    // The highest pid Linux can hand out is below 2^22; this one is surely not running.
    fs.writeFileSync(file, JSON.stringify({ pid: 4_194_304 + 17, startTicks: null, host: os.hostname(), nonce: 'dead' }));
    lockDataDir(dir).release();
    fs.writeFileSync(file, 'garbage');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    lockDataDir(dir).release();
  });

  it('gives the lock to exactly one of eight processes starting at once on a stale lock', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 4_194_304 + 17, startTicks: null, host: os.hostname(), nonce: 'dead' }));
    // Eight starters, loaded and waiting, released together by a file that appears; the winner keeps
    // the lock until killed, so a slow loser cannot find it free again.
    const go = path.join(dir, 'go');
    const script = `
      import fs from 'node:fs';
      import { lockDataDir } from ${JSON.stringify(path.join(root, 'src/lib/server/db/data-dir-lock.ts'))};
      console.log('ready');
      while (!fs.existsSync(${JSON.stringify(go)})) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      try { lockDataDir(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000); }
      catch (e) { console.log(e.name); }`;
    const children = Array.from({ length: 8 }, () => runTs(script));
    const outputs = children.map(() => '');
    children.forEach((c, i) => c.stdout!.on('data', (d) => (outputs[i] += d)));
    const lines = () => outputs.map((o) => o.trim().split('\n'));
    try {
      await until(() => lines().every((l) => l[0] === 'ready'));
      fs.writeFileSync(go, '');
      await until(() => lines().every((l) => l.length === 2));
      const results = lines().map((l) => l[1]);
      expect(results.filter((r) => r === 'locked')).toHaveLength(1);
      expect(results.filter((r) => r === 'DataDirLockedError')).toHaveLength(7);
    } finally {
      for (const c of children) c.kill('SIGKILL');
    }
  }, 30_000);
});
