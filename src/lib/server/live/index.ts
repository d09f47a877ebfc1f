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
import { startChangeListener, type ChangeListener } from './change-listener.js';
import { LiveHub } from './live-hub.js';
import { schedulePruning } from './change-log-pruning.js';
import { attachSocketHandlers, createSocketServer, type LiveServer } from './socket-server.js';
import type { Db } from '../db/index.js';
import { componentLog } from '../log.js';
import { ensureAlertEvaluator } from '../alerts/alert-evaluator.js';

const log = componentLog('live');

export interface LiveEngine {
  io: LiveServer;
  hub: LiveHub;
  db: Db;
  listener?: ChangeListener;
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
        errorHandler: (err) => log.error({ err }, 'Socket.IO Postgres adapter error')
      })
    );
  }
  const startSeq = await latestChangeSeq(handle.db);
  const hub = new LiveHub(io, handle.db, { tickMs: cfg.liveTickMs, fiscalYearStartMonth: cfg.fiscalYearStartMonth, startSeq });
  // Alert rules are re-checked for every committed change they can depend on, and on a timer.
  const alerts = ensureAlertEvaluator(handle.db, { fiscalYearStartMonth: cfg.fiscalYearStartMonth, intervalMs: cfg.alertIntervalMs }, (task) => onShutdown(task));
  const listener = startChangeListener({
    handle,
    databaseUrl: cfg.databaseUrl,
    afterSeq: startSeq,
    onChanges: (changes, writtenAt) => {
      hub.onChanges(changes, writtenAt);
      alerts.onChanges(changes);
    },
    onInbox: (userId) => hub.onInbox(userId)
  });
  const stopSockets = attachSocketHandlers({ io, db: handle.db, hub, handshake: { origin: cfg.origin } });
  const stopPruning = schedulePruning(handle.db);
  await listener.ready;
  log.info({ mode: handle.kind === 'postgres' ? 'LISTEN + Postgres adapter' : 'embedded LISTEN', seq: startSeq }, 'Socket.IO attached');

  // Without a disconnect packet: clients see the transport close and reconnect (to another
  // instance behind the load balancer, or to this one's successor), then catch up by seq.
  let closing: Promise<void> | undefined;
  const closeSockets = () => (closing ??= io.close());
  const engine: LiveEngine = {
    io,
    hub,
    db: handle.db,
    async stop() {
      stopPruning();
      stopSockets();
      hub.stop();
      await listener.stop();
      await closeSockets();
    }
  };
  engine.listener = listener;
  onShutdown(closeSockets, 'sockets');
  onShutdown(() => engine.stop());
  return engine;
}
