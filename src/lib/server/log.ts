// One logger for the server and the scripts: JSON lines on stdout (pino), pretty when stdout is a
// terminal and pino-pretty is installed. Levels by LOG_LEVEL.
//
// What never goes into a log line: request parameters or bodies, query strings, tokens, passwords,
// cookies, and anything about a survivor. Requests are logged by route id (/s/[token], never the
// token), errors by name, code and message (never the SQL parameters or a constraint's detail,
// which can quote a row's values).
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import { config } from './config.js';
import { isDatabaseError } from './db/refusals.js';
import { loggableError } from './error-log.js';

export type { Logger };

/** Only what is safe to keep from an error: pg and Kysely errors carry `parameters`, `detail`, `where`. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  // A database error's message can quote the value it refused, and it carries the SQL: only its
  // SQLSTATE and the schema objects' names are kept (error-log.ts).
  if (isDatabaseError(err) || isDatabaseError(err.cause)) return { ...loggableError(err) };
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error ? { name: err.cause.name, message: err.cause.message } : undefined;
  return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}), ...(cause ? { cause } : {}), stack: err.stack };
}

function prettyStream(): NodeJS.WritableStream | undefined {
  if (!process.stdout.isTTY) return undefined;
  try {
    // Resolved at run time from the project (a dev dependency: absent in a production install).
    const pretty = createRequire(import.meta.url)('pino-pretty') as (o: object) => NodeJS.WritableStream;
    return pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}

function createLogger(): Logger {
  let level = 'info';
  try {
    level = config().logLevel;
  } catch {
    // A bad setting is reported by whoever reads the configuration first; log at info meanwhile.
  }
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid },
    serializers: { err: errorFields },
    // Belt and braces: these keys are dropped wherever they appear one level down.
    redact: { paths: ['password', '*.password', 'token', '*.token', 'cookie', '*.cookie', 'authorization', '*.authorization'], remove: true }
  };
  // Synchronous writes: a line logged just before exit (a bad setting, shutdown) is never lost.
  return pino(options, prettyStream() ?? pino.destination({ dest: 1, sync: true }));
}

declare global {
  // One logger per process, also across dev-mode module reloads.
  var __beaconLog: Logger | undefined;
}

export function logger(): Logger {
  globalThis.__beaconLog ??= createLogger();
  return globalThis.__beaconLog;
}

/** A logger for one part of the server: every line carries `component`. */
export function componentLog(component: string): Logger {
  return logger().child({ component });
}
