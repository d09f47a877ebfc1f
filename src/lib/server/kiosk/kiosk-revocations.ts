// In-process announcement that a device link was revoked, so the Socket.IO server drops its screens
// at once (through the adapter: every instance's sockets of that link). Joins and the periodic sweep
// re-check the link too, for what an announcement cannot reach.
import { componentLog } from '../log.js';

type Listener = (linkId: number) => void;
const listeners = new Set<Listener>();

export function onKioskLinkRevoked(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function announceKioskLinkRevoked(linkId: number): void {
  for (const listener of listeners) {
    try {
      listener(linkId);
    } catch (err) {
      componentLog('kiosk').error({ err }, 'kiosk revocation listener failed');
    }
  }
}
