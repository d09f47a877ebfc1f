// Sessions: the cookie holds a random token, the database its SHA-256 (the id Lucia sees), so a
// database leak yields no usable session. Expiry slides with use (12 h idle) under a hard 30-day
// lifetime. Everything else reaches sessions through this module.
import type { Cookies } from '@sveltejs/kit';
import { config } from '../config.js';
import type { Db } from '../db/index.js';
import { statesIn, type DivisionCode } from '../../regions.js';
import type { Role, SessionUser } from './access.js';
import { luciaFor, SESSION_ABSOLUTE_LIFETIME_MS, SESSION_IDLE_TIMEOUT_MS } from './lucia.js';
import * as repo from './session.repository.js';
import { generateToken, hashToken, looksLikeToken } from './tokens.js';

export { SESSION_ABSOLUTE_LIFETIME_MS, SESSION_IDLE_TIMEOUT_MS };
export type { SessionUser };

export const SESSION_COOKIE_NAME = 'beacon_session';
/** In production off localhost: the browser then refuses the cookie unless Secure, path=/ and host-only. */
export const SECURE_SESSION_COOKIE_NAME = '__Host-beacon_session';

/** Activity is written at most once a minute per session, not on every request. */
const ACTIVITY_RESOLUTION_MS = 60_000;

export interface SessionInfo {
  /** The stored SHA-256 of the token (never the token). */
  id: string;
  userId: string;
  expiresAt: Date;
}

export interface ValidatedSession {
  session: SessionInfo;
  user: SessionUser;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The cookie's name for a request URL: `__Host-` in production unless served on localhost. */
export function sessionCookieName(url: URL, production = config().production): string {
  return production && !isLoopbackHost(url.hostname) ? SECURE_SESSION_COOKIE_NAME : SESSION_COOKIE_NAME;
}

export function sessionCookieOptions(url: URL, expires?: Date) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    // Secure everywhere but plain-HTTP localhost (development and the test server).
    secure: !isLoopbackHost(url.hostname),
    ...(expires ? { expires } : {})
  };
}

export function readSessionToken(cookies: Cookies, url: URL): string | undefined {
  return cookies.get(sessionCookieName(url));
}

/** For connections outside SvelteKit (Socket.IO handshakes): the token in a Cookie header. */
export function sessionTokenFromCookieHeader(header: string | undefined, url: URL): string | undefined {
  const name = sessionCookieName(url);
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function setSessionCookie(cookies: Cookies, url: URL, token: string, expires: Date): void {
  cookies.set(sessionCookieName(url), token, sessionCookieOptions(url, expires));
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
  cookies.delete(sessionCookieName(url), sessionCookieOptions(url));
}

function toSessionUser(
  id: string,
  a: { email: string; displayName: string; role: Role; divisions: string[]; states: string[]; hasTotp: boolean },
  require2faRoles: readonly Role[]
): SessionUser {
  const states = new Set(a.states);
  for (const division of a.divisions) for (const state of statesIn(division as DivisionCode)) states.add(state);
  const user: SessionUser = { id, email: a.email, displayName: a.displayName, role: a.role, divisions: [...a.divisions], states: [...states].sort() };
  if (require2faRoles.includes(a.role) && !a.hasTotp) user.mustEnrolSecondFactor = true;
  return user;
}

/** Where a session signed in from, shown in the session list. */
export interface SessionOrigin {
  userAgent: string | null;
  address: string | null;
}

/**
 * The session and user for a cookie token, or null when it is unknown, expired or its user inactive.
 * `require2faRoles` (BEACON_REQUIRE_2FA) marks users of those roles without a second factor.
 */
export async function validateSessionToken(
  db: Db,
  token: string,
  require2faRoles: readonly Role[] = config().require2faRoles
): Promise<ValidatedSession | null> {
  if (!looksLikeToken(token)) return null;
  const { session, user } = await luciaFor(db).validateSession(hashToken(token));
  if (!session || !user) return null;
  const now = Date.now();
  let expiresAt = session.expiresAt < session.absoluteExpiresAt ? session.expiresAt : session.absoluteExpiresAt;
  if (now - session.lastActiveAt.getTime() >= ACTIVITY_RESOLUTION_MS) {
    expiresAt = (await repo.touchSession(db, session.id, new Date(now), new Date(now + SESSION_IDLE_TIMEOUT_MS))) ?? expiresAt;
  }
  return { session: { id: session.id, userId: session.userId, expiresAt }, user: toSessionUser(user.id, user, require2faRoles) };
}

export interface CreatedSession {
  /** Goes into the cookie and nowhere else. */
  token: string;
  session: SessionInfo;
  absoluteExpiresAt: Date;
}

/** A brand-new session (every sign-in gets one; nothing is reused). Pass a transaction to audit with it. */
export async function createSession(db: Db, userId: string, origin: SessionOrigin = { userAgent: null, address: null }): Promise<CreatedSession> {
  const token = generateToken();
  const now = Date.now();
  const absoluteExpiresAt = new Date(now + SESSION_ABSOLUTE_LIFETIME_MS);
  const session = await luciaFor(db).createSession(
    userId,
    {
      absoluteExpiresAt,
      lastActiveAt: new Date(now),
      // Bounded: these are shown back to the user, never trusted for anything.
      userAgent: origin.userAgent?.slice(0, 512) ?? null,
      address: origin.address?.slice(0, 64) ?? null
    },
    { sessionId: hashToken(token) }
  );
  return { token, session: { id: session.id, userId, expiresAt: session.expiresAt }, absoluteExpiresAt };
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
  await luciaFor(db).invalidateSession(sessionId);
}

/** Ends every session of a user (but `keep`); returns their ids for announceSessionsRevoked. */
export async function invalidateUserSessions(db: Db, userId: string, keep?: string): Promise<string[]> {
  // Straight to the repository: Lucia's own call returns nothing, and the ids are needed.
  return repo.deleteUserSessions(db, userId, keep);
}

export async function listUserSessions(db: Db, userId: string) {
  return repo.listUserSessions(db, userId);
}

/** Ends one of the user's own sessions; false when there is no such session of theirs. */
export async function invalidateOwnSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  return repo.deleteOwnSession(db, userId, sessionId);
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
  await luciaFor(db).deleteExpiredSessions();
}
