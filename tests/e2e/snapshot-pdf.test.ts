// The board report as a PDF made by the server: a fiscal-year snapshot prints in at most 12 pages,
// page one is the executive summary (read with pdftotext), the same file comes from the cache the
// second time, the board may fetch it and an anonymous visitor may not; in print emulation no chart
// crosses the page edge (Letter and A4); without Chromium the server answers 503 in words. Rendered
// pages (pdftoppm) are kept in test-results/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { addCookieHeader, artifactsDir, hasBrowser, hydrated, launchBrowser } from '../helpers/browser.js';
import os from 'node:os';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createDb } from '../../src/lib/server/db/index.js';
import { migrateToLatest } from '../../src/lib/server/db/migrate.js';
import { seedDatabase } from '../../src/lib/server/seed/seed.service.js';
import { demoUsers, signInCookie } from '../helpers/auth.js';
import { pdfPageCount } from '../helpers/pdf.js';

const FY = new Date().getUTCFullYear() - 1;

/** A demo-seeded data directory, seeded here (no start-up time limit on a loaded machine); the server only adds the demo users. */
async function seededDir(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-report-'));
  const handle = await createDb({ dataDir: dir });
  await migrateToLatest(handle.db);
  await seedDatabase(handle.db, { profile: 'demo', seed: 1 });
  await handle.close();
  return dir;
}

describe.skipIf(!hasBrowser)('snapshot PDF made by the server', () => {
  let server: RunningServer;
  let browser: Browser;
  let director = '';
  let board = '';
  let id = 0;
  let pdf: Buffer;

  async function trpc<T>(cookie: string, procedure: string, input: unknown, mutation = false): Promise<T> {
    const url = `${server.url}/trpc/${procedure}` + (mutation ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`);
    const res = await fetch(url, {
      method: mutation ? 'POST' : 'GET',
      headers: { cookie, origin: server.url, 'content-type': 'application/json' },
      body: mutation ? JSON.stringify(input) : undefined
    });
    const body = (await res.json()) as { result?: { data: T }; error?: unknown };
    if (!res.ok) throw new Error(`${procedure}: HTTP ${res.status} ${JSON.stringify(body.error)}`);
    return body.result!.data;
  }

  /** GET with one retry when a kept-alive socket was closed under the request (undici's reuse race, not the app). */
  async function get(url: string, cookie: string): Promise<Response> {
    try {
      return await fetch(url, { headers: { cookie } });
    } catch (err) {
      if (!/other side closed|fetch failed/.test(String((err as Error).cause ?? err))) throw err;
      return fetch(url, { headers: { cookie } });
    }
  }

  beforeAll(async () => {
    server = await startServer({ dataDir: await seededDir(), env: { BEACON_SNAPSHOT_SCHEDULER_INTERVAL_MS: '0' } });
    browser = await launchBrowser();
    director = await signInCookie(server.url, demoUsers.leadership);
    board = await signInCookie(server.url, demoUsers.board);
    ({ id } = await trpc<{ id: number }>(director, 'snapshots.create', {
      title: `FY${FY} annual report`, notes: 'Narrative for the board: a year of detection K9s.', period: { kind: 'fiscal_year', fiscalYear: FY }
    }, true));
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('prints a fiscal-year report in at most 12 pages, page one the executive summary', async () => {
    const res = await fetch(`${server.url}/snapshots/${id}/pdf`, { headers: { cookie: board } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-pdf-cache')).toBe('miss');
    pdf = Buffer.from(await res.arrayBuffer());
    const file = path.join(artifactsDir, 'snapshot-fy-report.pdf');
    fs.writeFileSync(file, pdf);
    const pages = pdfPageCount(pdf);
    console.info(`[snapshot-pdf] FY${FY} report: ${pages} pages, ${pdf.length} bytes`);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThanOrEqual(12);

    const text = (first: number, last = first) => execFileSync('pdftotext', ['-f', String(first), '-l', String(last), '-layout', file, '-'], { encoding: 'utf8' });
    const one = text(1);
    expect(one).toMatch(/EXECUTIVE SUMMARY/i);
    expect(one).toContain(`FY${FY} annual report`);
    expect(one).toContain('Narrative for the board');
    for (const label of ['Disbursed', 'Approved (committed)', 'Requested', 'Needs fulfilled', 'People reached', 'K9s funded', 'Officers trained']) expect(one).toContain(label);
    expect(one).toMatch(new RegExp(`(more|less|fewer) than FY${FY - 1}|the same as FY${FY - 1}`));
    // The headline figures are the overview's for that fiscal year (read now: nothing changed since).
    const live = await trpc<{ funding: { disbursedCents: number }; outreach: { peopleReached: number } }>(director, 'dashboard.overview', { fiscalYear: FY });
    expect(one).toContain(`$${(live.funding.disbursedCents / 100 / 1e6).toFixed(1)} M`);
    expect(one).toContain(live.outreach.peopleReached.toLocaleString('en-US'));
    // The areas come next, the appendix after them; neither is on page one.
    expect(one).not.toContain('Appendix: data tables');
    expect(text(2)).toMatch(new RegExp(`FY${FY} by area`));
    expect(text(2)).toMatch(new RegExp(`Disbursed \\$[0-9.]+ M in FY${FY}, `));
    expect(text(3, pages)).toContain('Appendix: data tables');

    // Rendered pages, to look at.
    execFileSync('pdftoppm', ['-png', '-r', '70', file, path.join(artifactsDir, 'snapshot-fy-report-page')]);
    expect(fs.readdirSync(artifactsDir).filter((f) => f.startsWith('snapshot-fy-report-page')).length).toBe(pages);
  }, 120_000);

  it('the second time the PDF comes from the cache, the same bytes; A4 too', async () => {
    const res = await get(`${server.url}/snapshots/${id}/pdf`, director);
    expect(res.headers.get('x-pdf-cache')).toBe('hit');
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    const a4 = await get(`${server.url}/snapshots/${id}/pdf?paper=a4`, director);
    expect(a4.status).toBe(200);
    const a4pdf = Buffer.from(await a4.arrayBuffer());
    expect(pdfPageCount(a4pdf)).toBeLessThanOrEqual(12);
    fs.writeFileSync(path.join(artifactsDir, 'snapshot-fy-report-a4.pdf'), a4pdf);
  }, 120_000);

  it('needs a sign-in like the snapshot page; the print page is not reachable from outside', async () => {
    const anonymous = await fetch(`${server.url}/snapshots/${id}/pdf`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
    expect((await fetch(`${server.url}/render/snapshots/${id}`, { headers: { cookie: director } })).status).toBe(404);
    expect((await fetch(`${server.url}/render/snapshots/${id}`, { headers: { 'x-beacon-render-key': 'a'.repeat(64) } })).status).toBe(404);
  });

  it('in print emulation no chart crosses the page edge (Letter and A4)', async () => {
    const context = await browser.newContext();
    await addCookieHeader(context, board, server.url);
    const page = await context.newPage();
    // The printable width of each paper with the report's 0.5 in margins, in CSS pixels.
    for (const [paper, width] of [['letter', (8.5 - 1) * 96], ['a4', (8.27 - 1) * 96]] as const) {
      await page.setViewportSize({ width: Math.floor(width), height: 1000 });
      await page.goto(`${server.url}/snapshots/${id}`);
      await hydrated(page);
      await page.emulateMedia({ media: 'print' });
      await page.waitForTimeout(300);
      const boxes = await page.locator('[data-report-chart], [data-report-chart] canvas').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
      expect(boxes.length).toBeGreaterThanOrEqual(6);
      for (const b of boxes) {
        expect(b.left).toBeGreaterThanOrEqual(0);
        expect(b.right).toBeLessThanOrEqual(Math.floor(width) + 0.5);
        expect(b.width).toBeGreaterThan(100);
      }
      await page.screenshot({ path: path.join(artifactsDir, `snapshot-print-${paper}.png`), fullPage: false });
    }
    await context.close();
  }, 60_000);

  it('answers 503 in words when the server has no Chromium', async () => {
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, env: { BEACON_SNAPSHOT_SCHEDULER_INTERVAL_MS: '0', BEACON_CHROMIUM: '/nonexistent/chromium' } });
    const cookie = await signInCookie(server.url, demoUsers.board);
    // A new title misses the cache, so the server would have to print.
    await trpc(await signInCookie(server.url, demoUsers.leadership), 'snapshots.updateNotes', { id, notes: 'Changed notes' }, true);
    const res = await fetch(`${server.url}/snapshots/${id}/pdf`, { headers: { cookie } });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await res.text();
    expect(body).toContain('The PDF cannot be made on this server');
    expect(body).toContain('no Chromium installed');
  }, 180_000);
});
