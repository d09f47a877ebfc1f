// Funding requests entered and decided in Chromium (issue 16, items 1–2; part of its acceptance): a
// Mountain coordinator enters a request on /pipeline/new (an amount typed wrong is refused beside its
// field, what was typed kept) for a vetted partner of their region; a director moves it to vetting and
// approves it above the ask — the decision dialog shows the overshoot in dollars and refuses it without
// a reason, then accepts it with one — and the card shows the approved amount. Each screen is
// photographed at 1920, 1440 and 390 px.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasBrowser, hydrated, launchBrowser, photograph } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

/** Each screen at 1920, 1440 and 390 px (test-results/funding-{name}-{width}.png), never wider than the screen. */
async function snap(page: Page, name: string) {
  for (const { width, overflow } of await photograph(page, `funding-${name}`)) expect(overflow, `${name} at ${width}px`).toBeLessThanOrEqual(0);
}

if (process.env.CI !== 'true' && !hasBrowser) console.info('[e2e] no Chromium: the funding intake browser test is skipped.');

describe.skipIf(!hasBrowser && process.env.CI !== 'true')('funding intake and decisions in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let coordinator: Page;
  let director: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const open = async (email: string) => {
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      contexts.push(ctx);
      const page = await ctx.newPage();
      await signIn(page, server.url, email);
      return page;
    };
    coordinator = await open(demoUsers.coordinatorMountain);
    director = await open(demoUsers.leadership);
  }, 240_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
  });

  it('a coordinator enters a request; a director approves it above the ask only with a reason', async () => {
    const title = `Synthetic K9 pair ${Date.now()}`;
    await coordinator.goto(`${server.url}/pipeline/new?division=mountain`);
    await hydrated(coordinator);
    const partner = coordinator.getByLabel('Partner');
    const firstPartner = await partner.locator('option').nth(1).getAttribute('value');
    expect(firstPartner, 'a vetted partner in the coordinator\'s region').toBeTruthy();
    await partner.selectOption(firstPartner!);
    await coordinator.getByLabel('Title').fill(title);
    await coordinator.getByLabel('Category').selectOption('detection_k9');
    await coordinator.getByLabel('Amount requested ($)').fill('24,05o');
    await coordinator.getByLabel('Purpose').fill('Two electronic-storage detection dogs for search warrants');
    await coordinator.getByRole('button', { name: 'Add an in-kind line' }).click();
    await coordinator.getByLabel('Units').fill('2');
    await coordinator.getByLabel('Unit cost ($)').fill('12,025');
    await coordinator.getByRole('button', { name: 'Create request' }).click();
    await expect.poll(() => coordinator.locator('[data-field-error="requestedCents"]').textContent(), { timeout: 30_000 }).toBe('Enter an amount in dollars, like 250,000.');
    expect(await coordinator.getByLabel('Amount requested ($)').inputValue()).toBe('24,05o');
    await snap(coordinator, 'intake-refused');
    await coordinator.getByLabel('Amount requested ($)').fill('24,050');
    await coordinator.getByRole('button', { name: 'Create request' }).click();
    await coordinator.waitForURL(/\/pipeline\?division=mountain&created=\d+/, { timeout: 30_000 });
    const id = Number(new URL(coordinator.url()).searchParams.get('created'));

    await director.goto(`${server.url}/pipeline?division=mountain&view=board`);
    await hydrated(director);
    const card = director.locator(`[data-request="${id}"]`);
    await card.getByRole('button', { name: '→ Vetting' }).click();
    await expect.poll(() => director.locator(`[aria-label="Vetting"] [data-request="${id}"]`).count(), { timeout: 30_000 }).toBe(1);
    await director.locator(`[data-request="${id}"]`).getByRole('button', { name: '→ Approved' }).click();
    const dialog = director.getByTestId('decision-dialog');
    await dialog.waitFor();
    await expect.poll(() => dialog.getByLabel('Amount approved ($)').inputValue(), { timeout: 30_000 }).toBe('24,050');
    await dialog.getByLabel('Amount approved ($)').fill('26,000');
    await expect.poll(() => dialog.getByTestId('overshoot').textContent(), { timeout: 30_000 }).toContain('This is $1,950 above the ask of $24,050.');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => dialog.locator('[data-field-error="reason"]').textContent(), { timeout: 30_000 }).toContain('Write the reason to approve it.');
    await snap(director, 'approve-refused');
    await dialog.getByLabel('Reason').fill('The board added a spare handler kit');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await dialog.getByRole('button', { name: /Confirm/ }).click();
    await expect.poll(() => director.locator(`[aria-label="Approved"] [data-request="${id}"]`).textContent(), { timeout: 30_000 }).toContain('$26,000 approved');
    await director.locator(`[data-request="${id}"] .title`).click();
    await expect.poll(() => director.getByTestId('request-money').textContent(), { timeout: 30_000 }).toContain('The board added a spare handler kit');
    await snap(director, 'approved');
  }, 180_000);
});
