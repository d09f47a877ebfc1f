// Signing in in Chromium, for every demo role, against the real production server (fresh embedded
// database with demo data and demo users): each lands on its role's home and sees only its links.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { artifactsDir, hasBrowser, launchBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

const roles = [
  { email: demoUsers.leadership, home: '/dashboard', nav: ['Dashboard', 'Needs', 'Pipeline', 'Outreach', 'Partners', 'Survivor counts', 'Budgets', 'Alerts', 'Import', 'Sign-off', 'Snapshots'] },
  { email: demoUsers.coordinatorMountain, home: '/needs', nav: ['Dashboard', 'Needs', 'Pipeline', 'Outreach', 'Partners', 'Survivor counts', 'Alerts', 'Import', 'Sign-off', 'Snapshots'] },
  { email: demoUsers.coordinatorPacific, home: '/needs', nav: ['Dashboard', 'Needs', 'Pipeline', 'Outreach', 'Partners', 'Survivor counts', 'Alerts', 'Import', 'Sign-off', 'Snapshots'] },
  { email: demoUsers.board, home: '/snapshots', nav: ['Snapshots'] },
  { email: demoUsers.admin, home: '/admin', nav: ['Dashboard', 'Needs', 'Pipeline', 'Outreach', 'Partners', 'Survivor counts', 'Budgets', 'Alerts', 'Import', 'Sign-off', 'Snapshots', 'Admin'] }
];

describe.skipIf(!hasBrowser)('sign-in in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('prints the demo sign-ins at start-up', () => {
    expect(server.output()).toMatch(/demo sign-ins \(password "beacon-demo"/);
    for (const email of Object.values(demoUsers)) expect(server.output()).toContain(email);
  });

  it.each(roles)('$email lands on $home', async ({ email, home, nav }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, email);
    expect(new URL(page.url()).pathname).toBe(home);
    expect(await page.getByTestId('signed-in-as').textContent()).toMatch(/\((admin|leadership|coordinator|board)\)/);
    expect(await page.locator('nav[aria-label="Main"] a').allTextContents()).toEqual(nav);
    const cookie = (await context.cookies()).find((c) => c.name === 'beacon_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    await page.screenshot({ path: path.join(artifactsDir, `login-${home.slice(1)}-${email.split('@')[0]}.png`), fullPage: true });
    await context.close();
  });

  it('shows the coordinator the needs of their own division', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, demoUsers.coordinatorMountain);
    await expect(page.locator('main p.muted').first().textContent()).resolves.toMatch(/You edit needs in Mountain\./);
    // Each row names its center's state after the center ("… · AZ").
    const states = (await page.locator('[data-testid="needs-table"] tbody td.center .muted').allTextContents()).map((s) => s.replace('·', '').trim());
    const mountain = ['AZ', 'CO', 'ID', 'MT', 'NM', 'NV', 'UT', 'WY'];
    expect(states.length).toBeGreaterThan(0);
    expect(states.filter((s) => !mountain.includes(s))).toEqual([]);
    await context.close();
  });

  it('sends an anonymous visitor to sign-in and back to the page asked for', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/dashboard?division=mountain`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('redirectTo')).toBe('/dashboard?division=mountain');
    await page.getByLabel('Email').fill(demoUsers.leadership);
    await page.getByLabel('Password').fill('beacon-demo');
    await Promise.all([page.waitForURL(/\/dashboard/), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(new URL(page.url()).search).toBe('?division=mountain');
    await context.close();
  });

  it('refuses a wrong password with one message, keeping the email', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(demoUsers.leadership);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Wrong email or password.');
    expect(await page.getByLabel('Email').inputValue()).toBe(demoUsers.leadership);
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  it('gives the board a 403 on the live dashboard, and signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, demoUsers.board);
    await expect(page.getByRole('heading', { name: 'Impact snapshots' }).isVisible()).resolves.toBe(true);
    const forbidden = await page.goto(`${server.url}/dashboard`);
    expect(forbidden?.status()).toBe(403);
    expect(await page.getByRole('alert').textContent()).toMatch(/board/);
    await page.goto(`${server.url}/snapshots`);
    await Promise.all([page.waitForURL(/\/login$/), page.getByRole('button', { name: 'Sign out' }).click()]);
    const after = await page.goto(`${server.url}/snapshots`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(after?.status()).toBe(200);
    await context.close();
  });

  it('works without JavaScript (progressive enhancement)', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, server.url, demoUsers.admin);
    expect(new URL(page.url()).pathname).toBe('/admin');
    await Promise.all([page.waitForURL(/\/login$/), page.getByRole('button', { name: 'Sign out' }).click()]);
    await context.close();
  });

  it('an admin invites a coordinator, who sets a password through the link and lands on /needs', async () => {
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await signIn(admin, server.url, demoUsers.admin);
    const invite = admin.locator('form[action="?/invite"]');
    await invite.getByLabel('Email').fill('new.coordinator@beacon.test');
    await invite.getByLabel('Role').selectOption('coordinator');
    await invite.getByLabel('Divisions').selectOption(['mountain']);
    await invite.getByRole('button', { name: 'Create invitation link' }).click();
    const link = await admin.getByTestId('invite-link').inputValue();
    expect(link).toMatch(new RegExp(`^${server.url}/invite/[A-Za-z0-9_-]{43}$`));
    await expect(admin.locator('tr[data-email="new.coordinator@beacon.test"] td').nth(4).textContent()).resolves.toMatch(/^invited/);

    const newContext = await browser.newContext();
    const invitee = await newContext.newPage();
    await invitee.goto(link);
    await invitee.getByLabel('Your name').fill('Nova Coordinator');
    // Long enough for the browser's own check, refused by the server's list of common passwords.
    await invitee.getByLabel('Password (at least').fill('password1234');
    await invitee.getByLabel('Password again').fill('password1234');
    await invitee.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect(invitee.getByRole('alert').textContent()).resolves.toMatch(/too common/);
    // The refusal keeps what was typed (with or without JavaScript loaded yet).
    await expect(invitee.getByLabel('Your name').inputValue()).resolves.toBe('Nova Coordinator');
    await invitee.getByLabel('Password (at least').fill('granite-sparrow-orchard-64');
    await invitee.getByLabel('Password again').fill('granite-sparrow-orchard-64');
    await Promise.all([invitee.waitForURL(/\/needs$/), invitee.getByRole('button', { name: 'Set password and sign in' }).click()]);
    expect(await invitee.getByTestId('signed-in-as').textContent()).toContain('Nova Coordinator');
    await invitee.screenshot({ path: path.join(artifactsDir, 'invite-accepted-needs.png'), fullPage: true });

    // The link is used up.
    const again = await (await browser.newContext()).newPage();
    expect((await again.goto(link))?.status()).toBe(404);
    await admin.reload();
    await expect(admin.locator('tr[data-email="new.coordinator@beacon.test"] td').nth(4).textContent()).resolves.toBe('active');
    await adminContext.close();
    await newContext.close();
  });
});
