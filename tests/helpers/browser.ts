// Chromium through playwright-core, using the system browser (no download). Without Chromium the
// browser tests are skipped with one line locally, and fail when CI=true.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const chromiumPath = candidates.find((p): p is string => !!p && fs.existsSync(p));

if (!chromiumPath) {
  if (process.env.CI === 'true') throw new Error('CI=true but no Chromium was found (install Debian\'s chromium)');
  console.info('[tests] no Chromium found (apt-get install chromium): browser tests are skipped.');
}

export const hasBrowser = !!chromiumPath;

export async function launchBrowser(): Promise<Browser> {
  if (!chromiumPath) throw new Error('no Chromium');
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'
    ]
  });
}

export const artifactsDir = path.resolve(import.meta.dirname, '..', '..', 'test-results');
fs.mkdirSync(artifactsDir, { recursive: true });

/** Waits until the page's app has hydrated (the root layout marks `<html data-hydrated>`). */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForSelector('html[data-hydrated="true"]', { state: 'attached' });
}

/**
 * Gives a browser context the cookies of a sign-in's Cookie header (`signIn` in tests/helpers/live.ts):
 * it may carry several cookies (the session and the known-browser mark), and a value may hold '='.
 */
export async function addCookieHeader(context: BrowserContext, header: string, url: string): Promise<void> {
  const pairs = header.split('; ').filter(Boolean);
  await context.addCookies(pairs.map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), url })));
}

/** The widths every changed screen is looked at (STYLE: 1920, 1440 and 390 px). */
export const SCREEN_WIDTHS = [1920, 1440, 390] as const;

/**
 * Photographs a page at each width into test-results/{name}-{width}.png (full page; the `focus` element
 * also alone, {name}-focus-{width}.png) and measures how far the page is wider than the screen
 * (sideways scrolling: > 0); leaves the page at 1440 px.
 */
export async function photograph(page: Page, name: string, options: { height?: number; focus?: Locator } = {}): Promise<Array<{ width: number; overflow: number }>> {
  const seen: Array<{ width: number; overflow: number }> = [];
  for (const width of SCREEN_WIDTHS) {
    await page.setViewportSize({ width, height: options.height ?? 1000 });
    await page.screenshot({ path: path.join(artifactsDir, `${name}-${width}.png`), fullPage: true });
    // The part of a long page being looked at (a form, a panel), on its own.
    if (options.focus) await options.focus.screenshot({ path: path.join(artifactsDir, `${name}-focus-${width}.png`) });
    seen.push({ width, overflow: await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) });
  }
  await page.setViewportSize({ width: 1440, height: options.height ?? 1000 });
  return seen;
}
