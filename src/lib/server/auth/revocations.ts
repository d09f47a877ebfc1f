// In-process announcements that some sessions lost their rights (sign-out, deactivation, a role or
// region change), so holders of long-lived connections (the Socket.IO hub) drop them at once instead
// of waiting for their next check. Without sessionIds, every session of the user is meant.
// Per-instance only: a second app instance hears nothing, so live connections must also re-check
// the session when they (re)join a room.

import { componentLog } from '../log.js';

export interface SessionsRevoked {
  userId: string;
  /** Session ids (the stored SHA-256 hashes); absent = every session of the user. */
  sessionIds?: string[];
}

type Listener = (event: SessionsRevoked) => void;

const listeners = new Set<Listener>();

export function onSessionsRevoked(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function announceSessionsRevoked(event: SessionsRevoked): void {
  for (const listener of listeners) {
    // One failing listener must not keep the others from hearing it.
    try {
      listener(event);
    } catch (err) {
      componentLog('auth').error({ err }, 'session revocation listener failed');
    }
  }
}
