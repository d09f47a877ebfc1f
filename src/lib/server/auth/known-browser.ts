// The "known browser" cookie: a random token set at a successful sign-in (stored only as its hash,
// sign-in-throttle.repository.ts). Sent back to /login only; it proves nothing but "this browser
// signed in to this account before", which earns it its own throttle budget (rate-limit.ts).
import type { Cookies } from '@sveltejs/kit';
import { sessionCookieOptions } from './session.js';

const NAME = 'beacon_known_browser';
const LIFETIME_MS = 400 * 24 * 60 * 60_000;

export function readKnownBrowserToken(cookies: Cookies): string | undefined {
  return cookies.get(NAME);
}

export function setKnownBrowserCookie(cookies: Cookies, url: URL, token: string): void {
  cookies.set(NAME, token, { ...sessionCookieOptions(url, new Date(Date.now() + LIFETIME_MS)), path: '/login' });
}
