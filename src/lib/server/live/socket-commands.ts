// The socket commands of src/lib/realtime/events.ts (ClientToServerEvents), one small handler each,
// their payloads parsed with zod. A payload the schema refuses gets the answer the contract gives a
// bad room (`{ ok: false, room, error: 'bad_room' }` for a join, `{ ok: false }` for a leave); the
// intents, which have no answer, are dropped. Sockets never write domain data: a join reads, an
// intent is relayed and never stored.
import { z } from 'zod';
import { hasPresence, type JoinResult } from '$lib/realtime/events.js';
import type { LiveSocket } from './socket-server.js';
import type { Logger } from '../log.js';

/** Entity and field names an intent may carry (`need`, `estimatedCostCents`). */
const intentName = z.string().regex(/^[a-zA-Z][a-zA-Z_]{0,39}$/);

export const joinPayload = z.object({
  room: z.string(),
  /** The last seq the client has; anything but a safe whole number is no `since` (a full catch-up). */
  since: z.number().int().refine(Number.isSafeInteger).optional().catch(undefined)
});
export const leavePayload = z.object({ room: z.string() });
export const intentPayload = z.object({ room: z.string(), entity: intentName, id: z.number().int().positive().refine(Number.isSafeInteger), field: intentName });
export const intentClearedPayload = z.object({ room: z.string() });

/** The room a refused payload names, for its answer ('' when it names none). */
const roomOf = (payload: unknown) => {
  const room = (payload as { room?: unknown } | null | undefined)?.room;
  return typeof room === 'string' ? room : '';
};

/** A client's ack, when it sent one (a command without one gets no answer). */
const answer = <R>(ack: unknown): ((result: R) => void) | null => (typeof ack === 'function' ? (result: R) => void ack(result) : null);

type Join = (socket: LiveSocket, room: string, since: number | undefined) => Promise<JoinResult>;

/** `room:join`: rate-limited per socket, then the join (with its catch-up); a failure is logged and answered bad_room. */
export function onJoin(socket: LiveSocket, join: Join, log: Pick<Logger, 'error'>) {
  return (payload: unknown, ack: unknown) => {
    const reply = answer<JoinResult>(ack);
    if (!reply) return;
    const parsed = joinPayload.safeParse(payload);
    const room = parsed.success ? parsed.data.room : roomOf(payload);
    if (!socket.data.budget.joins.take()) return reply({ ok: false, room, error: 'rate_limited' });
    if (!parsed.success) return reply({ ok: false, room, error: 'bad_room' });
    join(socket, room, parsed.data.since).then(reply, (err) => {
      log.error({ err, room, socketId: socket.id }, 'join failed');
      reply({ ok: false, room, error: 'bad_room' });
    });
  };
}

/** Rooms the server puts a socket in itself (its user, session, device link, own id): never left on request. */
const isInternalRoom = (socket: LiveSocket, room: string) =>
  room === socket.id || room.startsWith('user:') || room.startsWith('session:') || room.startsWith('kiosk:');

/** `room:leave`: leaves a room the socket joined; `left` runs once it has (intents, presence). */
export function onLeave(socket: LiveSocket, left: (room: string) => void = () => undefined) {
  return (payload: unknown, ack: unknown) => {
    const parsed = leavePayload.safeParse(payload);
    const room = parsed.success ? parsed.data.room : '';
    const joined = parsed.success && socket.rooms.has(room) && !isInternalRoom(socket, room);
    if (joined) {
      void socket.leave(room);
      left(room);
    }
    answer<{ ok: boolean }>(ack)?.({ ok: joined });
  };
}

/**
 * `intent:editing`: checked against the rooms this socket has joined (a join already checked role and
 * region), relayed to the others there, never stored. The same field again (a re-focus, a chatty
 * client) tells the room nothing new; intents are rate-limited per socket.
 */
export function onIntentEditing(socket: LiveSocket) {
  return (payload: unknown) => {
    const parsed = intentPayload.safeParse(payload);
    if (!parsed.success) return;
    const { room, entity, id, field } = parsed.data;
    if (!hasPresence(room) || !socket.rooms.has(room)) return;
    const key = `${entity}:${id}:${field}`;
    if (socket.data.intents.get(room) === key) return;
    if (!socket.data.budget.intents.take()) return;
    socket.data.intents.set(room, key);
    socket.to(room).emit('intent:changed', { room, userId: socket.data.user.id, displayName: socket.data.user.displayName, target: { entity, id, field } });
  };
}

/** `intent:cleared`: the socket stopped editing in a room (`clear` tells the others, if it had said anything). */
export function onIntentCleared(clear: (room: string) => void) {
  return (payload: unknown) => {
    const parsed = intentClearedPayload.safeParse(payload);
    clear(parsed.success ? parsed.data.room : '');
  };
}
