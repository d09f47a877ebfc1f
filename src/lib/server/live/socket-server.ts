// Socket.IO on the app's own HTTP server: handshake guard, room commands, presence, revocation.
// Sockets carry pushes and presence only; every domain write goes through tRPC.
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Db } from '../db/index.js';
import type { SessionUser } from '../auth/session.js';
import { validateSessionToken } from '../auth/session.js';
import { onSessionsRevoked } from '../auth/revocations.js';
import { hasPresence, parseRoom, type ClientToServerEvents, type HandshakeError, type JoinResult, type ServerToClientEvents, type Viewer } from '$lib/realtime/events.js';
import { authenticateHandshake, authenticateKioskHandshake, HandshakeRefused, type HandshakeOptions } from './socket-auth.js';
import { isValidRoom, mayJoinRoom } from './room-access.js';
import { findKioskLink, type KioskIdentity } from '../kiosk/kiosk.service.js';
import { onKioskLinkRevoked } from '../kiosk/kiosk-revocations.js';
import { catchUpRoom } from './sync.service.js';
import { announceArrival, announceDeparture } from './presence.js';
import type { LiveHub } from './live-hub.js';
import { isDashboardRoom, LIVE_LIMITS, socketBudget, type SocketBudget } from './socket-limits.js';
import { componentLog, type Logger } from '../log.js';
import { onIntentCleared, onIntentEditing, onJoin, onLeave } from './socket-commands.js';

export interface LiveSocketData {
  /** A wall screen's socket: a placeholder with the least rights (role board: no room); its
   *  rights are `kiosk`'s, checked by the kiosk handlers alone. */
  user: SessionUser;
  /** The session's id; a wall screen's is `kiosk:<link id>` (its sockets count together). */
  sessionId: string;
  /** Kept to re-check the session (or the device link) on joins and sweeps; never sent anywhere. */
  token: string;
  /** Shown to the others in presence rooms; none for a wall screen. */
  viewer?: Viewer;
  /** Set for a wall screen's device link (/kiosk/[token]): exactly its dashboards' rooms. */
  kiosk?: KioskIdentity;
  /** Presence rooms where this socket announced an editing intent → that intent (a repeat is not relayed). */
  intents: Map<string, string>;
  /** Join and intent rate limits of this socket. */
  budget: SocketBudget;
}

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;

const userRoom = (userId: string) => `user:${userId}`;
const sessionRoom = (sessionId: string) => `session:${sessionId}`;
const kioskRoom = (linkId: number) => `kiosk:${linkId}`;
/** Nobody: what a wall screen's socket carries where a user is expected (it may follow no room). */
const kioskPlaceholder = (k: KioskIdentity): SessionUser => ({ id: `kiosk:${k.linkId}`, email: '', displayName: k.label, role: 'board', divisions: [], states: [] });

export function createSocketServer(httpServer: HttpServer): LiveServer {
  return new Server(httpServer, {
    serveClient: false,
    // The client tries WebSocket first and falls back to long-polling where a proxy blocks upgrades.
    transports: ['polling', 'websocket'],
    // A tab that vanished without closing its socket is noticed within 4 + 5 s (presence ≤ 10 s).
    pingInterval: 4_000,
    pingTimeout: 5_000,
    // Clients send only small commands.
    maxHttpBufferSize: 16 * 1024,
    // Other upgrade requests on this server (Vite's HMR in development) are not ours to destroy.
    destroyUpgrade: false,
    // An Engine.IO connection that never completes the signed-in handshake is closed (default: 45 s).
    connectTimeout: LIVE_LIMITS.connectTimeoutMs
  });
}

export interface SocketHandlerDeps {
  io: LiveServer;
  db: Db;
  hub: LiveHub;
  handshake: HandshakeOptions;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** Wires the guard and the commands; returns a stop function for timers and listeners. */
export function attachSocketHandlers({ io, db, hub, handshake, log = componentLog('live') }: SocketHandlerDeps): () => void {
  // Handshakes admitted but maybe not yet in io.sockets (Socket.IO adds them a tick after next()):
  // socket id → session id, counted together with the connected ones (by id, so never twice).
  const admitting = new Map<string, string>();
  const socketsOf = (sessionId: string) => {
    const ids = new Set<string>();
    for (const [id, session] of admitting) if (session === sessionId) ids.add(id);
    for (const s of io.of('/').sockets.values()) if (s.data.sessionId === sessionId) ids.add(s.id);
    return ids.size;
  };
  io.use((socket, next) => {
    const kioskToken = (socket.handshake.auth as { kiosk?: unknown } | undefined)?.kiosk;
    if (kioskToken !== undefined) return admitKiosk(socket, kioskToken, next);
    authenticateHandshake(db, socket.request, handshake).then(
      ({ session, user, token }) => {
        if (socketsOf(session.id) >= LIVE_LIMITS.socketsPerSession) {
          return next(refusal('too_many_sockets', `This session already has ${LIVE_LIMITS.socketsPerSession} live connections open: close another tab to follow changes here.`));
        }
        socket.data = {
          user,
          sessionId: session.id,
          token,
          viewer: { userId: user.id, displayName: user.displayName, role: user.role },
          intents: new Map(),
          budget: socketBudget()
        };
        admitting.set(socket.id, session.id);
        setImmediate(() => admitting.delete(socket.id));
        next();
      },
      (err) => {
        if (err instanceof HandshakeRefused) return next(refusal(err.reason, err.message));
        log.error({ err, socketId: socket.id }, 'handshake failed');
        next(new Error('unauthenticated'));
      }
    );
  });

  function admitKiosk(socket: LiveSocket, token: unknown, next: (err?: Error) => void) {
    authenticateKioskHandshake(db, socket.request, token, handshake).then(
      (kiosk) => {
        const sessionId = kioskRoom(kiosk.linkId);
        if (socketsOf(sessionId) >= LIVE_LIMITS.socketsPerSession) {
          return next(refusal('too_many_sockets', `This screen's link already has ${LIVE_LIMITS.socketsPerSession} live connections open.`));
        }
        socket.data = { user: kioskPlaceholder(kiosk), sessionId, token: token as string, kiosk, intents: new Map(), budget: socketBudget() };
        admitting.set(socket.id, sessionId);
        setImmediate(() => admitting.delete(socket.id));
        next();
      },
      (err) => {
        if (err instanceof HandshakeRefused) return next(refusal(err.reason, err.message));
        log.error({ err, socketId: socket.id }, 'kiosk handshake failed');
        next(new Error('unauthenticated'));
      }
    );
  }

  // A wall screen's socket: joins its dashboards' rooms (any filters, as the dashboard procedures
  // allow) and nothing else; no presence, no intents. The link is re-checked on every join.
  function wireKioskSocket(socket: LiveSocket, kiosk: KioskIdentity) {
    void socket.join(kioskRoom(kiosk.linkId));
    log.info({ socketId: socket.id, kioskLinkId: kiosk.linkId, transport: socket.conn.transport.name }, 'kiosk socket connected');
    socket.on('room:join', onJoin(socket, joinAsKiosk, log));
    socket.on('room:leave', onLeave(socket));
  }

  async function joinAsKiosk(socket: LiveSocket, room: string, since: number | undefined): Promise<JoinResult> {
    const spec = parseRoom(room);
    if (!spec) return { ok: false, room, error: 'bad_room' };
    const found = await findKioskLink(db, socket.data.token);
    if (found?.status !== 'active') {
      socket.emit('kiosk:revoked', {});
      socket.disconnect(true);
      return { ok: false, room, error: 'unauthenticated' };
    }
    socket.data.kiosk = found.identity;
    if (spec.kind !== 'dashboard' || !found.identity.dashboards.includes(spec.topic) || !isValidRoom(spec)) return { ok: false, room, error: 'forbidden' };
    if (!socket.rooms.has(room) && [...socket.rooms].filter(isDashboardRoom).length >= LIVE_LIMITS.dashboardRoomsPerSocket) {
      return { ok: false, room, error: 'too_many_rooms' };
    }
    await socket.join(room);
    const { seq, catchUp } = await catchUpRoom({ db, readDashboard: (r, s) => hub.readDashboard(r, s) }, room, spec, since);
    return { ok: true, room, seq, viewers: [], catchUp };
  }

  io.on('connection', (socket: LiveSocket) => {
    if (socket.data.kiosk) return wireKioskSocket(socket, socket.data.kiosk);
    void socket.join([userRoom(socket.data.user.id), sessionRoom(socket.data.sessionId)]);
    // The socket id is this connection's request id in the log.
    const connectedAt = performance.now();
    log.info({ socketId: socket.id, userId: socket.data.user.id, transport: socket.conn.transport.name }, 'socket connected');
    socket.on('disconnect', (reason) =>
      log.info({ socketId: socket.id, userId: socket.data.user.id, reason, durationMs: Math.round(performance.now() - connectedAt) }, 'socket disconnected')
    );

    // The commands, one handler each (socket-commands.ts: zod payloads, the contract's answers).
    socket.on('room:join', onJoin(socket, join, log));
    socket.on('intent:editing', onIntentEditing(socket));
    socket.on('intent:cleared', onIntentCleared((room) => clearIntent(socket, room)));
    socket.on(
      'room:leave',
      onLeave(socket, (room) => {
        clearIntent(socket, room);
        if (hasPresence(room)) void announceDeparture(io, room, socket.data.user.id).catch(() => undefined);
      })
    );

    socket.on('disconnecting', () => {
      for (const room of [...socket.data.intents.keys()]) clearIntent(socket, room);
      const rooms = [...socket.rooms].filter(hasPresence);
      const userId = socket.data.user.id;
      // After the socket has left its rooms, so it no longer counts itself.
      if (rooms.length) setImmediate(() => rooms.forEach((room) => void announceDeparture(io, room, userId).catch(() => undefined)));
    });
  });

  /** A refusal the client reads as `err.message` (a code) and `err.data.message` (plain words). */
  function refusal(code: HandshakeError, message: string): Error {
    return Object.assign(new Error(code), { data: { message } });
  }

  function clearIntent(socket: LiveSocket, room: string) {
    if (!socket.data.intents.delete(room)) return;
    io.to(room).except(socket.id).emit('intent:changed', { room, userId: socket.data.user.id, displayName: socket.data.user.displayName, target: null });
  }

  async function join(socket: LiveSocket, room: string, since: number | undefined): Promise<JoinResult> {
    const spec = parseRoom(room);
    if (!spec) return { ok: false, room, error: 'bad_room' };
    // Re-check the session on every join: a revocation heard by another instance, an expiry, or a
    // role or region change made since the handshake all count from here.
    const current = await validateSessionToken(db, socket.data.token);
    if (!current || current.user.mustEnrolSecondFactor) {
      socket.emit('session:revoked', { reason: 'expired' });
      socket.disconnect(true);
      return { ok: false, room, error: 'unauthenticated' };
    }
    socket.data.user = current.user;
    if (!mayJoinRoom(current.user, spec)) return { ok: false, room, error: 'forbidden' };
    if (isDashboardRoom(room) && !socket.rooms.has(room) && [...socket.rooms].filter(isDashboardRoom).length >= LIVE_LIMITS.dashboardRoomsPerSocket) {
      return { ok: false, room, error: 'too_many_rooms' };
    }
    // Join first, then read: a change committed in between arrives both ways and the client keeps
    // one (by seq); reading first could miss it.
    await socket.join(room);
    const { seq, catchUp } = await catchUpRoom({ db, readDashboard: (r, s) => hub.readDashboard(r, s) }, room, spec, since);
    const viewers = hasPresence(room) ? await announceArrival(io, socket, room) : [];
    return { ok: true, room, seq, viewers, catchUp };
  }

  const revoke = (room: string) => {
    io.to(room).emit('session:revoked', { reason: 'revoked' });
    io.in(room).disconnectSockets(true);
  };
  const stopKioskRevocations = onKioskLinkRevoked((linkId) => {
    const room = kioskRoom(linkId);
    io.to(room).emit('kiosk:revoked', {});
    io.in(room).disconnectSockets(true);
  });
  const stopRevocations = onSessionsRevoked(({ userId, sessionIds }) => {
    // Through the adapter, so the user's sockets on every instance go, not just this one's.
    if (sessionIds?.length) sessionIds.forEach((id) => revoke(sessionRoom(id)));
    else revoke(userRoom(userId));
  });

  // Expired sessions (idle timeout, hard lifetime) are swept once a minute: one check per session,
  // however many sockets it holds.
  const sweep = setInterval(() => void sweepSessions(), 60_000);
  sweep.unref();
  async function sweepSessions() {
    const bySession = new Map<string, LiveSocket[]>();
    for (const socket of io.of('/').sockets.values()) {
      const list = bySession.get(socket.data.sessionId);
      if (list) list.push(socket);
      else bySession.set(socket.data.sessionId, [socket]);
    }
    for (const sockets of bySession.values()) {
      if (sockets[0].data.kiosk) {
        const link = await findKioskLink(db, sockets[0].data.token).catch(() => undefined);
        if (link === undefined || link?.status === 'active') continue;
        for (const s of sockets) {
          s.emit('kiosk:revoked', {});
          s.disconnect(true);
        }
        continue;
      }
      const valid = await validateSessionToken(db, sockets[0].data.token).catch(() => undefined);
      if (valid === null) {
        for (const s of sockets) {
          s.emit('session:revoked', { reason: 'expired' });
          s.disconnect(true);
        }
      }
    }
  }

  return () => {
    stopKioskRevocations();
    stopRevocations();
    clearInterval(sweep);
  };
}
