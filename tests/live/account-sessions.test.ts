// Real server, real sockets: a password change (auth.changePassword over HTTP, as the browser sends
// it) signs out the user's other sessions, and their sockets are dropped within seconds; the
// session that made the change keeps its socket. "Sign out everywhere else" does the same. With
// BEACON_REQUIRE_2FA, a user who has not enrolled yet gets no socket at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { connect, connected, join, refusal, seededDataDir, signIn, startLiveServer, waitFor, type LiveServer, type LiveSocket } from '../helpers/live.js';
import { DEMO_PASSWORD } from '../helpers/auth.js';

let server: LiveServer;
const sockets: LiveSocket[] = [];

beforeAll(async () => {
  // Leadership must enrol a second factor first (the demo director has none).
  server = await startLiveServer({ dataDir: await seededDataDir(), env: { BEACON_REQUIRE_2FA: 'leadership' } });
}, 180_000);

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

async function mutation(cookie: string, path: string, input?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(server.url).origin, cookie },
    body: input === undefined ? undefined : JSON.stringify(input)
  });
  return { status: res.status, body: await res.json() };
}

/** A socket of this session in a room its user may see (a coordinator's own division). */
async function openSocket(cookie: string, room = 'needs:division:mountain'): Promise<LiveSocket> {
  const s = connect(server.url, { cookie });
  sockets.push(s);
  await connected(s);
  expect((await join(s, room)).ok).toBe(true);
  return s;
}

const dropped = (s: LiveSocket) => new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));

describe('BEACON_REQUIRE_2FA', () => {
  it('opens no socket for a user who still owes the second factor enrolment', async () => {
    const director = await signIn(server.url, 'director@beacon.demo');
    expect(await refusal(connect(server.url, { cookie: director }))).toBe('unauthenticated');
    expect((await fetch(`${server.url}/trpc/dashboard.overview`, { headers: { cookie: director } })).status).toBe(403);
  });
});

describe('ending other sessions drops their sockets', () => {
  it('a password change signs out the other sessions and their sockets within seconds', async () => {
    const email = 'coordinator.mountain@beacon.demo';
    const mine = await signIn(server.url, email);
    const other = await signIn(server.url, email);
    const mySocket = await openSocket(mine);
    const otherSocket = await openSocket(other);
    const revoked = waitFor(otherSocket, 'session:revoked');
    const gone = dropped(otherSocket);
    let myDrop = false;
    mySocket.once('disconnect', () => (myDrop = true));

    const started = Date.now();
    const res = await mutation(mine, 'auth.changePassword', { currentPassword: DEMO_PASSWORD, newPassword: 'meadow-lantern-copper-64' });
    expect(res.status).toBe(200);
    expect(res.body.result.data).toEqual({ otherSessionsEnded: 1 });
    expect(await revoked).toEqual({ reason: 'revoked' });
    expect(await gone).toBe('io server disconnect');
    // "Within seconds" (generous for a loaded CI machine: the push is immediate).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await refusal(connect(server.url, { cookie: other }))).toBe('unauthenticated');
    // The session that changed the password keeps working, socket included.
    expect((await join(mySocket, 'needs:division:mountain')).ok).toBe(true);
    expect(myDrop).toBe(false);
    expect((await mutation(other, 'auth.revokeOtherSessions')).status).toBe(401);
  });

  it('"sign out everywhere else" drops the other sockets and keeps this one', async () => {
    const email = 'coordinator.pacific@beacon.demo';
    const mine = await signIn(server.url, email);
    const others = [await signIn(server.url, email), await signIn(server.url, email)];
    const mySocket = await openSocket(mine, 'needs:division:pacific');
    const otherSockets = await Promise.all(others.map((c) => openSocket(c, 'needs:division:pacific')));
    const gone = otherSockets.map(dropped);
    const res = await mutation(mine, 'auth.revokeOtherSessions');
    expect(res.body.result.data).toEqual({ ended: 2 });
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    expect((await join(mySocket, 'needs:division:pacific')).ok).toBe(true);
    expect((await mutation(mine, 'auth.revokeOtherSessions')).body.result.data).toEqual({ ended: 0 });
  });
});
