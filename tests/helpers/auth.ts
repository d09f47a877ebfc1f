// Signing in from tests: over HTTP against a running server (signInCookie), in Chromium (signIn), or
// in-process (testUser: a real user row plus the SessionUser its session validates to).
import type { Page } from 'playwright-core';
import type { Db } from '../../src/lib/server/db/index.js';
import type { Role, SessionUser } from '../../src/lib/server/auth/access.js';
import { createSession, validateSessionToken } from '../../src/lib/server/auth/session.js';
import { createUser } from '../../src/lib/server/users/users.service.js';
import { TEST_DEMO_PASSWORD } from './demo-password.js';

export const DEMO_PASSWORD = TEST_DEMO_PASSWORD;

export const demoUsers = {
  admin: 'admin@beacon.demo',
  leadership: 'director@beacon.demo',
  coordinatorMountain: 'coordinator.mountain@beacon.demo',
  coordinatorPacific: 'coordinator.pacific@beacon.demo',
  board: 'board@beacon.demo'
} as const;

/** POST /login like a browser form (same Origin); returns the Cookie header for later requests. */
export async function signInCookie(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: new URL(baseUrl).origin, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password })
  });
  const cookie = res.headers.getSetCookie().find((c) => /^(__Host-)?beacon_session=[^;]+/.test(c));
  if (res.status !== 303 || !cookie) throw new Error(`sign-in as ${email} failed: HTTP ${res.status}`);
  return cookie.split(';')[0];
}

/** Signs in through the real form in Chromium and waits until the browser has left /login. */
export async function signIn(page: Page, baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login'),
    page.getByRole('button', { name: 'Sign in' }).click()
  ]);
}

let counter = 0;

/** A real active user (any role, optional regions) and the SessionUser its session validates to. */
export async function testUser(
  db: Db,
  role: Role,
  regions: { divisions?: string[]; states?: string[] } = {}
): Promise<SessionUser> {
  const email = `${role}.${++counter}.${Date.now()}@test.example`;
  await createUser(db, { email, displayName: `Test ${role} ${counter}`, role, password: 'not-used-in-tests', ...regions }, {
    actorId: null,
    skipPasswordPolicy: true
  });
  const { token } = await createSession(db, (await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id);
  return (await validateSessionToken(db, token))!.user;
}
