// The live engine's entry point, started from the server's init hook.
//
// Why a registry on globalThis: adapter-node bundles only what hooks and routes import, and the HTTP
// server is created outside that bundle (scripts/serve.js in production, Vite's dev server in
// development). Both register their node:http server as globalThis.__beaconHttpServer *before* the
// SvelteKit server initialises; startLive() attaches Socket.IO to it, on the same port. With no
// registered server (vitest, scripts, `vite preview` without the plugin) the live engine stays off.
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/postgres-adapter';
import { config } from '../config.js';
import { database, onShutdown } from '../runtime.js';
import { latestChangeSeq } from './change-log.repository.js';
import { startChangeListener } from './change-listener.js';
import { LiveHub } from './live-hub.js';
import { schedulePruning } from './change-log-pruning.js';
import { attachSocketHandlers, createSocketServer, type LiveServer } from './socket-server.js';
import type { Db } from '../db/index.js';

export interface LiveEngine {
  io: LiveServer;
  hub: LiveHub;
  db: Db;
  stop(): Promise<void>;
}

declare global {
  // Set by scripts/serve.js and the Vite plugin (vite.config.ts) before the app initialises.
  var __beaconHttpServer: HttpServer | undefined;
  // The running engine: one per process, also across dev-mode module reloads.
  var __beaconLive: Promise<LiveEngine | null> | undefined;
}

export function startLive(): Promise<LiveEngine | null> {
  globalThis.__beaconLive ??= boot().catch((err) => {
    globalThis.__beaconLive = undefined;
    throw err;
  });
  return globalThis.__beaconLive;
}

/** The running engine, if any (for the sync.since procedure's cached dashboard reads). */
export function liveEngine(): Promise<LiveEngine | null> {
  return globalThis.__beaconLive ?? Promise.resolve(null);
}

async function boot(): Promise<LiveEngine | null> {
  const httpServer = globalThis.__beaconHttpServer;
  if (!httpServer) return null;
  const cfg = config();
  const handle = await database();
  const io = createSocketServer(httpServer);
  if (handle.kind === 'postgres' && handle.pool) {
    // Presence and revocations cross instances through Postgres itself (NOTIFY), no extra broker.
    io.adapter(
      createAdapter(handle.pool, {
        errorHandler: (err) => console.error('[live] adapter:', err.message)
      })
    );
  }
  const startSeq = await latestChangeSeq(handle.db);
  const hub = new LiveHub(io, handle.db, { tickMs: cfg.liveTickMs, fiscalYearStartMonth: cfg.fiscalYearStartMonth, startSeq });
  const listener = startChangeListener({
    handle,
    databaseUrl: cfg.databaseUrl,
    afterSeq: startSeq,
    onChanges: (changes) => hub.onChanges(changes)
  });
  const stopSockets = attachSocketHandlers({ io, db: handle.db, hub, handshake: { origin: cfg.origin } });
  const stopPruning = schedulePruning(handle.db);
  await listener.ready;
  console.info(`[live] Socket.IO attached (${handle.kind === 'postgres' ? 'LISTEN + Postgres adapter' : 'embedded LISTEN'}, from seq ${startSeq})`);

  const engine: LiveEngine = {
    io,
    hub,
    db: handle.db,
    async stop() {
      stopPruning();
      stopSockets();
      hub.stop();
      await listener.stop();
      // Closes the sockets and the adapter's LISTEN client; the HTTP server is closed by its owner.
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    }
  };
  // Registered after the database's own close (runtime.ts), but shutdown runs tasks together:
  // stopping the listener first keeps it from reconnecting to a closing database.
  onShutdown(() => engine.stop());
  return engine;
}
