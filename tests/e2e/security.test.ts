// Security over real HTTP against the production server: security headers, the origin check on
// every state-changing request (tRPC included), guards on procedures and pages, sign-in throttling,
// sessions that end for real, and errors that never carry internals.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signInCookie, DEMO_PASSWORD } from '../helpers/auth.js';
import { createDb } from '../../src/lib/server/db/index.js';

const EVIL = 'https://evil.example';

function trpcQuery(base: string, path: string, input: unknown, cookie?: string) {
  const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return fetch(`${base}/trpc/${path}${qs}`, { headers: cookie ? { cookie } : {} });
}

function trpcMutation(base: string, path: string, input: unknown, headers: Record<string, string>) {
  return fetch(`${base}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input) });
}

function loginPost(base: string, email: string, password: string, origin = base) {
  return fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password })
  });
}

/** What no error response may contain: stack frames, SQL, table or driver details. */
function expectNoInternals(body: string) {
  expect(body).not.toMatch(/\bat .+\.(js|ts):\d+/);
  expect(body).not.toMatch(/"stack"/);
  expect(body).not.toMatch(/\bselect\b.*\bfrom\b/i);
  expect(body).not.toMatch(/aftercare_need|does not exist|column|relation|42703|PGlite|postgres/i);
}

describe('security over HTTP (embedded database)', () => {
  let server: RunningServer;
  let base: string;
  let admin: string;

  beforeAll(async () => {
    server = await startServer();
    base = server.url;
    admin = await signInCookie(base, demoUsers.admin);
  }, 180_000);

  afterAll(() => server?.stop());

  const emails = async () => {
    const res = await trpcQuery(base, 'users.list', undefined, admin);
    return ((await res.json()) as { result: { data: Array<{ email: string }> } }).result.data.map((u) => u.email);
  };

  it('sends security headers with pages, redirects, tRPC answers and refusals', async () => {
    const page = await fetch(`${base}/login`);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ws://${new URL(base).host}`);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const responses = [
      page,
      await fetch(`${base}/dashboard`, { redirect: 'manual' }),
      await trpcQuery(base, 'auth.me', undefined),
      await trpcMutation(base, 'users.invite', {}, { origin: EVIL })
    ];
    for (const res of responses) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('gives every answer the security headers: static files, Socket.IO, a 413, the 403 page', async () => {
    const coordinator = await signInCookie(base, demoUsers.coordinatorMountain);
    const answers: Record<string, Response> = {
      static: await fetch(`${base}/favicon.svg`),
      socketIo: await fetch(`${base}/socket.io/?EIO=4&transport=polling`),
      tooLarge: await trpcMutation(base, 'outreach.create', { title: 'x'.repeat(600 * 1024) }, { cookie: coordinator, origin: base }),
      forbiddenPage: await fetch(`${base}/admin`, { headers: { cookie: coordinator } }),
      notFound: await fetch(`${base}/no-such-page`)
    };
    expect(answers.static.status).toBe(200);
    expect(answers.socketIo.status).toBe(200);
    expect(await answers.socketIo.text()).toMatch(/"sid"/);
    expect(answers.tooLarge.status).toBe(413);
    expect(answers.forbiddenPage.status).toBe(403);
    expect(answers.notFound.status).toBe(404);
    for (const [name, res] of Object.entries(answers)) {
      const headers = Object.fromEntries(['x-content-type-options', 'referrer-policy', 'x-frame-options'].map((h) => [h, res.headers.get(h)]));
      expect({ name, ...headers }).toEqual({ name, 'x-content-type-options': 'nosniff', 'referrer-policy': 'strict-origin-when-cross-origin', 'x-frame-options': 'DENY' });
      expect({ name, csp: res.headers.get('content-security-policy') }).toEqual({ name, csp: expect.stringContaining("frame-ancestors 'none'") });
      // A plain-http origin: no HSTS (it would pin a local demo to https).
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
    // The refusal page runs nothing: no script source at all.
    expect(answers.forbiddenPage.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(answers.forbiddenPage.headers.get('content-security-policy')).not.toMatch(/script-src/);
    // Demo mode (a local test server): even the refusal page says so.
    expect(await answers.forbiddenPage.text()).toContain('Demo data');
  });

  it('shares a snapshot without its author, change number or hash', async () => {
    const leadership = await signInCookie(base, demoUsers.leadership);
    const made = await trpcMutation(base, 'snapshots.create', { title: 'Shared without names', period: { kind: 'fiscal_year', fiscalYear: 2026 }, filters: {} }, { cookie: leadership, origin: base });
    expect(made.status).toBe(200);
    const { id } = ((await made.json()) as { result: { data: { id: number } } }).result.data;
    const full = ((await (await trpcQuery(base, 'snapshots.get', { id }, leadership)).json()) as { result: { data: { authorName: string; seq: number; sha256: string } } }).result.data;
    const link = await trpcMutation(base, 'snapshots.createShareLink', { snapshotId: id }, { cookie: admin, origin: base });
    const { path } = ((await link.json()) as { result: { data: { path: string } } }).result.data;
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('Shared without names');
    expect(html).toMatch(/Verified: this report has not changed since it was made on \w+ \d{1,2}, \d{4}/);
    expect(html).not.toContain(full.authorName);
    expect(html).not.toContain(full.sha256);
    expect(html).not.toMatch(/sha256|SHA-256|authorName|authorId/i);
    expect(html).not.toMatch(/\bseq\b/);
    expect(html).not.toContain(`#${full.seq}`);
  });

  it('guards procedures: anonymous → 401, a role without the right → 403', async () => {
    const anonymous = await trpcQuery(base, 'dashboard.overview', {});
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { data: { code: string } } }).error.data.code).toBe('UNAUTHORIZED');
    const board = await signInCookie(base, demoUsers.board);
    const forbidden = await trpcQuery(base, 'dashboard.overview', {}, board);
    expect(forbidden.status).toBe(403);
    expect((await trpcQuery(base, 'auth.me', undefined, board)).status).toBe(200);
  });

  it('guards pages: anonymous → sign-in, wrong role → 403', async () => {
    const anonymous = await fetch(`${base}/admin`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?redirectTo=%2Fadmin');
    const coordinator = await signInCookie(base, demoUsers.coordinatorMountain);
    const forbidden = await fetch(`${base}/admin`, { headers: { cookie: coordinator } });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toContain('Your role (coordinator) cannot open this page.');
  });

  it('refuses a cross-origin or origin-less tRPC mutation with 403 and changes nothing', async () => {
    const input = { email: 'csrf-victim@test.example', role: 'admin' };
    for (const headers of [{ origin: EVIL }, { origin: 'null' }, {}] as Array<Record<string, string>>) {
      const res = await trpcMutation(base, 'users.invite', input, { cookie: admin, ...headers });
      expect(res.status).toBe(403);
      expectNoInternals(await res.text());
    }
    expect(await emails()).not.toContain('csrf-victim@test.example');
    // The same request from our own origin goes through (so the refusal above was the origin check).
    const ok = await trpcMutation(base, 'users.invite', { email: 'same-origin@test.example', role: 'board' }, { cookie: admin, origin: base });
    expect(ok.status).toBe(200);
    expect(await emails()).toContain('same-origin@test.example');
  });

  it('refuses form posts with a foreign Origin with 403 and changes nothing', async () => {
    const signin = await loginPost(base, demoUsers.leadership, DEMO_PASSWORD, EVIL);
    expect(signin.status).toBe(403);
    expect(signin.headers.getSetCookie()).toEqual([]);
    const invite = await fetch(`${base}/admin?/invite`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: admin, origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'form-csrf@test.example', role: 'admin' })
    });
    expect(invite.status).toBe(403);
    const logout = await fetch(`${base}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: admin, origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(logout.status).toBe(403);
    expect(await emails()).not.toContain('form-csrf@test.example');
    expect((await trpcQuery(base, 'auth.me', undefined, admin)).status).toBe(200);
  });

  it('throttles the 6th wrong password in a minute (429 + Retry-After), and then the right one too', async () => {
    const email = demoUsers.coordinatorPacific;
    for (let i = 0; i < 5; i++) {
      const res = await loginPost(base, email, `wrong-password-${i}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Wrong email or password.');
    }
    const sixth = await loginPost(base, email, 'wrong-password-6');
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    const right = await loginPost(base, email, DEMO_PASSWORD);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(right.headers.getSetCookie()).toEqual([]);
    // Unknown addresses get the same treatment and the same message.
    const unknown = await loginPost(base, 'nobody@beacon.demo', DEMO_PASSWORD);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Wrong email or password.');
  });

  it('ends the session on sign-out: a copied cookie is useless afterwards', async () => {
    const cookie = await signInCookie(base, demoUsers.leadership);
    const stolen = cookie;
    expect((await trpcQuery(base, 'dashboard.overview', {}, stolen)).status).toBe(200);
    const out = await fetch(`${base}/logout`, {
      method: 'POST', redirect: 'manual', headers: { cookie, origin: base, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/login');
    expect(out.headers.getSetCookie().join()).toMatch(/beacon_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/);
    expect((await trpcQuery(base, 'dashboard.overview', {}, stolen)).status).toBe(401);
    expect((await fetch(`${base}/dashboard`, { headers: { cookie: stolen }, redirect: 'manual' })).status).toBe(303);
  });

  it('answers bad input with a clear message, and no internals', async () => {
    const res = await trpcMutation(base, 'users.invite', { email: 'nope', role: 'emperor' }, { cookie: admin, origin: base });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; data: { zodError: { fieldErrors: Record<string, string[]> } } } };
    expect(body.error.data.zodError.fieldErrors.email).toEqual(['Enter a valid email address.']);
    expect(body.error.data.zodError.fieldErrors.role[0]).toMatch(/Choose a role/);
    expectNoInternals(JSON.stringify(body));
  });
});

/** Breaks what needs.list reads (a renamed column) and checks the error responses. */
async function expectInternalErrorsMasked(base: string, output: () => string) {
  const cookie = await signInCookie(base, demoUsers.leadership);
  const res = await trpcQuery(base, 'needs.list', {}, cookie);
  expect(res.status).toBe(500);
  const text = await res.text();
  expect(JSON.parse(text).error).toMatchObject({ message: 'Internal server error', data: { code: 'INTERNAL_SERVER_ERROR' } });
  expectNoInternals(text);
  const page = await fetch(`${base}/needs`, { headers: { cookie } });
  expect(page.status).toBe(500);
  expectNoInternals(await page.text());
  // The details went to the server log instead.
  expect(output()).toMatch(/title/);
}

describe('internal errors carry no stack trace or SQL (embedded database)', () => {
  let server: RunningServer | undefined;
  afterAll(() => server?.stop());

  it('masks a procedure reading a broken table, on a restarted server', async () => {
    const first = await startServer();
    await first.stop();
    const handle = await createDb({ dataDir: first.dataDir });
    await sql`alter table aftercare_need rename column title to title_gone`.execute(handle.db);
    await handle.close();
    server = await startServer({ dataDir: first.dataDir });
    await expectInternalErrorsMasked(server.url, server.output);
  }, 240_000);
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('internal errors carry no stack trace or SQL (Postgres)', () => {
  let server: RunningServer | undefined;
  const name = `beacon_test_${randomBytes(6).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  const url = () => {
    const u = new URL(process.env.TEST_DATABASE_URL!);
    u.pathname = `/${name}`;
    return u.toString();
  };

  afterAll(async () => {
    await server?.stop();
    await admin(`drop database if exists ${name} with (force)`);
  });

  it('masks a procedure reading a table broken while the server runs', async () => {
    await admin(`create database ${name}`);
    server = await startServer({ env: { DATABASE_URL: url(), BEACON_DEMO: '1' } });
    expect(server.output()).toContain('demo sign-ins');
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    await client.query('alter table aftercare_need rename column title to title_gone');
    await client.end();
    await expectInternalErrorsMasked(server.url, server.output);
  }, 240_000);
});

describe('HSTS for an https ORIGIN (embedded database)', () => {
  let server: RunningServer | undefined;
  afterAll(() => server?.stop());

  it('sends Strict-Transport-Security on pages, static files and Socket.IO answers', async () => {
    // A public origin: no demo data is seeded, so this server starts at once.
    server = await startServer({ env: { ORIGIN: 'https://beacon.example.org' } });
    for (const p of ['/login', '/favicon.svg', '/socket.io/?EIO=4&transport=polling', '/no-such-page']) {
      const res = await fetch(`${server.url}${p}`);
      expect({ p, hsts: res.headers.get('strict-transport-security') }).toEqual({ p, hsts: expect.stringMatching(/^max-age=\d{8,}/) });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  }, 120_000);
});
