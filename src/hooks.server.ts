import { randomUUID } from 'node:crypto';
import { json, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { createTRPCHandle } from 'trpc-sveltekit';
import { appRouter } from '$lib/server/trpc/router.js';
import { createContext } from '$lib/server/trpc/context.js';
import { database, onShutdown } from '$lib/server/runtime.js';
import { config } from '$lib/server/config.js';
import { ensureSnapshotScheduler } from '$lib/server/snapshots/snapshot-scheduler.js';
import { closePdfBrowser } from '$lib/server/snapshots/snapshot-pdf.js';
import { startLive } from '$lib/server/live/index.js';
import { ensureDigestScheduler } from '$lib/server/notifications/digest-scheduler.js';
import { clearSessionCookie, deleteExpiredSessions, readSessionToken, validateSessionToken } from '$lib/server/auth/session.js';
import type { Db } from '$lib/server/db/index.js';
import { canOpenPage, isPublicPage } from '$lib/server/pages/page-access.js';
import { homeOf } from '$lib/server/auth/access.js';
import { OVERRIDABLE, securityHeaders } from '$lib/server/http/security-headers.js';
import { warnAboutUnreadProxyHeaders } from '$lib/server/auth/proxy-headers.js';
import { componentLog, logger } from '$lib/server/log.js';
import { metrics } from '$lib/server/metrics.js';

const httpLog = componentLog('http');

/** Start-up work: open the database, migrate, seed demo data on a first embedded start. */
export const init: ServerInit = async () => {
  const { db } = await database();
  await sweepExpiredSessions(db);
  // Socket.IO on the HTTP server registered by scripts/serve.js or the Vite plugin (see live/index.ts).
  await startLive();
  // Scheduled snapshots, and on start the runs missed while the server was down.
  const cfg = config();
  ensureSnapshotScheduler(db, cfg.snapshotSchedulerIntervalMs, { fiscalYearStartMonth: cfg.fiscalYearStartMonth }, onShutdown);
  // Daily notification digests (one mail per person per day, claimed so instances never both send).
  ensureDigestScheduler(db, cfg.digestIntervalMs, onShutdown);
  // The headless Chromium that prints snapshot PDFs (started on the first one).
  onShutdown(closePdfBrowser, 'work');
};

/** Expired sessions are refused (and deleted) when used; this also removes the ones never used again. */
async function sweepExpiredSessions(db: Db): Promise<void> {
  await deleteExpiredSessions(db);
  setInterval(() => deleteExpiredSessions(db).catch((err) => componentLog('auth').error({ err }, 'session sweep failed')), 60 * 60_000).unref();
}

/**
 * One log line and one histogram sample per request: a request id (also sent back as X-Request-Id),
 * the route id — never the path's parameters or the query string, which can hold tokens — the
 * status, the user id once known, the duration.
 */
const observe: Handle = async ({ event, resolve }) => {
  const started = performance.now();
  event.locals.requestId = randomUUID();
  let status = 500;
  try {
    const response = await resolve(event);
    status = response.status;
    response.headers.set('X-Request-Id', event.locals.requestId);
    return response;
  } finally {
    const durationMs = performance.now() - started;
    const route = event.route.id ?? (event.url.pathname.startsWith('/trpc/') ? '/trpc' : 'unmatched');
    const method = event.request.method;
    metrics().httpDuration.observe({ method, route, status: String(status) }, durationMs / 1000);
    const procedure = route === '/trpc' ? event.url.pathname.slice(6) : undefined;
    httpLog.info({ reqId: event.locals.requestId, method, route, procedure, status, userId: event.locals.user?.id, durationMs: Math.round(durationMs * 10) / 10 }, 'request');
  }
};

let cachedHeaders: Record<string, string> | undefined;
const baseHeaders = () => (cachedHeaders ??= securityHeaders(config().origin));

const secureResponses: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  // The same headers scripts/serve.js gives every answer; a page may set a stricter CSP or
  // Referrer-Policy itself (a shared snapshot keeps its token out of Referer headers).
  for (const [name, value] of Object.entries(baseHeaders())) {
    if (!OVERRIDABLE.has(name) || !response.headers.has(name)) response.headers.set(name, value);
  }
  const csp = response.headers.get('Content-Security-Policy');
  // kit.csp cannot know the host at build time; Socket.IO's WebSocket needs ws(s):// of this origin.
  if (csp?.includes('connect-src')) response.headers.set('Content-Security-Policy', csp.replace(/connect-src ([^;]*)/, `connect-src $1 ${socketOrigin(event.url)}`));
  return response;
};

function socketOrigin(url: URL): string {
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF for everything that changes state: SvelteKit checks form posts itself, this applies the same
 * rule to tRPC mutations and any other non-GET request (JSON bodies included): Origin must be ours.
 */
const sameOriginWrites: Handle = async ({ event, resolve }) => {
  if (SAFE_METHODS.has(event.request.method)) return resolve(event);
  if (event.request.headers.get('origin') !== event.url.origin) {
    return new Response(JSON.stringify({ message: 'Cross-origin request refused.' }), {
      status: 403,
      headers: { 'content-type': 'application/json' }
    });
  }
  return resolve(event);
};

/** locals.user and locals.session from the session cookie; a dead cookie is cleared. */
const authenticate: Handle = async ({ event, resolve }) => {
  warnAboutUnreadProxyHeaders(event.request.headers, config().addressHeader);
  event.locals.user = null;
  event.locals.session = null;
  const token = readSessionToken(event.cookies, event.url);
  if (!token) return resolve(event);
  const { db } = await database();
  const validated = await validateSessionToken(db, token);
  if (!validated) {
    clearSessionCookie(event.cookies, event.url);
    return resolve(event);
  }
  event.locals.user = validated.user;
  event.locals.session = validated.session;
  return resolve(event);
};

/**
 * Pages: anonymous visitors go to sign-in, roles open only their pages (page-access.ts). tRPC is not
 * a page route (route.id is null): every procedure guards itself. Answers are returned, not thrown,
 * so they still pass through secureResponses.
 */
const ENROLMENT_ROUTES = new Set(['/account/two-factor', '/logout']);

const guardPages: Handle = async ({ event, resolve }) => {
  const routeId = event.route.id;
  if (routeId === null || isPublicPage(routeId)) return resolve(event);
  const user = event.locals.user;
  if (!user) {
    const location = `/login?redirectTo=${encodeURIComponent(event.url.pathname + event.url.search)}`;
    return new Response(null, { status: 303, headers: { location } });
  }
  // BEACON_REQUIRE_2FA: enrolment (and signing out) before any other page.
  if (user.mustEnrolSecondFactor && !ENROLMENT_ROUTES.has(routeId)) {
    if (event.isDataRequest) return json({ type: 'redirect', status: 303, location: '/account/two-factor' });
    return new Response(null, { status: 303, headers: { location: '/account/two-factor' } });
  }
  if (!canOpenPage(user, routeId)) {
    const message = `Your role (${user.role}) cannot open this page.`;
    // Client-side navigation asks for data as JSON; SvelteKit's client then shows +error.svelte.
    if (event.isDataRequest) return json({ message }, { status: 403 });
    return new Response(forbiddenPage(message, homeOf(user.role)), { status: 403, headers: { 'content-type': 'text/html; charset=utf-8' } });
  }
  return resolve(event);
};

function forbiddenPage(message: string, home: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>403 — Beacon</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
${config().demo ? '<p style="display: inline-block; margin: 0; padding: 0.1rem 0.55rem; border-radius: 999px; border: 1px solid #fbbf24; background: #fffbeb; color: #92400e; font-size: 0.75rem; font-weight: 600">Demo data</p>' : ''}
<h1>403</h1><p role="alert">${message}</p><p><a href="${home}">Go to your home page</a></p></body></html>`;
}

/** Calls one tRPC batch may carry: each is a procedure run, so an unbounded batch is a cheap flood. */
const MAX_TRPC_BATCH = 10;

/** A larger batch is refused before any procedure runs (400, plain words, tRPC's error shape). */
const boundedBatches: Handle = async ({ event, resolve }) => {
  const { pathname, searchParams } = event.url;
  if (!pathname.startsWith('/trpc/') || searchParams.get('batch') !== '1') return resolve(event);
  const calls = pathname.slice('/trpc/'.length).split(',').length;
  if (calls <= MAX_TRPC_BATCH) return resolve(event);
  const message = `One request may carry at most ${MAX_TRPC_BATCH} calls (this one had ${calls}); send them in smaller batches.`;
  return json({ error: { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } } }, { status: 400 });
};

const trpc = createTRPCHandle({
  router: appRouter,
  createContext,
  onError: ({ error, path }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') componentLog('trpc').error({ err: error.cause ?? error, procedure: path }, 'procedure failed');
  }
});

export const handle: Handle = sequence(observe, secureResponses, sameOriginWrites, boundedBatches, authenticate, guardPages, trpc);

/** Unexpected errors: the details go to the log, the response gets SvelteKit's generic message. */
export const handleError: HandleServerError = ({ error: err, event, status, message }) => {
  if (status >= 500) logger().error({ err, reqId: event.locals.requestId, route: event.route.id }, 'unexpected error');
  return { message };
};
