// The service worker (issue 17): a reload of /needs, /pipeline or /outreach without a network shows
// the page as last read, with the edits waiting in this browser's queue. Registered by the root
// layout in production builds only (svelte.config.js: register false).
//
// - The app shell — this build's JavaScript and CSS and the static files — is kept, under this
//   version's name, once a workspace page is kept; older versions' caches are deleted on activate (a
//   deploy never serves old pages or code).
// - The workspace pages' HTML and SvelteKit data (__data.json) are fetched from the network first and
//   the copy is kept; the copy is answered only when the network fails.
// - Nothing else is touched: tRPC (reads and writes), sign-in and sign-out, /metrics, /healthz,
//   Socket.IO go to the network as if there were no worker.
// - The kept pages hold one person's data: a post that signs anyone in or out deletes them first, and
//   the pages delete them too when shown signed out or on sign-out (src/lib/offline.ts).
/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';
import { AUTH_POSTS, PAGE_CACHE_PREFIX, SHELL_CACHE_PREFIX, forgetOfflinePages, offlinePage, pageCacheKey } from '$lib/offline.js';

const sw = self as unknown as ServiceWorkerGlobalScope;
const SHELL = `${SHELL_CACHE_PREFIX}${version}`;
const PAGES = `${PAGE_CACHE_PREFIX}${version}`;
const SHELL_FILES = new Set([...build, ...files]);

// Installing takes nothing: the shell is read when the first workspace page is kept (keepShell),
// so a browser that never opens one (a wall screen, a sign-in) never downloads it.
sw.addEventListener('install', (event) => {
  event.waitUntil(sw.skipWaiting());
});

let shellKept: Promise<void> | null = null;

/** Bumped whenever the kept pages are deleted: a page read before then is not kept after. */
let generation = 0;
function forget(): Promise<void> {
  generation++;
  return forgetOfflinePages();
}

/** Reads this version's shell files that are not kept yet (once per worker; again after a failure). */
function keepShell(): Promise<void> {
  shellKept ??= (async () => {
    const cache = await caches.open(SHELL);
    const kept = new Set((await cache.keys()).map((r) => new URL(r.url).pathname));
    await cache.addAll([...SHELL_FILES].filter((f) => !kept.has(f)));
  })().catch((err) => {
    shellKept = null;
    throw err;
  });
  return shellKept;
}

sw.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      const ours = name.startsWith(SHELL_CACHE_PREFIX) || name.startsWith(PAGE_CACHE_PREFIX);
      if (ours && name !== SHELL && name !== PAGES) await caches.delete(name);
    }
    await sw.clients.claim();
  })());
});

/** A kept page or data answer: a whole 200 from this origin (never a redirect to sign-in, a 403 or an error). */
const keepable = (res: Response) => res.ok && res.status === 200 && res.type === 'basic' && !res.redirected;

/** The network's answer (its copy kept after it is answered, via `later`), else the kept copy. */
async function networkFirst(request: Request, later: (work: Promise<unknown>) => void): Promise<Response> {
  const key = pageCacheKey(request.url);
  const asked = generation;
  try {
    const res = await fetch(request);
    if (keepable(res)) {
      const copy = res.clone();
      later(keepShell().then(async () => {
        if (asked === generation) await (await caches.open(PAGES)).put(key, copy);
      }).catch(() => {}));
    }
    return res;
  } catch (err) {
    const kept = await (await caches.open(PAGES)).match(key);
    if (kept) return kept;
    if (request.mode !== 'navigate') throw err;
    return new Response(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Offline — Beacon</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>' +
        '<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem"><h1>You are offline</h1>' +
        '<p>This page has not been opened on this device while online, so there is no copy to show. It will load once the connection returns.</p></body></html>',
      { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } }
    );
  }
}

async function shellFirst(request: Request): Promise<Response> {
  const kept = await (await caches.open(SHELL)).match(request);
  return kept ?? fetch(request);
}

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (request.method === 'POST' && AUTH_POSTS.some((p) => url.pathname === p || url.pathname.startsWith(p.endsWith('/') ? p : `${p}/`))) {
    // Signing in or out: the previous person's pages are deleted (the post itself goes on untouched).
    event.waitUntil(forget());
    return;
  }
  if (request.method !== 'GET') return;
  if (SHELL_FILES.has(url.pathname)) return event.respondWith(shellFirst(request));
  if (offlinePage(url.pathname) && (request.mode === 'navigate' || url.pathname.endsWith('/__data.json'))) {
    return event.respondWith(networkFirst(request, (work) => event.waitUntil(work)));
  }
});

// A page opened before this worker controlled it (the first visit, or a client-side navigation)
// asks for its HTML to be kept: read once now, with the person's cookie, unless a copy is kept. A
// page asks for everything kept to be deleted (shown signed out, signing out).
sw.addEventListener('message', (event) => {
  const data = event.data as { type?: string; href?: string } | null;
  if (data?.type === 'forget') return event.waitUntil(forget());
  if (data?.type !== 'keep-page' || typeof data.href !== 'string') return;
  const asked = generation;
  event.waitUntil((async () => {
    const url = new URL(data.href!, sw.location.origin);
    if (url.origin !== sw.location.origin || !offlinePage(url.pathname)) return;
    const cache = await caches.open(PAGES);
    const key = pageCacheKey(url.href);
    if (await cache.match(key)) return;
    // The shell first: a kept page is one that can be shown.
    await keepShell();
    const res = await fetch(url.href, { credentials: 'same-origin', redirect: 'manual', headers: { accept: 'text/html' } }).catch(() => null);
    if (res && keepable(res) && asked === generation) await (await caches.open(PAGES)).put(key, res);
  })());
});
