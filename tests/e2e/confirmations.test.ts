// Irreversible steps are confirmed with what will happen, in words, in Chromium: cancelling a need
// (walked through by keyboard: focus on Cancel, Tab stays inside, Escape cancels and changes nothing,
// focus returns to the button that asked), deactivating a user (Cancel leaves them active) and
// deleting an outreach event (confirmed: gone). Screenshots of the dialog at 1920, 1440 and 390 px
// go to test-results/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, hasBrowser, hydrated, launchBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 1440, height: 900 },
  { width: 390, height: 844 }
];

describe.skipIf(!hasBrowser)('irreversible steps are confirmed', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(email: string, url: string, viewport = VIEWPORTS[1]) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await signIn(page, server.url, email);
    await page.goto(`${server.url}${url}`);
    await hydrated(page);
    return { context, page };
  }
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);
  const inDialog = (page: Page) => page.evaluate(() => !!document.activeElement?.closest('[data-testid="confirm-dialog"]'));

  for (const viewport of VIEWPORTS) {
    it(`cancelling a need asks first, by keyboard, at ${viewport.width}×${viewport.height}`, async () => {
      const { context, page } = await open(demoUsers.coordinatorMountain, '/needs?division=mountain', viewport);
      const row = page.locator('tr[data-need]').first();
      const title = (await row.getAttribute('data-title'))!;
      await row.locator('.open-btn').click();
      const drawer = page.getByTestId('need-drawer');
      await drawer.waitFor();
      const status = async () => (await drawer.locator('.status-line').textContent()) ?? '';
      const before = await status();
      const cancelButton = drawer.getByRole('button', { name: 'Move to cancelled' });
      await cancelButton.focus();
      await page.keyboard.press('Enter');

      const dialog = page.getByTestId('confirm-dialog');
      await dialog.waitFor();
      expect(await dialog.getAttribute('role')).toBe('alertdialog');
      expect(await dialog.getByRole('heading').textContent()).toBe(`Cancel “${title}” for ${(await drawer.locator('.crumbs').textContent())!.split(' · ')[0]}?`);
      expect(await dialog.textContent()).toMatch(/leaves the open needs.*can be reopened later/);
      const box = (await dialog.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: path.join(artifactsDir, `confirm-cancel-need-${viewport.width}.png`) });
      // Focus starts on Cancel (the safe choice); Tab and Shift+Tab stay inside the dialog.
      expect(await focused(page)).toBe('Cancel');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('Cancel the need');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('Cancel');
      await page.keyboard.press('Shift+Tab');
      expect(await inDialog(page)).toBe(true);
      // Escape cancels: nothing changes, the drawer stays open, focus goes back to the button.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await drawer.waitFor();
      expect(await cancelButton.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await status()).toBe(before);

      if (viewport.width === 1440) {
        // Confirmed this time: the need is cancelled.
        await page.keyboard.press('Enter');
        await dialog.getByRole('button', { name: 'Cancel the need' }).click();
        await expect.poll(status, { timeout: 30_000, interval: 100 }).toMatch(/Cancelled/);
      }
      await context.close();
    });
  }

  it('deactivating a user says they are signed out everywhere; Cancel leaves them active', async () => {
    const { context, page } = await open(demoUsers.admin, '/admin', VIEWPORTS[1]);
    const email = demoUsers.coordinatorPacific;
    await page.getByText(`Edit ${email}`).click();
    await page.locator('details[open]').getByRole('button', { name: /^Deactivate/ }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/signed out everywhere at once and cannot sign in until an admin reactivates/);
    await page.screenshot({ path: path.join(artifactsDir, 'confirm-deactivate-1440.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.reload();
    await hydrated(page);
    expect(await page.locator(`tr[data-email="${email}"] td.status-active`).count()).toBe(1);
    await context.close();
  });

  it('deleting an outreach event says what goes with it, and deletes only when confirmed', async () => {
    const { context, page } = await open(demoUsers.coordinatorMountain, '/outreach?division=mountain', VIEWPORTS[1]);
    const rows = page.locator('[data-testid="outreach-events"] tbody tr');
    const count = await rows.count();
    const first = rows.first();
    const text = await first.textContent();
    // Delete sits in the event's drawer (the table is read mode).
    await first.locator('.open-btn').click();
    await page.getByTestId('outreach-drawer').getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/removed from the outreach list and from every figure that counts it \([\d,]+ (people|person) reached/);
    await dialog.getByRole('button', { name: 'Delete event' }).click();
    await expect.poll(async () => (await rows.first().textContent()) !== text || (await rows.count()) < count, { timeout: 30_000, interval: 100 }).toBe(true);
    await context.close();
  });
});
