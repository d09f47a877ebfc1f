// Accessibility (issue 17): axe-core, the engine behind Lighthouse's and Deque's checks, runs in
// Chromium on every page each role can reach — the pages of its navigation, its account pages, a
// snapshot, compare, and the open states people work in (the needs drawer) — plus the pages nobody
// is signed in on (the context bypasses the pages' Content-Security-Policy only so that axe can be
// injected). A serious or critical violation of WCAG 2.1 A/AA fails the test, named with the
// page, the rule and the first elements it found.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addCookieHeader, hasBrowser, hydrated, launchBrowser } from '../helpers/browser.js';
import { seededDataDir, signIn, startLiveServer, type LiveServer } from '../helpers/live.js';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** Runs axe on what the page shows now; returns the serious and critical violations as readable lines. */
async function seriousViolations(page: Page, where: string): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations;
  }) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`);
}

const ROLES = [
  { email: 'director@beacon.demo', role: 'leadership' },
  { email: 'coordinator.mountain@beacon.demo', role: 'coordinator' },
  { email: 'board@beacon.demo', role: 'board' },
  { email: 'admin@beacon.demo', role: 'admin' }
];

/** Pages every signed-in person has besides the navigation (the inbox only for those with a bell). */
const ACCOUNT_PAGES = ['/account', '/account/two-factor'];

describe.skipIf(!hasBrowser)('accessibility: axe-core finds no serious or critical violation on any page of any role', () => {
  let server: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startLiveServer({ dataDir: await seededDataDir() });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  /** Opens a page, waits for it to hydrate and settle, and returns what axe finds there. */
  async function check(page: Page, path: string): Promise<string[]> {
    const response = await page.goto(`${server.url}${path}`);
    expect(response?.status(), `${path} answered ${response?.status()}`).toBeLessThan(400);
    await hydrated(page);
    // Live pages keep a socket open: settle on a short quiet spell, not on an idle network.
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    return seriousViolations(page, path);
  }

  it('the pages before signing in', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      for (const path of ['/login', '/login/forgot']) problems.push(...(await check(page, path)));
      expect(problems, problems.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  for (const { email, role } of ROLES) {
    it(`every page a ${role} reaches`, async () => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
      try {
        await addCookieHeader(context, await signIn(server.url, email), server.url);
        const page = await context.newPage();
        await page.goto(server.url);
        await hydrated(page);
        const nav = await page.locator('nav[aria-label="Main"] a').evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
        expect(nav.length, `${role} has a navigation`).toBeGreaterThan(0);
        const inbox = (await page.getByTestId('inbox-button').count()) > 0 ? ['/notifications'] : [];
        if (role !== 'board') expect(inbox, `${role} has an inbox`).toEqual(['/notifications']);
        // The three other dashboards and the wall-screen layout, for those who have dashboards.
        const dashboards = nav.includes('/dashboard') ? ['/dashboard/funding', '/dashboard/aftercare', '/dashboard/outreach', '/dashboard?kiosk=1'] : [];
        const paths = [...new Set([...nav, ...dashboards, ...ACCOUNT_PAGES, ...inbox])];
        // The inbox dropdown, open.
        if (inbox.length) {
          await page.getByTestId('inbox-button').click();
          await page.getByTestId('inbox-panel').waitFor();
        }
        const problems: string[] = inbox.length ? await seriousViolations(page, 'inbox dropdown (open)') : [];
        const visited: string[] = inbox.length ? ['inbox dropdown (open)'] : [];
        for (const path of paths) {
          problems.push(...(await check(page, path)));
          visited.push(path);
          if (path === '/snapshots') {
            // The newest snapshot and the compare page, when there are snapshots.
            const first = page.locator('a[href^="/snapshots/"]:not([href^="/snapshots/compare"])').first();
            if ((await first.count()) > 0) {
              const href = new URL((await first.getAttribute('href'))!, server.url).pathname;
              problems.push(...(await check(page, href)));
              visited.push(href);
            }
          }
          if (path === '/needs') {
            // The detail drawer, open.
            const open = page.locator('tr[data-need] .open-btn').first();
            if ((await open.count()) > 0) {
              await open.click();
              await page.getByTestId('need-drawer').waitFor({ timeout: 30_000 });
              problems.push(...(await seriousViolations(page, '/needs (drawer open)')));
              visited.push('/needs (drawer open)');
              await page.keyboard.press('Escape');
            }
          }
        }
        console.info(`[accessibility] ${role}: ${visited.length} views checked: ${visited.join(', ')}`);
        expect(problems, problems.join('\n')).toEqual([]);
      } finally {
        await context.close();
      }
    }, 300_000);
  }
});
