#!/usr/bin/env node
// `npm start`: build if the build is missing or stale, then serve it (migrations and first-start
// demo seeding run in the server's init hook).
import { ensureBuild } from './build-if-stale.js';

try {
  ensureBuild();
} catch (err) {
  console.error(`[beacon] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
process.env.NODE_ENV ??= 'production';
await import('./serve.js');
