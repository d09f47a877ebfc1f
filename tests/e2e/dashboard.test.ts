import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { artifactsDir, hasBrowser, launchBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

describe.skipIf(!hasBrowser)('dashboard in Chromium (fresh embedded database, demo data)', () => {
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

  it('serves /healthz on the embedded database', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, db: 'pglite' });
  });

  it('renders /dashboard with demo figures for a signed-in director', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, demoUsers.leadership);
    const response = await page.goto(`${server.url}/dashboard`);
    expect(response?.status()).toBe(200);
    const heading = await page.locator('h1').textContent();
    // Demo data has no month signed off: the fiscal year's figures are marked Provisional beside the title.
    expect(heading).toMatch(/^Overview — FY\d{4}Provisional$/);
    const requested = await page.locator('[data-kpi="requested"] .value').textContent();
    // Demo data: money was requested this fiscal year, so the figure is a non-zero dollar amount.
    expect(requested).toMatch(/^\$[1-9][\d,]*$/);
    // The funnel's table view: one row per stage from intake to reported.
    await page.getByTestId('toggle-funnel').click();
    expect(await page.locator('[data-testid="table-funnel"] tbody tr').count()).toBe(5);
    await page.screenshot({ path: path.join(artifactsDir, 'dashboard-overview.png'), fullPage: true });
    await page.close();
  });

  it('applies filters from the URL and rejects a bad one with a clear 400', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, demoUsers.leadership);
    await page.goto(`${server.url}/dashboard?division=mountain&state=CO`);
    expect(await page.locator('select[name="state"]').inputValue()).toBe('CO');
    const bad = await page.goto(`${server.url}/dashboard?division=pacific&state=CO`);
    expect(bad?.status()).toBe(400);
    expect(await page.locator('[role="alert"]').textContent()).toMatch(/CO is not in the pacific division/);
    await page.close();
  });
});
