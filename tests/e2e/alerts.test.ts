// /alerts in Chromium against the real server (demo data): leadership's rule form refuses a threshold
// in words with a plain message beside the field and keeps what was typed; a rule added in one browser
// marks the dashboard's Budget tile in another browser without a reload (a red "Alert" with the alert's
// sentence as its tooltip), and turning the rule off takes the mark away, live. Screenshots of /alerts
// and the marked tile at 1920, 1440 and 390 px go to test-results/ (alerts-*.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasBrowser, hydrated, launchBrowser, photograph } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

describe.skipIf(!hasBrowser)('alerts in Chromium', () => {
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

  async function open(email: string, url: string, timezoneId?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, ...(timezoneId ? { timezoneId } : {}) });
    const page = await context.newPage();
    await signIn(page, server.url, email);
    await page.goto(`${server.url}${url}`);
    await hydrated(page);
    return page;
  }

  it('a rule added on /alerts marks the Budget tile in another browser live, and turning it off clears it', async () => {
    const dashboard = await open(demoUsers.admin, '/dashboard');
    const budgetMark = dashboard.locator('[data-kpi="approved"] [data-testid="alert-mark"]');
    expect(await budgetMark.count()).toBe(0);

    // A director travelling in Tokyo still reads the organisation's times (New York, the default zone).
    const alerts = await open(demoUsers.leadership, '/alerts', 'Asia/Tokyo');
    const form = alerts.locator('#rule-form');
    await form.getByLabel('What to watch').selectOption('budget_commitment');
    const threshold = form.locator('input[name="threshold"]');
    await threshold.fill('ninety');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => form.locator('[data-field-error="threshold"]').textContent()).toBe('Enter a share in percent, like 90.');
    expect(await threshold.inputValue()).toBe('ninety');
    await threshold.fill('1500');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => form.locator('[data-field-error="threshold"]').textContent()).toBe('Use at most 1,000%.');
    expect(await threshold.inputValue()).toBe('1500');

    // 1% of the budget: every program area of the demo's current fiscal year with more than 1% committed.
    await threshold.fill('1');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await alerts.getByRole('status').filter({ hasText: 'Added:' }).waitFor();
    await alerts.locator('[data-testid="open-alerts"] li').first().waitFor({ timeout: 15_000 });
    const sentences = await alerts.locator('[data-testid="open-alerts"] li .sentence').allTextContents();
    expect(sentences.length).toBeGreaterThan(0);
    // "Open since Dec 5, 2026, 9:30:15 PM EST": the organisation's zone, named, however the browser is set.
    expect(await alerts.locator('[data-testid="open-alerts"] li .meta').first().textContent()).toMatch(/^Open since [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2}\s[AP]M E[SD]T /);
    for (const s of sentences) expect(s).toMatch(/^The (law enforcement|forensic labs|aftercare|education) budget for FY\d{4} is [\d.,]+% committed: \$[\d,]+ of \$[\d,]+, above the 1% alert line\.$/);

    // The other browser: the Budget tile is marked without a reload, its tooltip the alerts' sentences.
    await budgetMark.waitFor({ timeout: 10_000 });
    expect((await budgetMark.getAttribute('title'))!.split('\n').sort()).toEqual([...sentences].sort());
    await photograph(dashboard, 'alerts-dashboard-tile', { focus: dashboard.locator('[data-testid="kpis"]') });
    for (const w of await photograph(alerts, 'alerts-page')) expect(w.overflow, `sideways scroll at ${w.width} px`).toBeLessThanOrEqual(0);

    // Turn the rule off: its alerts clear, and so does the mark.
    const row = alerts.locator('[data-testid="rules"] tbody tr').filter({ hasText: 'more than 1% of its budget' });
    await row.getByRole('button', { name: /Change the rule/ }).click();
    await form.locator('input[type="checkbox"]').uncheck();
    await form.getByRole('button', { name: 'Save rule' }).click();
    await alerts.getByRole('status').filter({ hasText: 'Saved:' }).waitFor();
    await budgetMark.waitFor({ state: 'detached', timeout: 10_000 });
    // The page says "Saved" once its lists are read again after the save (the mark went by a push of its own).
    await expect.poll(() => alerts.locator('[data-testid="open-alerts"] li').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => alerts.locator('[data-testid="resolved-alerts"] li').count(), { timeout: 10_000 }).toBe(sentences.length);
    const widths = await photograph(alerts, 'alerts-page-cleared');
    for (const w of widths) expect(w.overflow, `sideways scroll at ${w.width} px`).toBeLessThanOrEqual(0);
  }, 180_000);
});
