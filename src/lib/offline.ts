// What the service worker (src/service-worker.ts) keeps for a reload without a network, shared with
// the pages that register it and clear it. Only the workspace pages are kept — their HTML and their
// SvelteKit data (__data.json) — network first: the copy is used only when the network fails. They
// hold one person's data, so every copy is deleted on sign-out, on any sign-in, and whenever a page
// is shown signed out; tRPC, auth, /metrics and /healthz are never kept.

/** Cache names start with this; the app version follows (old versions are deleted on activate). */
export const PAGE_CACHE_PREFIX = 'beacon-pages-';
export const SHELL_CACHE_PREFIX = 'beacon-shell-';

/** The pages kept for a reload while offline. */
export const OFFLINE_PAGES = ['/needs', '/pipeline', '/outreach'] as const;

/** Posts that sign someone in or out: the kept pages are deleted before they reach the server. */
export const AUTH_POSTS = ['/login', '/logout', '/invite/', '/reset/'];

/** The page a path shows (its own path, or the page whose __data.json it is), if it is kept offline. */
export function offlinePage(pathname: string): string | null {
  const page = pathname.endsWith('/__data.json') ? pathname.slice(0, -'/__data.json'.length) : pathname;
  return (OFFLINE_PAGES as readonly string[]).includes(page) ? page : null;
}

/**
 * The key a page or data answer is kept under: its URL without SvelteKit's per-request markers
 * (which nodes to reload), so a later data request for the same page and query finds it.
 */
export function pageCacheKey(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('x-sveltekit-invalidated');
  url.searchParams.delete('x-sveltekit-trailing-slash');
  url.searchParams.sort();
  url.hash = '';
  return url.href;
}

/** Deletes every kept page (sign-out, a signed-out page): nothing of one person's stays for the next. */
export async function forgetOfflinePages(): Promise<void> {
  if (typeof caches === 'undefined') return;
  // The worker too, so a page it is reading now is not kept after this (see its `generation`).
  if (typeof window !== 'undefined' && navigator.serviceWorker?.controller) navigator.serviceWorker.controller.postMessage({ type: 'forget' });
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(PAGE_CACHE_PREFIX)).map((n) => caches.delete(n)));
}

/** The worker's script (built from src/service-worker.ts). */
const WORKER = '/service-worker.js';

/** Registers the worker (built apps, never under `vite dev`; the root layout calls it once). */
export function registerOfflineWorker(): void {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register(WORKER, { type: 'classic' }).catch(() => {
    // No worker (a browser that refuses it, an insecure origin): the pages work online as before.
  });
}

/**
 * Asks the worker to keep this page for a reload while offline (a kept page is left as is: each
 * page load read through the worker refreshes it anyway). Pages outside OFFLINE_PAGES are ignored,
 * and so is a `documentLoad` the worker already answered (it kept that answer itself).
 */
export function keepForOffline(href: string, documentLoad: boolean): void {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  if (!offlinePage(new URL(href).pathname) || (documentLoad && navigator.serviceWorker.controller)) return;
  void navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage({ type: 'keep-page', href }));
}
