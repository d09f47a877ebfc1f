// The security headers every answer carries, in one place for both layers that send them: the node
// server (scripts/serve.js), which gives them to every response as defaults — static files,
// Socket.IO's answers, adapter-node's own errors — and hooks.server.ts, which applies the same to
// the app's responses (so `vite dev` gets them too). Plain JavaScript: serve.js runs it unbuilt.

/**
 * For answers without a policy of their own (static files, Socket.IO, error and refusal pages):
 * nothing runs or loads, nothing frames them. Pages get SvelteKit's nonce-based policy instead
 * (svelte.config.js). Inline style stays allowed for the plain 403 page's style attributes.
 */
export const FALLBACK_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The service worker's script (/service-worker.js, a static file): a worker's fetches obey the policy
 * its script came with, and it reads the app's own pages and files — nothing else, no other origin.
 */
export const SERVICE_WORKER_CSP = "default-src 'none'; connect-src 'self'";

/** Two years: browsers keep to https for this origin even if a later answer comes over http. */
export const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * Header name → value. HSTS only when the public origin is https (a plain-http origin, e.g. a local
 * demo, must not pin the browser to https).
 * @param {string | undefined} origin the ORIGIN setting
 * @returns {Record<string, string>}
 */
export function securityHeaders(origin) {
  /** @type {Record<string, string>} */
  const headers = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'content-security-policy': FALLBACK_CSP
  };
  if (isHttpsOrigin(origin)) headers['strict-transport-security'] = HSTS;
  return headers;
}

/** Headers a response may set more strictly or more specifically itself (a page's CSP, a share page's no-referrer). */
export const OVERRIDABLE = new Set(['content-security-policy', 'referrer-policy']);

/** @param {string | undefined} origin */
function isHttpsOrigin(origin) {
  if (!origin) return false;
  try {
    return new URL(origin).protocol === 'https:';
  } catch {
    return false;
  }
}
