// `npm run serve` (and the last step of `npm start`): the production build — adapter-node's handler
// on a plain node:http server, so Socket.IO can attach to the same port. Importing the handler runs
// the init hook: migrate, seed on first start, start the live engine and the scheduler.
//
// Stopping (SIGTERM, SIGINT): stop accepting connections, mark /readyz unready, close the sockets so
// clients reconnect to another instance, let in-flight requests (and their transactions) finish,
// stop the scheduler and the listener, close the database (releasing the embedded data dir), exit
// — all within 10 s.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { SERVICE_WORKER_CSP, securityHeaders } from '../src/lib/server/http/security-headers.js';

// A production server unless told otherwise (the build is a production build).
process.env.NODE_ENV ??= 'production';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STOP_DEADLINE_MS = 10_000;

/** @type {typeof import('../src/lib/server/config.ts')} */
const { readConfig, ConfigError } = await tsImport('../src/lib/server/config.ts', import.meta.url);
/** @type {typeof import('../src/lib/server/log.ts')} */
const { logger } = await tsImport('../src/lib/server/log.ts', import.meta.url);

/**
 * Start-up refused — a bad setting (one line naming the variable), the data directory held by
 * another process… —: one clear line on stderr, exit 1, no stack.
 */
function refuse(/** @type {unknown} */ err) {
  const setting = err instanceof Error && (err.name === 'ConfigError' || err instanceof ConfigError);
  process.stderr.write(setting ? `beacon: ${/** @type {Error} */ (err).message}\n` : `[beacon] cannot start: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
}

/** @type {ReturnType<typeof readConfig>} */
let cfg;
try {
  cfg = readConfig();
} catch (err) {
  refuse(err);
}
const log = logger().child({ component: 'server' });

/** @type {((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined} */
let appHandler;

// adapter-node takes the scheme from ORIGIN or PROTOCOL_HEADER and otherwise assumes https, which
// would make every same-origin form post from http://localhost:3000 look cross-site. This server
// speaks plain HTTP itself, so unless the operator configured either (e.g. behind a TLS proxy),
// each request is marked http here — overwriting any such header a client sent. (adapter-node reads
// its settings from the environment itself; config.ts has validated them.)
const SCHEME_HEADER = 'x-beacon-scheme';
const markPlainHttp = !cfg.origin && !cfg.protocolHeader;
if (markPlainHttp) process.env.PROTOCOL_HEADER = SCHEME_HEADER;

// Every response starts with the security headers, whoever answers it: the app (which may set a
// stricter CSP or Referrer-Policy of its own), the static files, Socket.IO (it takes over the
// server's request listeners, so a listener could not reach its answers) and adapter-node's errors.
const defaultHeaders = Object.entries(securityHeaders(cfg.origin));
class SecureResponse extends http.ServerResponse {
  /** @param {http.IncomingMessage} req */
  constructor(req) {
    super(req);
    for (const [name, value] of defaultHeaders) this.setHeader(name, value);
    if (req.url?.split('?')[0] === '/service-worker.js') this.setHeader('content-security-policy', SERVICE_WORKER_CSP);
  }
}

let inFlight = 0;
/** @type {(() => void) | undefined} */
let onIdle;
const server = http.createServer({ ServerResponse: SecureResponse }, (req, res) => {
  if (markPlainHttp) req.headers[SCHEME_HEADER] = 'http';
  inFlight++;
  res.once('close', () => {
    if (--inFlight === 0) onIdle?.();
  });
  // While stopping, finish this request but close its connection after it.
  if (stopping) res.setHeader('connection', 'close');
  appHandler?.(req, res);
});
// The server exists before the app initialises: the init hook attaches Socket.IO to it
// (src/lib/server/live/index.ts), so both share one port.
globalThis.__beaconHttpServer = server;
try {
  const { handler } = await import(pathToFileURL(path.join(root, 'build', 'handler.js')).href);
  appHandler = handler;
} catch (err) {
  refuse(err);
}

server.listen(cfg.port, cfg.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.port;
  // Test helpers and the fan-out bench find the port by this text.
  log.info({ port, host: cfg.host }, `listening on http://localhost:${port}`);
});

let stopping = false;
async function shutdown(/** @type {string} */ signal) {
  if (stopping) return;
  stopping = true;
  globalThis.__beaconDraining = true;
  const started = Date.now();
  log.info({ signal, inFlight }, 'stopping: no new connections; finishing in-flight requests');
  setTimeout(() => {
    log.error({ inFlight }, `not stopped within ${STOP_DEADLINE_MS / 1000} s: exiting anyway`);
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  server.close();
  server.closeIdleConnections();
  const stop = globalThis.__beaconStop;
  // Sockets first (they reconnect elsewhere), then wait for requests, then the scheduler, listener
  // and database (runtime.ts orders those).
  await stop?.('sockets');
  if (inFlight > 0) await new Promise((resolve) => (onIdle = () => resolve(undefined)));
  server.closeAllConnections();
  await stop?.('rest');
  log.info({ durationMs: Date.now() - started }, 'stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
