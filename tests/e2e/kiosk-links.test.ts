// Device links for wall screens, end to end in Chromium against the production build: an admin makes
// one on /admin for two dashboards; the screen opens /kiosk/<token> with no session and no cookie,
// updates live, reads only its dashboards (other rooms and every procedure refused), and after the
// admin revokes it shows "This screen's link was revoked" within 5 s.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addCookieHeader, artifactsDir, hasBrowser, hydrated, launchBrowser } from '../helpers/browser.js';
import { connect, connected, join, refusal, seededDataDir, signIn, startLiveServer, waitFor, type LiveServer } from '../helpers/live.js';

describe.skipIf(!hasBrowser)('wall screen device links in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let adminCookie: string;
  let admin: Page;
  let screenContext: BrowserContext;
  let screen: Page;
  let token: string;
  const contexts: BrowserContext[] = [];

  async function newContext(size: { width: number; height: number }, cookie?: string) {
    const context = await browser.newContext({ viewport: size });
    contexts.push(context);
    if (cookie) await addCookieHeader(context, cookie, server.url);
    return context;
  }
  const live = (page: Page) => expect.poll(() => page.getByTestId('live-state').textContent(), { timeout: 20_000 }).toBe('Live');

  beforeAll(async () => {
    server = await startLiveServer({ dataDir: await seededDataDir() });
    browser = await launchBrowser();
    adminCookie = await signIn(server.url, 'admin@beacon.demo');
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('an admin makes a link on /admin: refused input keeps what was typed, then the link is shown once', async () => {
    admin = await (await newContext({ width: 1440, height: 1000 }, adminCookie)).newPage();
    await admin.goto(`${server.url}/admin`);
    await hydrated(admin);
    const form = admin.locator('form[action="?/createKiosk"]');
    // Input the browser lets through but the rules refuse: a blank name, no dashboard.
    await form.locator('input[name="label"]').fill('   ');
    for (const box of await form.locator('input[name="dashboards"]').all()) await box.uncheck();
    await form.locator('input[name="rotateSeconds"]').fill('45');
    await form.locator('button[type="submit"]').click();
    await admin.locator('[data-field-error="label"]').waitFor();
    expect(await admin.locator('[data-field-error="label"]').textContent()).toBe('Name the screen (e.g. "Lobby wall").');
    expect(await admin.locator('[data-field-error="dashboards"]').textContent()).toBe('Choose at least one dashboard.');
    expect(await form.locator('input[name="rotateSeconds"]').inputValue()).toBe('45');
    expect(await admin.locator('[data-testid="kiosk-links"]').count()).toBe(0);

    await form.locator('input[name="label"]').fill('Lobby wall');
    await form.locator('input[value="overview"]').check();
    await form.locator('input[value="outreach"]').check();
    await form.locator('input[name="rotateSeconds"]').fill('10');
    await form.locator('button[type="submit"]').click();
    const link = admin.getByTestId('kiosk-link');
    await link.waitFor();
    const url = new URL(await link.inputValue());
    expect(url.pathname).toMatch(/^\/kiosk\/[A-Za-z0-9_-]{43}$/);
    token = url.pathname.split('/')[2];
    await expect.poll(() => admin.locator('[data-testid="kiosk-links"] tr', { hasText: 'Lobby wall' }).textContent()).toContain('Overview, Outreach');
    await admin.screenshot({ path: path.join(artifactsDir, 'kiosk-links-admin-1440.png'), fullPage: true });
  }, 60_000);

  it('the screen opens with no session or cookie and updates live', async () => {
    screenContext = await newContext({ width: 1920, height: 1080 });
    screen = await screenContext.newPage();
    await screen.goto(`${server.url}/kiosk/${token}`);
    await hydrated(screen);
    await live(screen);
    expect(await screen.locator('h1').textContent()).toMatch(/^Overview/);
    expect(await screenContext.cookies()).toEqual([]);
    expect(await screen.locator('header.top').count()).toBe(0);
    expect(await screen.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(1080);
    await screen.screenshot({ path: path.join(artifactsDir, 'kiosk-links-screen-1920x1080.png') });

    await screen.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    const people = Number(((await screen.getByTestId('kpi-people-reached').textContent()) ?? '').replace(/\D/g, ''));
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()); // the organisation's day (BEACON_TIME_ZONE's default), not UTC's
    await server.exec([{ sql: `insert into outreach_event (occurred_on, state, format, audience, attendees) values ($1, 'CO', 'webinar', 'parents', 2345)`, params: [today] }]);
    await expect.poll(() => screen.getByTestId('kpi-people-reached').textContent(), { timeout: 15_000 }).toBe((people + 2345).toLocaleString('en-US'));
    expect(await screen.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  }, 60_000);

  it('with the link, no procedure answers over HTTP and only its dashboards\' rooms can be joined', async () => {
    // The screen's own browser holds nothing a procedure accepts.
    const statuses = await screen.evaluate(async () =>
      Promise.all(['needs.list', 'dashboard.overview', 'kiosk.list', 'auth.me'].map(async (p) => (await fetch(`/trpc/${p}`)).status))
    );
    expect(statuses).toEqual([401, 401, 401, 401]);

    const socket = connect(server.url, { auth: { kiosk: token } });
    await connected(socket);
    try {
      expect(await join(socket, 'dashboard:overview')).toMatchObject({ ok: true, viewers: [] });
      expect(await join(socket, 'dashboard:outreach:{"division":"mountain"}')).toMatchObject({ ok: true });
      for (const room of ['dashboard:funding', 'dashboard:aftercare', 'needs:all', 'needs:division:mountain', 'funding:state:CO', 'outreach:all']) {
        expect(await join(socket, room), room).toMatchObject({ ok: false, error: 'forbidden' });
      }
      expect(await join(socket, 'kiosk:1')).toMatchObject({ ok: false, error: 'bad_room' });
    } finally {
      socket.close();
    }
    // Not a link: refused at the handshake.
    expect(await refusal(connect(server.url, { auth: { kiosk: 'A'.repeat(43) } }))).toBe('unauthenticated');
    expect(await refusal(connect(server.url, { auth: { kiosk: token }, origin: 'https://evil.example' }))).toBe('origin_refused');
  }, 60_000);

  it('pages through its dashboards: the overview\'s groups, then outreach', async () => {
    await screen.waitForFunction(() => document.querySelector('h1')?.textContent?.startsWith('Outreach'), undefined, { timeout: 40_000 });
    await live(screen);
    await screen.screenshot({ path: path.join(artifactsDir, 'kiosk-links-screen-outreach-1920x1080.png') });
  }, 60_000);

  it('after kiosk.revoke the screen shows that its link was revoked within 5 s, and the link opens nothing more', async () => {
    const socket = connect(server.url, { auth: { kiosk: token } });
    await connected(socket);
    expect(await join(socket, 'dashboard:overview')).toMatchObject({ ok: true });
    const pushed = waitFor(socket, 'kiosk:revoked');

    const row = admin.locator('[data-testid="kiosk-links"] tr', { hasText: 'Lobby wall' });
    await admin.reload();
    await hydrated(admin);
    await row.locator('button', { hasText: 'Revoke' }).click();
    // An irreversible step: confirmed in a dialog that says what will happen.
    const confirm = admin.getByTestId('confirm-dialog');
    expect(await confirm.textContent()).toMatch(/Revoke the link for “Lobby wall”\?.*never works again/);
    await confirm.getByRole('button', { name: 'Revoke link' }).click();
    // Bounded wait for the condition (not a timing measurement).
    await screen.getByTestId('kiosk-revoked').waitFor({ state: 'visible', timeout: 5_000 });
    expect(await screen.getByTestId('kiosk-revoked').textContent()).toContain("This screen's link was revoked");
    await pushed;
    await screen.screenshot({ path: path.join(artifactsDir, 'kiosk-links-revoked-1920x1080.png') });
    await expect.poll(() => row.textContent()).toMatch(/revoked/);

    expect(await refusal(connect(server.url, { auth: { kiosk: token } }))).toBe('kiosk_revoked');
    const again = await screenContext.newPage();
    await again.goto(`${server.url}/kiosk/${token}`);
    expect(await again.getByTestId('kiosk-revoked').textContent()).toContain("This screen's link was revoked");
    expect((await again.goto(`${server.url}/kiosk/${'B'.repeat(43)}`))!.status()).toBe(404);

    // Audited: create and revoke, by the admin.
    const [rows] = (await server.exec([{ sql: `select action from audit_log where entity = 'kiosk_link' order by id` }])) as Array<Array<{ action: string }>>;
    expect(rows.map((r) => r.action)).toEqual(['kiosk.create', 'kiosk.revoke']);
  }, 60_000);
});
