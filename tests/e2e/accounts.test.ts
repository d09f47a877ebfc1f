// Accounts in Chromium against the production server, with BEACON_REQUIRE_2FA=leadership and mail
// through a real SMTP server started here. TOTP codes come from our own RFC 6238 oracle, computed
// from the secret the page shows.
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { artifactsDir, hasBrowser, launchBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { DEMO_PASSWORD, demoUsers, signIn } from '../helpers/auth.js';
import { base32Decode, hotp } from '../helpers/totp-oracle.js';

const WIDTHS = [1920, 1440, 390];

async function shoot(page: Page, name: string): Promise<void> {
  const original = page.viewportSize();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(artifactsDir, `accounts-${name}-${width}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

/** A tRPC query from inside the page (same origin, its cookies): the HTTP status. */
async function trpcStatus(page: Page, procedure: string): Promise<number> {
  return page.evaluate(async (p) => (await fetch(`/trpc/${p}`)).status, procedure);
}

describe.skipIf(!hasBrowser)('accounts in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let smtp: SMTPServer;
  const received: ParsedMail[] = [];
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        simpleParser(stream).then((parsed) => {
          received.push(parsed);
          callback();
        }, callback);
      }
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    server = await startServer({
      env: { BEACON_REQUIRE_2FA: 'leadership', BEACON_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, BEACON_MAIL_FROM: 'Beacon <beacon@test.example>' }
    });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  it('a leadership user is sent to enrol before any page, enrols TOTP, then signs in with a code and a recovery code once', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(demoUsers.leadership);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/account/two-factor'), page.getByRole('button', { name: 'Sign in' }).click()]);

    // No other page and no procedure before enrolment.
    for (const p of ['/dashboard', '/needs', '/account', '/snapshots']) {
      await page.goto(`${server.url}${p}`);
      expect(new URL(page.url()).pathname).toBe('/account/two-factor');
    }
    expect(await trpcStatus(page, 'auth.me')).toBe(403);
    expect(await trpcStatus(page, 'dashboard.overview')).toBe(403);
    expect(await trpcStatus(page, 'auth.sessions')).toBe(403);
    await page.getByText('Your role must sign in with a second factor').waitFor();

    await page.getByRole('button', { name: 'Start set-up' }).click();
    const secretText = await page.getByTestId('totp-secret').textContent();
    const secret = base32Decode(secretText!);
    expect(secret).toHaveLength(20);
    expect(await page.locator('.qr svg').count()).toBe(1);
    await shoot(page, 'two-factor-scan');

    // A wrong code: a plain message beside the field, the page still offers the same key.
    await page.getByLabel('Code').fill('000000');
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.locator('#code-error').waitFor();
    expect(await page.locator('#code-error').textContent()).toMatch(/not right/);
    expect(await page.getByTestId('totp-secret').textContent()).toBe(secretText);

    const step = Math.floor(Date.now() / 30_000);
    await page.getByLabel('Code').fill(hotp(secret, step));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    const recoveryCodes = (await page.getByTestId('recovery-codes').locator('code').allTextContents()).map((c) => c.trim());
    expect(recoveryCodes).toHaveLength(10);
    await shoot(page, 'two-factor-done');

    expect(await trpcStatus(page, 'auth.me')).toBe(200);
    await page.goto(`${server.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard');

    // Sign out; the password alone now leads to the code step, with no session yet.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    const signInToCode = async () => {
      await page.goto(`${server.url}/login`);
      await page.getByLabel('Email').fill(demoUsers.leadership);
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await Promise.all([page.waitForURL((u) => u.pathname === '/login/code'), page.getByRole('button', { name: 'Sign in' }).click()]);
      expect(await trpcStatus(page, 'auth.me')).toBe(401);
    };
    await signInToCode();
    await shoot(page, 'login-code');
    // The enrolment's code cannot be replayed; the next time step's can (one step of drift allowed).
    await page.getByLabel('Code').fill(hotp(secret, step));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('#code-error').waitFor();
    await page.getByLabel('Code').fill(hotp(secret, step + 1));
    await Promise.all([page.waitForURL((u) => u.pathname === '/dashboard'), page.getByRole('button', { name: 'Verify' }).click()]);
    expect(await trpcStatus(page, 'auth.me')).toBe(200);

    // A recovery code once...
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await signInToCode();
    await page.getByLabel('Code').fill(recoveryCodes[3]);
    await Promise.all([page.waitForURL((u) => u.pathname === '/dashboard'), page.getByRole('button', { name: 'Verify' }).click()]);
    // ...and never twice.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await signInToCode();
    await page.getByLabel('Code').fill(recoveryCodes[3]);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('#code-error').waitFor();
    expect(await page.locator('#code-error').textContent()).toMatch(/not right/);
    expect(new URL(page.url()).pathname).toBe('/login/code');
    expect(await trpcStatus(page, 'auth.me')).toBe(401);
  });

  it('/account: sessions with this device, a password change that signs the other browser out', async () => {
    const email = demoUsers.coordinatorPacific;
    const here = await newPage();
    const there = await newPage();
    await signIn(there, server.url, email);
    await signIn(here, server.url, email);
    await here.goto(`${server.url}/account`);
    const sessions = here.getByTestId('sessions');
    expect(await sessions.locator('li').count()).toBe(2);
    expect(await sessions.getByText('this device').count()).toBe(1);
    expect(await sessions.textContent()).toMatch(/Chrome on Linux/);
    await shoot(here, 'account');

    // Bad input: the message sits beside its field and the typed values stay.
    await here.getByLabel('Current password').fill('wrong-password-entirely');
    await here.getByLabel(/^New password \(/).fill('ember-falcon-lattice-81');
    await here.getByLabel('New password again').fill('ember-falcon-lattice-81');
    await here.getByRole('button', { name: 'Change password' }).click();
    await here.locator('#current-error').waitFor();
    expect(await here.locator('#current-error').textContent()).toBe('Your current password is not right.');
    await shoot(here, 'account-error');

    await here.getByLabel('Current password').fill(DEMO_PASSWORD);
    await here.getByRole('button', { name: 'Change password' }).click();
    await here.getByText('Password changed. 1 other session was signed out.').waitFor();
    expect(await sessions.locator('li').count()).toBe(1);

    await there.reload();
    expect(new URL(there.url()).pathname).toBe('/login');
    await signIn(there, server.url, email, 'ember-falcon-lattice-81');
  });

  it('forgot password mails a link that works once; an unknown address gets the same words and no mail', async () => {
    const page = await newPage();
    const ask = async (email: string) => {
      await page.goto(`${server.url}/login`);
      await Promise.all([page.waitForURL((u) => u.pathname === '/login/forgot'), page.getByRole('link', { name: 'Forgot password?' }).click()]);
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByRole('status').waitFor();
      return page.getByRole('status').textContent();
    };
    const before = received.length;
    const unknownAnswer = await ask('nobody.at.all@beacon.demo');
    await shoot(page, 'forgot-sent');
    const knownAnswer = await ask(demoUsers.board);
    expect(unknownAnswer).toBe(knownAnswer);
    const deadline = Date.now() + 15_000;
    while (received.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // The unknown address was asked first, so a mail for it would have come first.
    expect(received.length - before).toBe(1);
    const mail = received[before];
    expect((mail.to as { text: string }).text).toBe(demoUsers.board);
    const link = mail.text!.match(/http:\/\/127\.0\.0\.1:\d+\/reset\/[A-Za-z0-9_-]{43}/)![0];

    await page.goto(link);
    await shoot(page, 'reset');
    await page.getByLabel(/^New password \(/).fill('password123456');
    await page.getByLabel('New password again').fill('password123456');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.locator('#password-error').waitFor();
    expect(await page.locator('#password-error').textContent()).toMatch(/too common/);
    await page.getByLabel(/^New password \(/).fill('harbor-thistle-copper-27');
    await page.getByLabel('New password again').fill('harbor-thistle-copper-27');
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.getByRole('button', { name: 'Set the new password' }).click()]);
    expect(await page.getByRole('status').textContent()).toMatch(/password was changed/);
    await signIn(page, server.url, demoUsers.board, 'harbor-thistle-copper-27');

    const again = await page.goto(link);
    expect(again?.status()).toBe(404);
    expect(await page.textContent('body')).toMatch(/invalid, has expired, was already used/);
  });

  it('the admin page issues a reset link (copyable) and mails invitations while showing the link', async () => {
    const page = await newPage();
    await signIn(page, server.url, demoUsers.admin);
    const before = received.length;
    const invite = page.locator('form[action="?/invite"]');
    await invite.getByLabel('Email').fill('new.person@beacon.demo');
    await invite.getByLabel('Role').selectOption('board');
    await invite.getByRole('button', { name: 'Create invitation link' }).click();
    await page.getByTestId('invite-link').waitFor();
    expect(await page.getByTestId('invite-mail').textContent()).toBe('The invitation was mailed to new.person@beacon.demo.');
    const inviteLink = await page.getByTestId('invite-link').inputValue();
    expect(received.length - before).toBe(1);
    expect(received[before].text).toContain(inviteLink);

    const row = page.locator('details', { hasText: `Edit ${demoUsers.coordinatorMountain}` });
    await row.locator('summary').click();
    await row.getByRole('button', { name: 'Password reset link' }).click();
    await page.getByTestId('reset-link').waitFor();
    const link = await page.getByTestId('reset-link').inputValue();
    expect(link).toMatch(/\/reset\/[A-Za-z0-9_-]{43}$/);
    await shoot(page, 'admin-reset-link');
  });
});
