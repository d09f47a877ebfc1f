// The three workspaces in read mode (issue 17), in Chromium at 1920×1080, 1440×900 and 390×844:
// /needs, /pipeline and /outreach open as a table of text (at most 12 form fields before anyone edits,
// no input inside a row), never scroll sideways, stack as cards at phone width, and open a row in a
// drawer that lies inside the viewport. Leadership starts on "All divisions". A cell of /outreach and
// of /pipeline is edited in place; a refused value stays with its reason beside it. Screenshots go to
// test-results/ (workspace-*.png).
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

/** Each workspace: its table, the attribute that marks a row, and its drawer. */
const PAGES = [
  { name: 'needs', url: '/needs?division=mountain', table: 'needs-table', row: 'data-need', drawer: 'need-drawer' },
  { name: 'pipeline', url: '/pipeline?division=mountain', table: 'pipeline-table', row: 'data-request-row', drawer: 'request-drawer' },
  { name: 'outreach', url: '/outreach?division=mountain', table: 'outreach-events', row: 'data-event', drawer: 'outreach-drawer' }
] as const;

describe.skipIf(!hasBrowser)('the workspaces in read mode', () => {
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

  async function open(email: string, viewport: { width: number; height: number }, url: string) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await signIn(page, server.url, email);
    await page.goto(`${server.url}${url}`);
    await hydrated(page);
    return { context, page };
  }

  /** Form fields a person can see anywhere on the page (not only in the viewport). */
  const visibleFields = (page: Page) =>
    page.evaluate(() => [...document.querySelectorAll('input, select, textarea')].filter((el) => {
      const box = el.getBoundingClientRect();
      return (el as HTMLInputElement).type !== 'hidden' && box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    }).length);
  const sidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  for (const p of PAGES) {
    for (const viewport of VIEWPORTS) {
      it(`/${p.name} at ${viewport.width}×${viewport.height}: text not inputs, no sideways scroll, the drawer inside the viewport`, async () => {
        const { context, page } = await open(demoUsers.coordinatorMountain, viewport, p.url);
        const rows = page.locator(`[data-testid="${p.table}"] tr[${p.row}]`);
        await rows.first().waitFor();
        expect(await rows.count()).toBeGreaterThan(1);
        expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
        const fields = await visibleFields(page);
        expect(fields).toBeLessThanOrEqual(12);
        expect(await page.locator(`tr[${p.row}] input, tr[${p.row}] select, tr[${p.row}] textarea`).count()).toBe(0);
        await page.screenshot({ path: path.join(artifactsDir, `workspace-${p.name}-${viewport.width}.png`), fullPage: viewport.width < 700 ? false : true });

        if (viewport.width < 700) {
          // Cards that stack: a row's cells lie one under another, the card inside the viewport.
          const cells = rows.first().locator('td');
          const a = (await cells.nth(1).boundingBox())!;
          const b = (await cells.nth(2).boundingBox())!;
          expect(b.y).toBeGreaterThanOrEqual(a.y + a.height - 1);
          const card = (await rows.first().boundingBox())!;
          expect(card.x).toBeGreaterThanOrEqual(0);
          expect(card.x + card.width).toBeLessThanOrEqual(viewport.width);
        }

        // Enter on a row's "Open ›" opens the drawer, inside the viewport; Escape closes it and gives focus back.
        const opener = rows.first().locator('.open-btn');
        await opener.focus();
        await page.keyboard.press('Enter');
        const drawer = page.getByTestId(p.drawer);
        await drawer.waitFor();
        const box = (await drawer.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
        expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
        expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(artifactsDir, `workspace-${p.name}-drawer-${viewport.width}.png`) });
        console.info(`[workspace-pages] /${p.name} ${viewport.width}×${viewport.height}: ${fields} form fields visible, drawer ${Math.round(box.x)}–${Math.round(box.x + box.width)} × ${Math.round(box.y)}–${Math.round(box.y + box.height)}`);
        await page.keyboard.press('Escape');
        await drawer.waitFor({ state: 'detached' });
        expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
        await context.close();
      });
    }
  }

  it('search, chips and sort work on /pipeline and /outreach; the pipeline board is still there', async () => {
    const { context, page } = await open(demoUsers.coordinatorMountain, VIEWPORTS[1], '/pipeline?division=mountain');
    const rows = page.locator('[data-testid="pipeline-table"] tr[data-request-row]');
    await rows.first().waitFor();
    // The "Approved" chip: every row shown is approved, and the count on the chip is the table's total.
    await page.locator('[data-status-filter="approved"]').click();
    const chipCount = (await page.locator('[data-status-filter="approved"] .n').textContent())!.trim();
    await expect.poll(async () => (await rows.locator('[data-testid="status"]').allTextContents()).every((s) => s.trim() === 'Approved')).toBe(true);
    expect((await page.getByTestId('range').textContent())!).toMatch(new RegExp(`of ${chipCount}$`));
    // Search by partner: every row names it.
    const partner = (await rows.first().locator('td').nth(1).textContent())!.split('·')[0].trim();
    await page.getByLabel('Search requests').fill(partner);
    await expect.poll(async () => (await rows.locator('td:nth-child(2)').allTextContents()).every((t) => t.includes(partner))).toBe(true);
    // Sort by amount asked, largest first.
    await page.getByLabel('Search requests').fill('');
    await page.locator('[data-status-filter="all"]').click();
    await page.getByRole('button', { name: /^Asked/ }).click();
    await page.getByRole('button', { name: /^Asked/ }).click();
    const asked = async () => (await rows.locator('td:nth-child(4)').allTextContents()).map((t) => Number(t.replace(/[^\d.]/g, '')));
    await expect.poll(async () => { const a = await asked(); return a.length > 1 && a.every((x, i) => i === 0 || a[i - 1] >= x); }).toBe(true);
    await page.getByRole('tab', { name: 'Board' }).click();
    await page.getByTestId('pipeline-board').waitFor();
    expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
    await context.close();

    const o = await open(demoUsers.coordinatorMountain, VIEWPORTS[1], '/outreach?division=mountain');
    const events = o.page.locator('[data-testid="outreach-events"] tr[data-event]');
    await events.first().waitFor();
    await o.page.getByLabel('Format').selectOption('webinar');
    await expect.poll(async () => (await events.locator('td:nth-child(4)').allTextContents()).every((t) => t.trim() === 'Webinar')).toBe(true);
    await o.context.close();
  });

  it('a cell edits with click or Enter; a refused value stays beside its reason; a good one saves (outreach and pipeline)', async () => {
    const { context, page } = await open(demoUsers.coordinatorMountain, VIEWPORTS[1], '/outreach?division=mountain');
    const row = page.locator('[data-testid="outreach-events"] tr[data-event]').first();
    const attendees = row.locator('[data-cell="attendees"]');
    await attendees.locator('button').focus();
    await page.keyboard.press('Enter');
    const box = attendees.getByLabel('Attendees');
    await box.fill('-4');
    await box.press('Enter');
    const error = attendees.getByTestId('cell-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('Attendees cannot be negative.');
    expect(await box.inputValue()).toBe('-4');
    await page.screenshot({ path: path.join(artifactsDir, 'workspace-outreach-cell-refused.png') });
    await box.fill('1,234');
    await box.press('Enter');
    await attendees.locator('button').filter({ hasText: /^1,234$/ }).waitFor();
    // The saved value is the stored one: a reload shows it.
    const id = await row.getAttribute('data-event');
    await page.reload();
    await hydrated(page);
    await page.locator(`tr[data-event="${id}"] [data-cell="attendees"] button`).filter({ hasText: /^1,234$/ }).waitFor();
    await context.close();

    // A request in intake: its amount asked is edited in place.
    const lead = await open(demoUsers.leadership, VIEWPORTS[1], '/pipeline?division=mountain');
    await lead.page.locator('[data-status-filter="intake"]').click();
    const intake = lead.page.locator('[data-testid="pipeline-table"] tr[data-request-row]').first();
    await intake.waitFor();
    const ask = intake.locator('[data-cell="requestedCents"]');
    await ask.locator('button').click();
    const askBox = ask.getByLabel('Amount requested');
    await askBox.fill('twelve');
    await askBox.press('Enter');
    await ask.getByTestId('cell-error').filter({ hasText: /amount in dollars/ }).waitFor();
    expect(await askBox.inputValue()).toBe('twelve');
    await askBox.fill('12,345');
    await askBox.press('Enter');
    await ask.locator('button').filter({ hasText: /^\$12,345$/ }).waitFor();
    await lead.context.close();
  });

  it('leadership starts on "All divisions" on /pipeline and /outreach', async () => {
    for (const [url, table, row] of [['/pipeline', 'pipeline-table', 'data-request-row'], ['/outreach', 'outreach-events', 'data-event']] as const) {
      const { context, page } = await open(demoUsers.leadership, VIEWPORTS[1], url);
      expect(await page.getByLabel('Division').inputValue()).toBe('all');
      expect(await page.locator('h1').textContent()).toContain('All divisions');
      await page.locator(`[data-testid="${table}"] tr[${row}]`).first().waitFor();
      // Rows from more than one division's states.
      await page.locator('[data-status-filter="all"]').click();
      const states = await page.locator(`[data-testid="${table}"] tr[${row}]`).evaluateAll((trs) =>
        trs.map((tr) => (tr.textContent ?? '').match(/\b[A-Z]{2}\b/g) ?? []).flat());
      expect(new Set(states).size).toBeGreaterThan(1);
      await context.close();
    }
  });
});
