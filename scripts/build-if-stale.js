// Builds the app when build/ is missing or older than any source. Used by `npm start` and by the
// test suite's global setup, so both always run the current code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'build', '.built-at');
const sources = ['src', 'db', 'static', 'scripts', 'package.json', 'package-lock.json', 'svelte.config.js', 'vite.config.ts'];

/** @param {string} p @returns {number} */
function newestMtime(p) {
  const full = path.join(root, p);
  if (!fs.existsSync(full)) return 0;
  const st = fs.statSync(full);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(full)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function buildIsCurrent() {
  if (!fs.existsSync(stamp)) return false;
  const builtAt = fs.statSync(stamp).mtimeMs;
  return sources.every((s) => newestMtime(s) <= builtAt);
}

const lockDir = path.join(root, '.build-lock');

/** @param {number} ms */
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Several test runs (or a test run and `npm start`) may want a build at once: one builds, the
// others wait for it, since two concurrent Vite builds clobber each other's output.
function withBuildLock(/** @type {() => void} */ fn) {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      // A builder that was killed leaves its lock behind: free it once its process is gone.
      if (age > 10 * 60_000 || (age > 2_000 && !holderAlive())) fs.rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another build to finish', { cause: err });
      sleep(500);
    }
  }
  try {
    fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function holderAlive() {
  const pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'r' }).trim() || 0);
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

export function ensureBuild() {
  if (buildIsCurrent()) return;
  withBuildLock(() => {
    if (buildIsCurrent()) return;
    // stderr: stdout carries the server's JSON log lines.
    process.stderr.write('beacon: building the app (first start, or sources changed)…\n');
    const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`build failed (exit ${result.status})`);
    fs.writeFileSync(stamp, new Date().toISOString());
  });
}

// Run directly (by scripts/start.js, as a child it can stop): build if stale, one line on failure.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    ensureBuild();
  } catch (err) {
    process.stderr.write(`beacon: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  }
}
