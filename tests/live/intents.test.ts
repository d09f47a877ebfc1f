// Editing intent over real sockets: relayed to the others in the presence room (never to the sender
// or to sockets outside it), refused for a room the socket has not joined, cleared on leave and on
// disconnect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import {
  connect, connected, join, record, seededDataDir, signIn, sleep, startLiveServer, waitFor, type LiveServer, type LiveSocket
} from '../helpers/live.js';

let server: LiveServer;
const sockets: LiveSocket[] = [];
const cookies: Record<string, string> = {};
const open = async (who: string) => {
  const s = connect(server.url, { cookie: cookies[who] });
  sockets.push(s);
  await connected(s);
  return s;
};
const ROOM = 'needs:division:mountain';

beforeAll(async () => {
  server = await startLiveServer({ dataDir: await seededDataDir() });
  for (const who of ['director', 'coordinator.mountain', 'coordinator.pacific']) cookies[who] = await signIn(server.url, `${who}@beacon.demo`);
}, 180_000);

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

describe('editing intent', () => {
  it('reaches the others in the room, not the sender nor outsiders, and clears on leave and disconnect', async () => {
    const coordinator = await open('coordinator.mountain');
    const director = await open('director');
    const outsider = await open('coordinator.pacific');
    expect((await join(coordinator, ROOM)).ok).toBe(true);
    expect((await join(director, ROOM)).ok).toBe(true);
    // The outsider has not joined the room (a socket says what it edits only where it is)…
    const ownEcho = record(coordinator, 'intent:changed');
    const outsiderSaw = record(outsider, 'intent:changed');

    coordinator.emit('intent:editing', { room: ROOM, entity: 'need', id: 7, field: 'priority' });
    const seen = await waitFor(director, 'intent:changed', (p) => p.target !== null);
    expect(seen).toMatchObject({ room: ROOM, target: { entity: 'need', id: 7, field: 'priority' } });
    expect(seen.displayName).toMatch(/\S/);

    // …so intents it announces there go nowhere, and it hears none.
    const directorSaw = record(director, 'intent:changed');
    outsider.emit('intent:editing', { room: ROOM, entity: 'need', id: 7, field: 'title' });
    coordinator.emit('intent:cleared', { room: ROOM });
    await waitFor(director, 'intent:changed', (p) => p.target === null && p.userId === seen.userId);
    expect(directorSaw.filter((p) => p.target?.field === 'title')).toEqual([]);

    coordinator.emit('intent:editing', { room: ROOM, entity: 'need', id: 8, field: 'quantity' });
    await waitFor(director, 'intent:changed', (p) => p.target?.id === 8);
    coordinator.emit('room:leave', { room: ROOM }, () => undefined);
    await waitFor(director, 'intent:changed', (p) => p.target === null && p.userId === seen.userId);

    expect((await join(coordinator, ROOM)).ok).toBe(true);
    coordinator.emit('intent:editing', { room: ROOM, entity: 'need', id: 9, field: 'neededBy' });
    await waitFor(director, 'intent:changed', (p) => p.target?.id === 9);
    coordinator.close();
    await waitFor(director, 'intent:changed', (p) => p.target === null && p.userId === seen.userId);
    await sleep(200);
    expect(ownEcho).toEqual([]);
    expect(outsiderSaw).toEqual([]);
  });
});
