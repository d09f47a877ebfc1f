#!/usr/bin/env node
// `npm start`: build if the build is missing or stale, then serve it in this same process, so a
// signal to this process reaches the server itself (scripts/serve.js stops it gracefully). The
// build runs as a child in its own process group: a signal during the build stops the whole build
// (Vite included) and this process exits with the child's status. Migrations and first-start demo
// seeding run in the server's init hook.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsCurrent } from './build-if-stale.js';

const here = path.dirname(fileURLToPath(import.meta.url));

if (!buildIsCurrent()) {
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, 'build-if-stale.js')], { stdio: 'inherit', detached: true });
    const forward = (/** @type {NodeJS.Signals} */ signal) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    process.on('SIGTERM', forward);
    process.on('SIGINT', forward);
    child.on('exit', (status, signal) => {
      process.off('SIGTERM', forward);
      process.off('SIGINT', forward);
      resolve(status ?? (signal === 'SIGINT' ? 130 : 143));
    });
  });
  if (code !== 0) process.exit(code);
}
await import('./serve.js');
