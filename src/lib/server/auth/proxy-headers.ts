// Behind a reverse proxy every request arrives from the proxy's address: unless ADDRESS_HEADER names
// the header holding the client's address, all visitors share one sign-in address budget. The first
// request that carries a proxy's headers while ADDRESS_HEADER is unset says so in the log, once.
import { componentLog } from '../log.js';

const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

let warned = false;

/** Logs the warning once per process; returns whether it did (for tests). */
export function warnAboutUnreadProxyHeaders(headers: Headers, addressHeader: string | undefined, log: { warn(message: string): void } = { warn: (message) => componentLog('auth').warn(message) }): boolean {
  if (warned || addressHeader) return false;
  const seen = PROXY_HEADERS.filter((h) => headers.has(h));
  if (!seen.length) return false;
  warned = true;
  log.warn(
    `[auth] requests carry proxy headers (${seen.join(', ')}) but ADDRESS_HEADER is not set: every visitor ` +
      'shares the proxy’s address for sign-in throttling. Set ADDRESS_HEADER (e.g. X-Forwarded-For) and XFF_DEPTH, see the README.'
  );
  return true;
}

/** For tests: forget that the warning was given. */
export function resetProxyHeaderWarning(): void {
  warned = false;
}
