// The leadership dashboards in Chromium against the production build: live updates on two pages at
// once, filters in the URL equal to the procedures' figures, CSV equal to the chart's data, and a
// kiosk screen that survives a server restart by itself.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addCookieHeader, artifactsDir, hasBrowser, launchBrowser } from '../helpers/browser.js';
import { seededDataDir, signIn, startLiveServer, type LiveServer } from '../helpers/live.js';
import { parseCsvTable } from '../../src/lib/charts/chart-csv.js';

type ChartData = { labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }> };

/** The data the chart on a panel is drawing right now (read from the Chart.js instance). */
async function chartData(page: Page, id: string): Promise<ChartData> {
  return page.locator(`[data-chart="${id}"] canvas`).evaluate((canvas) => {
    const c = (canvas as HTMLCanvasElement & { $chart: { data: ChartData } }).$chart;
    return { labels: [...c.data.labels], datasets: c.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })) };
  });
}

const datasetValue = (d: ChartData, series: string, label: string) => d.datasets.find((s) => s.label === series)!.data[d.labels.indexOf(label)];

describe.skipIf(!hasBrowser)('leadership dashboards in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let cookie: string;
  const contexts: BrowserContext[] = [];

  async function directorPage(): Promise<Page> {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    await addCookieHeader(context, cookie, server.url);
    return context.newPage();
  }
  const live = (page: Page) => expect.poll(() => page.getByTestId('live-state').textContent(), { timeout: 20_000 }).toBe('Live');

  beforeAll(async () => {
    server = await startLiveServer({ dataDir: await seededDataDir() });
    browser = await launchBrowser();
    cookie = await signIn(server.url, 'director@beacon.demo');
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('a need fulfilled and a request disbursed update the tiles and charts on two open pages, without a reload', async () => {
    const pages = [await directorPage(), await directorPage()];
    for (const page of pages) {
      await page.goto(`${server.url}/dashboard`);
      await live(page);
    }
    const before = await Promise.all(
      pages.map(async (p) => ({
        disbursed: await p.getByTestId('kpi-disbursed').textContent(),
        critical: await p.getByTestId('kpi-open-critical-needs').textContent(),
        funnel: await chartData(p, 'funnel')
      }))
    );
    // Mark the page objects so a reload would be noticed, and record whether a changed tile is ever
    // highlighted (the highlight is brief: on a slow machine it can be over before the checks below).
    for (const p of pages) await p.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await pages[0].evaluate(() => {
      const w = window as unknown as { __highlighted: string[] };
      w.__highlighted = [];
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target as HTMLElement;
          if (el.dataset.changed === 'yes' && el.dataset.kpi) w.__highlighted.push(el.dataset.kpi);
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-changed'] });
    });

    // The change a Mountain coordinator makes through tRPC (the way the /needs and /pipeline pages
    // do): a critical need of the division fulfilled, an approved request of this fiscal year disbursed.
    const coordinator = await signIn(server.url, 'coordinator.mountain@beacon.demo');
    const trpc = async (procedure: string, input: unknown) => {
      const res = await fetch(`${server.url}/trpc/${procedure}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: coordinator, origin: server.url },
        body: JSON.stringify(input)
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`${procedure}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };
    type NeedRow = { id: number; status: string; version: number; quantity: number; fulfilled_quantity: number };
    const needRow = async (where: string, params: unknown[] = []) =>
      ((await server.exec([{
        sql: `select n.id, n.status, n.version, n.quantity, n.fulfilled_quantity from aftercare_need n join region r on r.code = n.state
          where r.division_code = 'mountain' and ${where} order by n.status desc, n.id limit 1`, params
      }])) as Array<NeedRow[]>)[0][0];
    const fy = new Date().getUTCFullYear();
    const [[request]] = (await server.exec([{
      sql: `select f.id, f.approved_cents from funding_request f join region r on r.code = f.state join partner p on p.id = f.partner_id
        where r.division_code = 'mountain' and f.stage = 'approved' and f.fiscal_year = $1 and f.approved_cents > 0
          and p.vetting_status = 'vetted' order by f.id limit 1`,
      params: [fy]
    }])) as Array<Array<{ id: number; approved_cents: number }>>;
    let need = await needRow(`n.priority = 'critical' and n.status in ('open', 'in_progress', 'pledged')`);
    expect(need && request).toBeTruthy();
    // Needs move open → in progress → pledged → fulfilled; the fulfilment is the change under test.
    while (need.status !== 'pledged') {
      await trpc('needs.move', { id: need.id, version: need.version, to: need.status === 'open' ? 'in_progress' : 'pledged' });
      need = await needRow('n.id = $1', [need.id]);
    }
    await trpc('needs.fulfil', { id: need.id, version: need.version, quantity: need.quantity - need.fulfilled_quantity });
    await trpc('funding.advance', { id: request.id, from: 'approved', to: 'disbursed', amountCents: request.approved_cents });
    expect((await needRow('n.id = $1', [need.id])).status).toBe('fulfilled');

    for (const [i, page] of pages.entries()) {
      await expect.poll(() => page.getByTestId('kpi-disbursed').textContent(), { timeout: 10_000 }).not.toBe(before[i].disbursed);
      await expect.poll(() => page.getByTestId('kpi-open-critical-needs').textContent(), { timeout: 10_000 }).not.toBe(before[i].critical);
      await expect.poll(async () => datasetValue(await chartData(page, 'funnel'), 'Requests', 'Disbursed'), { timeout: 10_000 })
        .toBe((datasetValue(before[i].funnel, 'Requests', 'Disbursed') as number) + 1);
      expect(datasetValue(await chartData(page, 'funnel'), 'Requests', 'Approved')).toBe((datasetValue(before[i].funnel, 'Requests', 'Approved') as number) - 1);
      expect(Number((before[i].critical ?? '').replace(/\D/g, '')) - 1).toBe(Number(((await page.getByTestId('kpi-open-critical-needs').textContent()) ?? '').replace(/\D/g, '')));
      expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
      await page.screenshot({ path: path.join(artifactsDir, `dashboards-live-page${i + 1}.png`), fullPage: true });
    }
    // The changed tile highlights briefly.
    const highlighted = await pages[0].evaluate(() => (window as unknown as { __highlighted: string[] }).__highlighted);
    expect(highlighted.filter((k) => k === 'disbursed' || k === 'open-critical-needs').length).toBeGreaterThan(0);
  }, 120_000);

  it('a filtered URL shows the same figures as the tRPC query with those filters, on every dashboard', async () => {
    const page = await directorPage();
    const fy = new Date().getUTCFullYear();
    const filters = { fiscalYear: fy, division: 'mountain' };
    const trpc = async (name: string) => {
      const res = await fetch(`${server.url}/trpc/dashboard.${name}?input=${encodeURIComponent(JSON.stringify(filters))}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { result: { data: any } }).result.data;
    };
    await page.goto(`${server.url}/dashboard/funding?fiscalYear=${fy}&division=mountain`);
    await live(page);
    const funding = await trpc('funding');
    const throughput = await chartData(page, 'throughput');
    expect(throughput.datasets.find((d) => d.label === 'Disbursed')!.data).toEqual(funding.throughput.map((t: { disbursedCents: number }) => t.disbursedCents / 100));
    expect(await page.getByTestId('kpi-stuck').textContent()).toBe(funding.stuck.count.toLocaleString('en-US'));
    await page.screenshot({ path: path.join(artifactsDir, 'dashboards-funding.png'), fullPage: true });

    await page.goto(`${server.url}/dashboard/aftercare?fiscalYear=${fy}&division=mountain`);
    await live(page); // hydrated: the charts exist before they are read
    const aftercare = await trpc('aftercare');
    expect(await page.getByTestId('kpi-open-needs').textContent()).toBe(aftercare.openTotals.needs.toLocaleString('en-US'));
    const survivors = await chartData(page, 'survivors');
    expect(survivors.datasets[0].data).toEqual(aftercare.survivorsMonthly.map((m: { served: number | string }) => (typeof m.served === 'number' ? m.served : null)));
    await page.screenshot({ path: path.join(artifactsDir, 'dashboards-aftercare.png'), fullPage: true });

    await page.goto(`${server.url}/dashboard/outreach?fiscalYear=${fy}&division=mountain`);
    await live(page); // hydrated: the charts exist before they are read
    const outreach = await trpc('outreach');
    expect(await page.getByTestId('kpi-outreach-people').textContent()).toBe(outreach.totals.peopleReached.toLocaleString('en-US'));
    expect((await chartData(page, 'reach-goal')).datasets[0].data).toEqual(outreach.monthly.map((m: { peopleReached: number }) => m.peopleReached));
    await page.screenshot({ path: path.join(artifactsDir, 'dashboards-outreach.png'), fullPage: true });

    await page.goto(`${server.url}/dashboard?fiscalYear=${fy}&division=mountain`);
    await live(page);
    const overview = await trpc('overview');
    expect(await page.getByTestId('kpi-requested').textContent()).toBe(`$${Math.round(overview.funding.requestedCents / 100).toLocaleString('en-US')}`);
    // Clicking a state on the tile map filters the page to it.
    await page.locator('.map-tile[data-state="CO"]').click();
    await page.waitForURL(/state=CO/);
    await page.screenshot({ path: path.join(artifactsDir, 'dashboards-state-filter.png'), fullPage: true });
    expect(await page.locator('select[name="state"]').inputValue()).toBe('CO');
  }, 120_000);

  it('the CSV of a chart holds exactly the chart data, with filters and as-of time', async () => {
    const page = await directorPage();
    await page.goto(`${server.url}/dashboard?division=pacific`);
    await live(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-by-category').click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    fs.writeFileSync(path.join(artifactsDir, 'dashboards-by-category.csv'), csv);
    expect(csv).toMatch(/^Chart,Money by category\r\n/);
    expect(csv).toMatch(/\r\nFilters,Fiscal year: FY\d{4}; Division: Pacific\r\n/);
    expect(csv).toMatch(/\r\nAs of,"[A-Z][a-z]+ \d{1,2}, \d{4}, \d{2}:\d{2}:\d{2} America\/New_York"\r\n/);
    const [header, ...rows] = parseCsvTable(csv);
    const chart = await chartData(page, 'by-category');
    expect(header).toEqual(['Category', ...chart.datasets.map((d) => `${d.label} (USD)`)]);
    expect(rows.map((r) => r[0])).toEqual(chart.labels);
    expect(rows.map((r) => r.slice(1).map(Number))).toEqual(chart.labels.map((_, i) => chart.datasets.map((d) => d.data[i])));
    // The table toggle shows the same rows.
    await page.getByTestId('toggle-by-category').click();
    expect(await page.locator('[data-testid="table-by-category"] tbody tr').count()).toBe(chart.labels.length);
    // Phone width: the page still fits and works.
    await page.setViewportSize({ width: 390, height: 844 });
    // Charts resize on the next frames (ResizeObserver); then nothing sticks out sideways.
    const overflowing = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-box, section.panel table'))
          .slice(0, 5)
          .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${Math.round(e.getBoundingClientRect().right)}`)
      );
    await expect.poll(overflowing, { timeout: 5_000 }).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await page.screenshot({ path: path.join(artifactsDir, 'dashboards-phone.png'), fullPage: true });
  }, 60_000);

  it('kiosk mode: no chrome, dark, and after a server restart it reconnects and shows a change made after the restart', async () => {
    const page = await directorPage();
    await page.goto(`${server.url}/dashboard?kiosk=1`);
    await live(page);
    expect(await page.locator('header.top').count()).toBe(0);
    expect(await page.locator('.dash.kiosk').count()).toBe(1);
    await page.screenshot({ path: path.join(artifactsDir, 'dashboards-kiosk.png'), fullPage: true });
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    const people = await page.getByTestId('kpi-people-reached').textContent();

    const port = Number(new URL(server.url).port);
    await server.stop();
    await expect.poll(() => page.getByTestId('live-state').textContent(), { timeout: 15_000 }).toMatch(/^(Reconnecting|Offline)/);
    server = await startLiveServer({ dataDir: server.dataDir, port });
    await live(page);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()); // the organisation's day (BEACON_TIME_ZONE's default), not UTC's
    await server.exec([
      { sql: `insert into outreach_event (occurred_on, state, format, audience, attendees) values ($1, 'CO', 'school_assembly', 'students', 4321)`, params: [today] }
    ]);
    await expect.poll(() => page.getByTestId('kpi-people-reached').textContent(), { timeout: 15_000 })
      .toBe((Number((people ?? '').replace(/\D/g, '')) + 4321).toLocaleString('en-US'));
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await page.screenshot({ path: path.join(artifactsDir, 'dashboards-kiosk-after-restart.png'), fullPage: true });
  }, 180_000);

  it('kiosk rotation moves on to the next dashboard by itself, keeping the filters', async () => {
    const page = await directorPage();
    await page.goto(`${server.url}/dashboard?kiosk=1&rotate=10&division=mountain`);
    await live(page);
    await page.waitForURL((url) => url.pathname === '/dashboard/funding' && url.search === '?division=mountain&kiosk=1&rotate=10', { timeout: 30_000 });
    expect(await page.locator('h1').textContent()).toMatch(/^Funding\s·\sFY\d{4}$/);
    expect(await page.locator('header.top').count()).toBe(0);
    await live(page);
  }, 60_000);
});
