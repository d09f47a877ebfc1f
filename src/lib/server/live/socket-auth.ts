// The Socket.IO handshake guard: a cross-site page must not open a socket with the user's cookie
// (the Origin must be this app's), and only a valid session gets a connection. The session is
// checked with the same code as every HTTP request (validateSessionToken).
import type { IncomingMessage } from 'node:http';
import type { Db } from '../db/index.js';
import { sessionTokenFromCookieHeader, validateSessionToken, type ValidatedSession } from '../auth/session.js';
import type { HandshakeError } from '$lib/realtime/events.js';
import { mayFollowLive } from './room-access.js';
import { openKioskLink, type KioskIdentity } from '../kiosk/kiosk.service.js';

export interface HandshakeOptions {
  /** ORIGIN (config): when set, the only accepted Origin. Otherwise the Origin must match the Host. */
  origin: string | undefined;
}

/** This app's own origin as the request sees it (ORIGIN when configured). */
export function appBaseUrl(req: IncomingMessage, options: HandshakeOptions): URL | null {
  if (options.origin) return new URL(options.origin);
  const host = req.headers.host;
  if (!host) return null;
  try {
    return new URL(`http://${host}`);
  } catch {
    return null;
  }
}

export function isSameOrigin(req: IncomingMessage, options: HandshakeOptions): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if (options.origin) return o.origin === new URL(options.origin).origin;
  // Without ORIGIN the scheme is unknown behind a TLS-terminating proxy: the host must match.
  return (o.protocol === 'http:' || o.protocol === 'https:') && o.host === req.headers.host;
}

const REFUSALS: Record<HandshakeError, string> = {
  origin_refused: 'Live updates are only available from this site’s own pages.',
  unauthenticated: 'Sign in to follow live changes.',
  no_live_access: 'Your role sees board snapshots, not live operational data.',
  too_many_sockets: 'This session has too many live connections open.',
  kiosk_revoked: 'This screen’s link was revoked.'
};

export class HandshakeRefused extends Error {
  constructor(readonly reason: HandshakeError) {
    super(REFUSALS[reason]);
  }
}

/** A wall screen's handshake (`auth: { kiosk: token }`): its active device link, or a typed refusal. */
export async function authenticateKioskHandshake(db: Db, req: IncomingMessage, token: unknown, options: HandshakeOptions): Promise<KioskIdentity> {
  if (!isSameOrigin(req, options)) throw new HandshakeRefused('origin_refused');
  const found = typeof token === 'string' ? await openKioskLink(db, token) : null;
  if (!found) throw new HandshakeRefused('unauthenticated');
  if (found.status === 'revoked') throw new HandshakeRefused('kiosk_revoked');
  return found.identity;
}

/** The session behind a handshake or re-check, or a typed refusal. */
export async function authenticateHandshake(db: Db, req: IncomingMessage, options: HandshakeOptions): Promise<ValidatedSession & { token: string }> {
  if (!isSameOrigin(req, options)) throw new HandshakeRefused('origin_refused');
  const base = appBaseUrl(req, options);
  const token = base ? sessionTokenFromCookieHeader(req.headers.cookie, base) : undefined;
  const validated = token ? await validateSessionToken(db, token) : null;
  if (!token || !validated) throw new HandshakeRefused('unauthenticated');
  // The same rule as every room (room-access.ts): a role without live data gets no connection at all.
  if (!mayFollowLive(validated.user)) throw new HandshakeRefused('no_live_access');
  // BEACON_REQUIRE_2FA: nothing live before the second factor is enrolled.
  if (validated.user.mustEnrolSecondFactor) throw new HandshakeRefused('unauthenticated');
  return { ...validated, token };
}
