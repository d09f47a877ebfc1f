// Builds the app when build/ is missing or older than any source. Used by `npm start` and by the
// test suite's global setup, so both always run the current code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

export function ensureBuild() {
  if (buildIsCurrent()) return;
  console.log('[beacon] building the app (first start, or sources changed)…');
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`build failed (exit ${result.status})`);
  fs.writeFileSync(stamp, new Date().toISOString());
}
