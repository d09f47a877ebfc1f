// The cookie of the half-way sign-in step (password checked, code owed). Same protections as the
// session cookie; it opens nothing but the code step.
import type { Cookies } from '@sveltejs/kit';
import { config } from '../config.js';
import { isLoopbackHost, sessionCookieOptions } from './session.js';

function cookieName(url: URL): string {
  return config().production && !isLoopbackHost(url.hostname) ? '__Host-beacon_2fa' : 'beacon_2fa';
}

export function setChallengeCookie(cookies: Cookies, url: URL, token: string, expires: Date): void {
  cookies.set(cookieName(url), token, sessionCookieOptions(url, expires));
}

export function readChallengeCookie(cookies: Cookies, url: URL): string | undefined {
  return cookies.get(cookieName(url));
}

export function clearChallengeCookie(cookies: Cookies, url: URL): void {
  cookies.delete(cookieName(url), sessionCookieOptions(url));
}
