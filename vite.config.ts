import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Live updates in development: registers Vite's own HTTP server so the app's init hook attaches
 * Socket.IO to it (src/lib/server/live/index.ts), on the same port as the pages. scripts/serve.js
 * does the same in production. Vitest runs Vite without an HTTP server, so the engine stays off there.
 */
function beaconLive(): Plugin {
  return {
    name: 'beacon-live',
    configureServer(server) {
      if (server.httpServer) globalThis.__beaconHttpServer = server.httpServer as typeof globalThis.__beaconHttpServer;
    }
  };
}

export default defineConfig({
  plugins: [beaconLive(), sveltekit()],
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: integration files each own a database; browser files own a server and Chromium.
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true
  }
});
