// Prometheus metrics (prom-client), served at /metrics to a bearer of BEACON_METRICS_TOKEN.
// One registry per process (kept on globalThis across dev-mode module reloads). Labels are route
// ids and procedure names only — never parameters, users or anything typed in.
import { timingSafeEqual, createHash } from 'node:crypto';
import client from 'prom-client';

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'beacon_process_' });
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    httpDuration: new client.Histogram({
      name: 'beacon_http_request_duration_seconds',
      help: 'HTTP requests by method, route id and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: seconds,
      registers: [registry]
    }),
    trpcDuration: new client.Histogram({
      name: 'beacon_trpc_duration_seconds',
      help: 'tRPC procedure calls by procedure and outcome (ok or the tRPC error code)',
      labelNames: ['procedure', 'type', 'outcome'] as const,
      buckets: seconds,
      registers: [registry]
    }),
    trpcErrors: new client.Counter({
      name: 'beacon_trpc_errors_total',
      help: 'tRPC procedure calls that failed, by procedure and tRPC error code',
      labelNames: ['procedure', 'code'] as const,
      registers: [registry]
    }),
    sockets: new client.Gauge({ name: 'beacon_live_sockets', help: 'Socket.IO connections on this instance', registers: [registry] }),
    rooms: new client.Gauge({ name: 'beacon_live_rooms', help: 'Socket.IO rooms with members on this instance (data rooms, not per-socket ones)', registers: [registry] }),
    rowPushes: new client.Counter({ name: 'beacon_live_row_pushes_total', help: 'rows:changed pushes emitted (one per room per batch)', registers: [registry] }),
    dashboardPushes: new client.Counter({ name: 'beacon_live_dashboard_pushes_total', help: 'dashboard pushes emitted (one per room per tick)', registers: [registry] }),
    dashboardReadsPerTick: new client.Histogram({
      name: 'beacon_live_dashboard_reads_per_tick',
      help: 'dashboard views re-read in one tick (whatever the number of viewers)',
      buckets: [0, 1, 2, 4, 8, 16, 32, 64],
      registers: [registry]
    }),
    commitToPush: new client.Histogram({
      name: 'beacon_live_commit_to_push_seconds',
      help: 'from the statement that wrote a change (database clock, just before its commit) to its rows:changed push here',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry]
    }),
    changesDelivered: new client.Counter({ name: 'beacon_live_changes_delivered_total', help: 'change_log rows delivered by the LISTEN connection to the hub', registers: [registry] }),
    deliveredSeq: new client.Gauge({ name: 'beacon_live_delivered_seq', help: 'the last change_log seq the listener delivered', registers: [registry] }),
    changeLogSeq: new client.Gauge({ name: 'beacon_change_log_seq', help: 'the latest change_log seq in the database (read at scrape time)', registers: [registry] }),
    listenLag: new client.Gauge({ name: 'beacon_live_listen_lag_changes', help: 'change_log rows committed but not yet delivered by the listener (read at scrape time)', registers: [registry] }),
    listenerConnected: new client.Gauge({ name: 'beacon_live_listener_connected', help: '1 when the change listener is listening', registers: [registry] }),
    schedulerRuns: new client.Counter({ name: 'beacon_scheduler_runs_total', help: 'snapshot scheduler passes', registers: [registry] }),
    schedulerFailures: new client.Counter({ name: 'beacon_scheduler_failures_total', help: 'snapshot scheduler passes or scheduled runs that failed', registers: [registry] }),
    snapshotsMade: new client.Counter({ name: 'beacon_scheduler_snapshots_made_total', help: 'snapshots made by the scheduler', registers: [registry] }),
    poolTotal: new client.Gauge({ name: 'beacon_db_pool_connections', help: 'pg Pool connections (Postgres only)', registers: [registry] }),
    poolIdle: new client.Gauge({ name: 'beacon_db_pool_idle', help: 'idle pg Pool connections (Postgres only)', registers: [registry] }),
    poolWaiting: new client.Gauge({ name: 'beacon_db_pool_waiting', help: 'queries waiting for a pg Pool connection (Postgres only)', registers: [registry] })
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

declare global {
  var __beaconMetrics: Metrics | undefined;
}

export function metrics(): Metrics {
  globalThis.__beaconMetrics ??= createMetrics();
  return globalThis.__beaconMetrics;
}

/** Constant-time comparison of a bearer token with the configured one (hashes have equal length). */
export function bearerMatches(header: string | null, token: string): boolean {
  const given = header?.startsWith('Bearer ') ? header.slice(7) : '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}
