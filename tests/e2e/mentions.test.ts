// Mentions that reach people, in Chromium against the production server with mail on (a real SMTP
// server started here): A types "@" in a need's comment box, picks colleagues from the suggestions
// and comments; B — another browser context, on another page — sees the bell's unread count go up
// without a reload; the SMTP server receives exactly one mail for B and none for a person who turned
// mail off on /account. B opens the notification from the bell and lands on the need's drawer.
// The latency seen (A's click → B's badge) is printed, not asserted: speed targets live in benchmarks.
// Screenshots of the bell, its dropdown, /notifications and the mail setting at 1920, 1440 and 390 px
// go to test-results/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { artifactsDir, hasBrowser, hydrated, launchBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 1440, height: 900 },
  { width: 390, height: 844 }
];

describe.skipIf(!hasBrowser)('mentions, the inbox and notification mail', () => {
  let server: RunningServer;
  let browser: Browser;
  let smtp: SMTPServer;
  const received: ParsedMail[] = [];
  const mailsTo = (email: string) => received.filter((m) => (m.to && 'text' in m.to ? m.to.text : '') === email);

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
    const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    server = await startServer({ env: { BEACON_SMTP_URL: smtpUrl, BEACON_MAIL_FROM: 'Beacon <beacon@test.example>' } });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  async function open(email: string, url: string, viewport = VIEWPORTS[1]) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await signIn(page, server.url, email);
    await page.goto(`${server.url}${url}`);
    await hydrated(page);
    return { context, page };
  }
  const nameOf = async (page: Page) => ((await page.getByTestId('signed-in-as').textContent()) ?? '').replace(/\s*\(.*$/, '').trim();
  const badge = (page: Page) => page.evaluate(() => document.querySelector('[data-testid="inbox-badge"]')?.textContent?.trim() ?? '0');

  it('A mentions B and C in a comment: B sees the badge live, gets one mail; C turned mail off and gets none', async () => {
    // C (admin) turns notification mail off on /account.
    const c = await open(demoUsers.admin, '/account');
    await c.page.getByRole('radio', { name: /Off — no mail/ }).check();
    await c.page.getByRole('button', { name: 'Save mail setting' }).click();
    await c.page.getByText('No notification mail: they show in Beacon only.').waitFor();
    const cName = await nameOf(c.page);

    // B (leadership) is on the dashboard, a page that has nothing to do with needs.
    const b = await open(demoUsers.leadership, '/dashboard');
    const bName = await nameOf(b.page);
    const before = Number(await badge(b.page));

    // A (the Mountain coordinator) opens a need and writes a comment with two mentions picked from "@" suggestions.
    const a = await open(demoUsers.coordinatorMountain, '/needs?division=mountain');
    await a.page.locator('tr[data-need] .open-btn').first().click();
    const drawer = a.page.getByTestId('need-drawer');
    await drawer.waitFor();
    const needTitle = (await drawer.locator(':scope > h2').textContent())!.trim();
    const box = drawer.getByLabel('Comment (type @ to mention a colleague)');
    await box.click();
    await box.pressSequentially(`Can you check the count, @${bName.slice(0, 3)}`);
    const suggestions = drawer.getByTestId('mention-suggestions');
    await suggestions.getByRole('option', { name: new RegExp(bName) }).waitFor();
    await a.page.screenshot({ path: path.join(artifactsDir, 'mention-suggestions-1440.png') });
    await a.page.keyboard.press('Enter');
    await box.pressSequentially(`and @${cName.slice(0, 3)}`);
    await suggestions.getByRole('option', { name: new RegExp(cName) }).waitFor();
    await a.page.keyboard.press('Enter');
    await box.pressSequentially('please.');
    expect(await box.inputValue()).toBe(`Can you check the count, @${bName} and @${cName} please.`);

    // Watch B's badge from inside B's page (every frame), then comment.
    const seen = b.page.waitForFunction((n) => {
      const t = Number(document.querySelector('[data-testid="inbox-badge"]')?.textContent?.trim() ?? '0');
      return t >= n ? Date.now() : false;
    }, before + 1, { polling: 'raf', timeout: 30_000 });
    const clickedAt = Date.now();
    await drawer.getByRole('button', { name: 'Comment', exact: true }).click();
    const shownAt = (await (await seen).jsonValue()) as number;
    console.info(`[mentions] A's comment → B's badge (no reload): ${shownAt - clickedAt} ms`);
    expect(Number(await badge(b.page))).toBe(before + 1);
    await drawer.getByText(`@${bName} and @${cName} please.`).waitFor();

    // Mail: exactly one for B, none for C (who turned it off).
    await expect.poll(() => mailsTo('director@beacon.demo').length, { timeout: 30_000, interval: 100 }).toBe(1);
    const mail = mailsTo('director@beacon.demo')[0];
    expect(mail.subject).toContain(`mentioned you on ${needTitle}`);
    expect(mail.text).toContain('/needs?division=mountain&need=');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(mailsTo('director@beacon.demo')).toHaveLength(1);
    expect(mailsTo('admin@beacon.demo')).toHaveLength(0);
    // C still sees it in Beacon.
    await c.page.reload();
    await hydrated(c.page);
    await expect.poll(() => badge(c.page), { timeout: 30_000, interval: 100 }).not.toBe('0');

    // B opens it from the bell: lands on the need with its drawer open; the count goes down.
    await b.page.getByTestId('inbox-button').click();
    const panel = b.page.getByTestId('inbox-panel');
    const item = panel.getByRole('link', { name: new RegExp(`mentioned you on ${needTitle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });
    await item.waitFor();
    await b.page.screenshot({ path: path.join(artifactsDir, 'inbox-dropdown-1440.png') });
    await item.click();
    await b.page.waitForURL(/\/needs\?division=mountain&need=\d+/, { timeout: 30_000 });
    await hydrated(b.page);
    await b.page.getByTestId('need-drawer').getByRole('heading', { name: needTitle }).waitFor({ timeout: 30_000 });
    await expect.poll(() => badge(b.page), { timeout: 30_000, interval: 100 }).toBe(String(before));
    await Promise.all([a.context.close(), b.context.close(), c.context.close()]);
  });

  for (const viewport of VIEWPORTS) {
    it(`shows the bell, its dropdown, /notifications and the mail setting at ${viewport.width}×${viewport.height} without sideways scroll`, async () => {
      const { context, page } = await open(demoUsers.admin, '/dashboard', viewport);
      const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await page.getByTestId('inbox-button').click();
      const panel = page.getByTestId('inbox-panel');
      await panel.waitFor();
      const box = (await panel.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      expect(await sideways()).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(artifactsDir, `inbox-dropdown-${viewport.width}.png`) });
      // Escape closes it and gives focus back to the bell.
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      expect(await page.getByTestId('inbox-button').evaluate((el) => el === document.activeElement)).toBe(true);

      await page.goto(`${server.url}/notifications`);
      await hydrated(page);
      await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
      expect(await sideways()).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(artifactsDir, `notifications-${viewport.width}.png`), fullPage: true });

      await page.goto(`${server.url}/account`);
      await hydrated(page);
      await page.getByRole('heading', { name: 'Notification mail' }).waitFor();
      expect(await sideways()).toBeLessThanOrEqual(0);
      await page.getByRole('heading', { name: 'Notification mail' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(artifactsDir, `account-notification-mail-${viewport.width}.png`) });
      await context.close();
    });
  }
});
