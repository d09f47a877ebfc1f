// Serves the production build: adapter-node's handler on a plain node:http server (so Socket.IO can
// attach to the same port). Importing the handler runs the init hook: migrate, seed on first start.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { securityHeaders } from '../src/lib/server/http/security-headers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The server exists before the app initialises: the init hook attaches Socket.IO to the server
// registered here (src/lib/server/live/index.ts), so both share one port.
/** @type {((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined} */
let appHandler;

// adapter-node takes the scheme from ORIGIN or PROTOCOL_HEADER and otherwise assumes https, which
// would make every same-origin form post from http://localhost:3000 look cross-site. This server
// speaks plain HTTP itself, so unless the operator configured either (e.g. behind a TLS proxy),
// each request is marked http here — overwriting any such header a client sent.
const SCHEME_HEADER = 'x-beacon-scheme';
const markPlainHttp = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (markPlainHttp) process.env.PROTOCOL_HEADER = SCHEME_HEADER;

// Every response starts with the security headers, whoever answers it: the app (which may set a
// stricter CSP or Referrer-Policy of its own), the static files, Socket.IO (it takes over the
// server's request listeners, so a listener could not reach its answers) and adapter-node's errors.
const defaultHeaders = Object.entries(securityHeaders(process.env.ORIGIN));
class SecureResponse extends http.ServerResponse {
  /** @param {http.IncomingMessage} req */
  constructor(req) {
    super(req);
    for (const [name, value] of defaultHeaders) this.setHeader(name, value);
  }
}

const server = http.createServer({ ServerResponse: SecureResponse }, (req, res) => {
  if (markPlainHttp) req.headers[SCHEME_HEADER] = 'http';
  appHandler?.(req, res);
});
globalThis.__beaconHttpServer = server;
try {
  const { handler } = await import(pathToFileURL(path.join(root, 'build', 'handler.js')).href);
  appHandler = handler;
} catch (err) {
  // Start-up refused (the data directory held by another process, a bad setting…): one clear line.
  console.error(`[beacon] cannot start: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

server.listen(port, host, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`[beacon] listening on http://localhost:${actualPort}`);
});

// Server modules register their clean-up (closing the database, so the embedded one is flushed)
// in globalThis.__beaconShutdown; they run after the HTTP server stops accepting connections.
async function shutdown(signal) {
  console.log(`[beacon] ${signal}: shutting down`);
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close();
  server.closeAllConnections?.();
  const tasks = globalThis.__beaconShutdown ?? [];
  await Promise.allSettled(tasks.map((task) => task()));
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
