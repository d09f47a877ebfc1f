// Real server, real sockets: a person's inbox room is theirs alone. Their own id is admitted, anyone
// else's is refused whatever the role; a new notification row (announced by the database on
// beacon_inbox) reaches that person's sockets and no one else's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { connect, connected, join, record, seededDataDir, signIn, sleep, startLiveServer, waitFor, type LiveServer, type LiveSocket } from '../helpers/live.js';
import { inboxRoom } from '../../src/lib/realtime/events.js';

let server: LiveServer;
const sockets: LiveSocket[] = [];
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
const open = async (who: string) => {
  const s = connect(server.url, { cookie: cookies[who] });
  sockets.push(s);
  await connected(s);
  return s;
};
const notify = (who: string, text: string) =>
  server.exec([{
    sql: `insert into notification (user_id, kind, subject_type, subject_id, link, text) values ($1, 'mention', 'need', '1', '/needs', $2)`,
    params: [ids[who], text]
  }]);

beforeAll(async () => {
  server = await startLiveServer({ dataDir: await seededDataDir() });
  for (const who of ['director', 'coordinator.mountain', 'admin']) {
    cookies[who] = await signIn(server.url, `${who}@beacon.demo`);
    const [rows] = await server.exec([{ sql: 'select id from app_user where email = $1', params: [`${who}@beacon.demo`] }]);
    ids[who] = (rows[0] as { id: string }).id;
  }
}, 180_000);

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

describe("a person's inbox room", () => {
  it("admits the person's own id and refuses anyone else's, even an admin's asking for a coordinator's", async () => {
    const [director, mountain, admin] = await Promise.all(['director', 'coordinator.mountain', 'admin'].map(open));
    expect(await join(director, inboxRoom(ids.director))).toMatchObject({ ok: true, room: inboxRoom(ids.director) });
    expect(await join(mountain, inboxRoom(ids.director))).toMatchObject({ ok: false, error: 'forbidden' });
    expect(await join(admin, inboxRoom(ids['coordinator.mountain']))).toMatchObject({ ok: false, error: 'forbidden' });
    expect(await join(admin, 'inbox:')).toMatchObject({ ok: false, error: 'bad_room' });
    expect(await join(admin, 'inbox:../../etc')).toMatchObject({ ok: false, error: 'bad_room' });
    // The server's own per-user room cannot be named by a client either.
    expect(await join(mountain, `user:${ids.director}`)).toMatchObject({ ok: false, error: 'bad_room' });
  });

  it('pushes a new notification to its person only', async () => {
    const [director, mountain] = await Promise.all(['director', 'coordinator.mountain'].map(open));
    expect((await join(director, inboxRoom(ids.director))).ok).toBe(true);
    expect((await join(mountain, inboxRoom(ids['coordinator.mountain']))).ok).toBe(true);
    const mountainHeard = record(mountain, 'inbox:changed');
    const pushed = waitFor(director, 'inbox:changed', (p) => p.room === inboxRoom(ids.director), 15_000);
    await notify('director', 'Synthetic: someone mentioned you');
    expect(await pushed).toEqual({ room: inboxRoom(ids.director) });
    await sleep(500);
    expect(mountainHeard).toEqual([]);
    // And the other way round.
    const toMountain = waitFor(mountain, 'inbox:changed', () => true, 15_000);
    await notify('coordinator.mountain', 'Synthetic: a need was assigned to you');
    expect(await toMountain).toEqual({ room: inboxRoom(ids['coordinator.mountain']) });
  });
});
