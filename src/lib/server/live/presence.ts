// Presence: who is looking at a dashboard or a division's needs — display name and role, never the
// email. Built from the sockets in the room (across instances through the Socket.IO adapter), one
// entry per user however many tabs they have; `joined` when a user's first tab enters, `left` when
// their last one goes.
import type { Viewer } from '$lib/realtime/events.js';
import type { LiveServer, LiveSocket } from './socket-server.js';

function viewersFrom(sockets: Array<{ data: { viewer?: Viewer } }>): Viewer[] {
  const byUser = new Map<string, Viewer>();
  for (const s of sockets) if (s.data.viewer) byUser.set(s.data.viewer.userId, s.data.viewer);
  return [...byUser.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** The room's sockets on every instance; this instance's alone if another does not answer in time. */
async function roomSockets(io: LiveServer, room: string) {
  try {
    return await io.in(room).timeout(2_000).fetchSockets();
  } catch {
    return io.local.in(room).fetchSockets();
  }
}

/** After `socket` joined `room`: tells the others if this user just arrived; returns who is there. */
export async function announceArrival(io: LiveServer, socket: LiveSocket, room: string): Promise<Viewer[]> {
  const sockets = await roomSockets(io, room);
  const me = socket.data.viewer!;
  if (!sockets.some((s) => s.id !== socket.id && s.data.viewer?.userId === me.userId)) {
    socket.to(room).emit('presence:joined', { room, viewer: me });
  }
  return viewersFrom(sockets);
}

/** After a socket of `userId` left `room` (or disconnected): tells the room if that was their last. */
export async function announceDeparture(io: LiveServer, room: string, userId: string): Promise<void> {
  const sockets = await roomSockets(io, room);
  if (!sockets.some((s) => s.data.viewer?.userId === userId)) io.to(room).emit('presence:left', { room, userId });
}
