// The live dashboard in Chromium: the page goes live over the socket, a committed change shows up
// without a reload, and when the server goes away the page stops claiming to be live.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { addCookieHeader, artifactsDir, hasBrowser, launchBrowser } from '../helpers/browser.js';
import { seededDataDir, signIn, startLiveServer, type LiveServer } from '../helpers/live.js';

describe.skipIf(!hasBrowser)('the live dashboard in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startLiveServer({ dataDir: await seededDataDir() });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('updates the figures in place when a change commits, and shows when it is not live', async () => {
    const cookie = await signIn(server.url, 'director@beacon.demo');
    const context = await browser.newContext();
    await addCookieHeader(context, cookie, server.url);
    const page = await context.newPage();
    await page.goto(`${server.url}/dashboard`);
    const state = page.getByTestId('live-state');
    await expect.poll(() => state.textContent(), { timeout: 15_000 }).toBe('Live');

    const seqText = async () => Number(/change #(\d+)/.exec((await page.locator('p.muted').first().textContent()) ?? '')?.[1]);
    const before = await seqText();
    const openBefore = await page.locator('[data-kpi="open-critical-needs"] .sub').textContent();
    const [[{ id }]] = (await server.exec([
      { sql: `select id from aftercare_need where status = 'open' order by id limit 1`, params: [] }
    ])) as Array<Array<{ id: number }>>;
    await server.exec([{ sql: 'update aftercare_need set estimated_cost_cents = estimated_cost_cents + 100000000 where id = $1', params: [id] }]);
    await expect.poll(seqText, { timeout: 5_000 }).toBeGreaterThan(before);
    expect(await page.locator('[data-kpi="open-critical-needs"] .sub').textContent()).not.toBe(openBefore);
    await page.screenshot({ path: path.join(artifactsDir, 'dashboard-live.png') });

    await server.stop();
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toMatch(/^(Reconnecting|Offline)/);
    await page.screenshot({ path: path.join(artifactsDir, 'dashboard-reconnecting.png') });
    await context.close();
  }, 60_000);
});
