// Issue 21's acceptance for live annotations, in Chromium against the real server: a director and
// the Mountain coordinator both have the funding dashboard open; the director adds a note for the
// Mountain division (an empty note is refused beside its field, the typed day kept); it appears on
// the coordinator's throughput chart without a reload — in the list under the chart and as a marker
// in the Chart.js instance's annotation options, on the month of its day. A snapshot made afterwards
// lists it and draws it; a note made after the snapshot does not appear in it. Each screen is
// photographed at 1920, 1440 and 390 px.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasBrowser, hydrated, launchBrowser, photograph } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

const ZONE = 'America/New_York';
/** Today as the organisation's day (its zone, never the UTC date). */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** "December 2026": how the charts label a month. */
const monthLabelOf = (day: string) => `${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;

type Marks = Record<string, { value?: number; label?: { content?: unknown } }>;
/** The annotation options of the Chart.js instance drawn on a chart panel's canvas, and its labels. */
async function chartMarks(page: Page, selector: string): Promise<{ labels: string[]; marks: Marks }> {
  return page.locator(selector).evaluate((canvas) => {
    const c = (canvas as HTMLCanvasElement & { $chart: { data: { labels: string[] }; options: { plugins: { annotation?: { annotations: Marks } } } } }).$chart;
    const marks = c.options.plugins.annotation?.annotations ?? {};
    return { labels: [...c.data.labels], marks: JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, { value: v.value, label: { content: v.label?.content } }])))) };
  });
}

async function look(page: Page, name: string) {
  for (const { width, overflow } of await photograph(page, `annotations-${name}`)) expect(overflow, `${name} at ${width}px`).toBeLessThanOrEqual(1);
}

describe.skipIf(!hasBrowser)('live annotations on the time charts and in snapshots', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let director: Page;
  let coordinator: Page;
  const note = `Synthetic: forensic kit delivered to the task force ${Date.now() % 100000}`;

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
    director = await open(demoUsers.leadership);
    coordinator = await open(demoUsers.coordinatorMountain);
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('a note added in one browser appears on the other’s chart without a reload', { timeout: 180_000 }, async () => {
    for (const p of [director, coordinator]) {
      await p.goto(`${server.url}/dashboard/funding`);
      await hydrated(p);
      await p.locator('.live-dashboard[data-live="live"]').waitFor({ timeout: 30_000 });
    }
    // Anything a reload would wipe: it must still be there at the end.
    await coordinator.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    const coordinatorPanel = coordinator.getByTestId('annotations');
    const coordinatorList = coordinator.getByTestId('annotation-list');
    expect(await coordinatorPanel.textContent()).not.toContain(note);

    const panel = director.getByTestId('annotations');
    await panel.getByRole('button', { name: 'Annotate' }).click();
    const form = director.getByRole('form', { name: 'Add a note to the charts' });
    const day = today();
    expect(await form.getByLabel('Day').inputValue()).toBe(day);
    expect(await form.textContent()).toContain('Never write anything about a survivor');
    // An empty note: refused beside the field, in words; the chosen scope and day stay.
    await form.getByLabel('Who it is for').selectOption('division:mountain');
    await form.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => form.locator('[data-field-error="note"]').textContent()).toBe('Write the note in at least 3 characters.');
    expect(await form.getByLabel('Day').inputValue()).toBe(day);
    expect(await form.getByLabel('Who it is for').inputValue()).toBe('division:mountain');
    await form.getByLabel('Note').fill(note);
    await look(director, 'form');
    await form.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => panel.getByRole('status').textContent()).toMatch(/^Note added for /);

    // The other browser: in the page's list and under the throughput chart, without a reload.
    await expect.poll(() => coordinatorPanel.textContent(), { timeout: 10_000 }).toContain(note);
    expect(await coordinatorList.textContent()).toContain('Mountain division');
    const marksList = coordinator.getByTestId('marks-throughput');
    await expect.poll(() => coordinator.locator('[data-chart="throughput"]').textContent(), { timeout: 5_000 }).toContain(note);
    expect(await marksList.textContent()).toContain(note);
    // And on the Chart.js instance: a numbered marker on the label axis within today's month.
    await expect
      .poll(async () => Object.values((await chartMarks(coordinator, '[data-chart="throughput"] canvas')).marks).filter((m) => typeof m.value === 'number').length, { timeout: 5_000 })
      .toBeGreaterThan(0);
    const { labels, marks } = await chartMarks(coordinator, '[data-chart="throughput"] canvas');
    const n = Number(await coordinatorList.locator('li').filter({ hasText: note }).locator('.n').textContent());
    const mark = marks[`note-${n}`];
    expect(mark, `marker ${n} among ${Object.keys(marks).join(', ')}`).toBeTruthy();
    expect(mark.label?.content).toBe(String(n));
    const monthIndex = labels.indexOf(monthLabelOf(day));
    expect(monthIndex).toBeGreaterThanOrEqual(0);
    // Inside its month's band, at its day: the band runs from index − 0.5 to index + 0.5.
    const daysInMonth = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0)).getUTCDate();
    expect(mark.value).toBeCloseTo(monthIndex - 0.5 + (Number(day.slice(8, 10)) - 0.5) / daysInMonth, 6);
    expect(await coordinator.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await look(coordinator, 'funding');
  });

  it('a snapshot made afterwards keeps the note and draws it; a later note is not in it', { timeout: 180_000 }, async () => {
    await director.goto(`${server.url}/snapshots`);
    await hydrated(director);
    await director.locator('form[action="?/create"] input[name="title"]').fill('Synthetic board pack with notes');
    await director.getByRole('radio', { name: 'Fiscal year' }).check();
    await Promise.all([director.waitForURL(/\/snapshots\/\d+$/), director.getByRole('button', { name: 'Make snapshot' }).click()]);
    const snapshotUrl = director.url();
    await hydrated(director);
    const stored = director.getByTestId('snapshot-annotations');
    expect(await stored.textContent()).toContain(note);
    const n = Number(await stored.locator('li').filter({ hasText: note }).locator('.n').textContent());
    const { marks } = await chartMarks(director, '[data-report-chart="summary-throughput"] canvas');
    expect(marks[`note-${n}`]?.label?.content).toBe(String(n));
    await look(director, 'snapshot');

    // A note made after the snapshot: on the dashboard, never in the snapshot.
    const later = `Synthetic: campaign launched after the snapshot ${Date.now() % 100000}`;
    await director.goto(`${server.url}/dashboard/funding`);
    await hydrated(director);
    await director.getByTestId('annotations').getByRole('button', { name: 'Annotate' }).click();
    const form = director.getByRole('form', { name: 'Add a note to the charts' });
    await form.getByLabel('Note').fill(later);
    await form.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => director.getByTestId('annotation-list').textContent()).toContain(later);
    await director.goto(snapshotUrl);
    await hydrated(director);
    expect(await director.getByTestId('snapshot-annotations').textContent()).toContain(note);
    expect(await director.getByTestId('snapshot-annotations').textContent()).not.toContain(later);
  });
});
