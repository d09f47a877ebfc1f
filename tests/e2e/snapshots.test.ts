// Board snapshots in Chromium: leadership makes two, an admin shares one, the board member opens,
// compares and prints (a PDF saved under test-results/), and an anonymous visitor sees only the
// shared snapshot, until the link is revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, hasBrowser, hydrated, launchBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';
import { pdfOutlineTitles, pdfPageCount } from '../helpers/pdf.js';

describe.skipIf(!hasBrowser)('snapshots in Chromium (fresh embedded database, demo data)', () => {
  let server: RunningServer;
  let browser: Browser;
  const ids: number[] = [];
  let shareUrl = '';

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function as(email: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, email);
    return page;
  }

  async function makeSnapshot(page: Page, title: string, quarter: string) {
    await page.goto(`${server.url}/snapshots`);
    await page.locator('form[action="?/create"] input[name="title"]').fill(title);
    await page.getByLabel('Fiscal quarter').check();
    await page.locator('select[name="quarter"]').selectOption(quarter);
    await page.locator('form[action="?/create"] textarea[name="notes"]').fill(`Narrative for ${title}: outreach grew, K9 teams deployed.`);
    await Promise.all([page.waitForURL(/\/snapshots\/\d+$/), page.getByRole('button', { name: 'Make snapshot' }).click()]);
    ids.push(Number(new URL(page.url()).pathname.split('/').pop()));
    await expect(page.getByTestId('integrity').textContent()).resolves.toMatch(/^Verified/);
  }

  it('leadership makes two snapshots from the form', async () => {
    const director = await as(demoUsers.leadership);
    await makeSnapshot(director, 'FY Q1 impact', '1');
    await makeSnapshot(director, 'FY Q2 impact', '2');
    await director.screenshot({ path: path.join(artifactsDir, 'snapshot-made.png'), fullPage: true });
    await director.context().close();
  }, 120_000);

  it('an admin makes a share link (only shown once)', async () => {
    const admin = await as(demoUsers.admin);
    await admin.goto(`${server.url}/snapshots/${ids[0]}`);
    await admin.getByRole('button', { name: 'Make a share link' }).click();
    shareUrl = await admin.getByTestId('share-url').inputValue();
    expect(shareUrl).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
    await admin.context().close();
  }, 60_000);

  it('the board member opens a snapshot, and is refused the live dashboard', async () => {
    const board = await as(demoUsers.board);
    expect(new URL(board.url()).pathname).toBe('/snapshots');
    await board.getByRole('link', { name: 'FY Q1 impact' }).click();
    await board.waitForURL(`**/snapshots/${ids[0]}`);
    await expect(board.getByTestId('as-of').isVisible()).resolves.toBe(true);
    expect(await board.getByTestId('integrity').textContent()).toMatch(/^Verified/);
    expect(await board.getByTestId('notes').textContent()).toContain('Narrative for FY Q1 impact');
    // The appendix: every dataset's tables, in the dashboards' order; page one's charts drawn from the stored data.
    expect(await board.locator('section.dataset > h3').allTextContents()).toEqual(['Overview', 'Funding', 'Aftercare', 'Outreach']);
    expect(await board.locator('[data-report-chart] canvas').count()).toBeGreaterThanOrEqual(3);
    expect(await board.getByText('Make a share link').count()).toBe(0);
    await board.screenshot({ path: path.join(artifactsDir, 'snapshot-board.png'), fullPage: true });
    await board.screenshot({ path: path.join(artifactsDir, 'snapshot-board-top.png') });
    const dashboard = await board.goto(`${server.url}/dashboard`);
    expect(dashboard?.status()).toBe(403);
    const csv = await board.request.get(`${server.url}/snapshots/${ids[0]}/csv`);
    expect(csv.status()).toBe(200);
    const body = await csv.text();
    expect(body).toContain('Snapshot,FY Q1 impact');
    expect(body).toMatch(/Integrity,verified \(SHA-256 [0-9a-f]{64}\)/);
    await board.context().close();
  }, 60_000);

  it('the board member compares the two', async () => {
    const board = await as(demoUsers.board);
    await board.goto(`${server.url}/snapshots`);
    await Promise.all([board.waitForURL(/\/snapshots\/compare\?/), board.getByRole('button', { name: 'Compare' }).click()]);
    const heads = board.getByTestId('compare-heads');
    expect(await heads.textContent()).toContain('FY Q1 impact');
    expect(await heads.textContent()).toContain('FY Q2 impact');
    expect(await board.locator('table tbody tr').count()).toBeGreaterThan(20);
    // The board reads only what the snapshots hold: no lists read from the live tables.
    expect(await board.getByTestId('between').count()).toBe(0);
    expect(await board.getByTestId('snapshot-only').textContent()).toMatch(/from the two snapshots/);
    expect(await board.getByTestId('chart-pair').count()).toBeGreaterThan(3);
    expect(await board.locator('[data-testid="chart-pair"] canvas').count()).toBe(2 * (await board.getByTestId('chart-pair').count()));
    await board.screenshot({ path: path.join(artifactsDir, 'snapshot-compare.png'), fullPage: true });
    await board.screenshot({ path: path.join(artifactsDir, 'snapshot-compare-top.png') });
    await board.context().close();
  }, 60_000);

  it('the board member prints a snapshot to PDF: the executive summary, the areas, then every section', async () => {
    const board = await as(demoUsers.board);
    await board.goto(`${server.url}/snapshots/${ids[0]}`);
    const sections = await board.locator('section.dataset > h3').allTextContents();
    await board.emulateMedia({ media: 'print' });
    expect(await board.locator('header.top').isVisible()).toBe(false);
    await board.screenshot({ path: path.join(artifactsDir, 'snapshot-print.png'), fullPage: true });
    await board.screenshot({ path: path.join(artifactsDir, 'snapshot-print-top.png') });
    const file = path.join(artifactsDir, 'snapshot.pdf');
    await board.pdf({ path: file, format: 'Letter', printBackground: true, outline: true, tagged: true });
    const pdf = fs.readFileSync(file);
    const titles = pdfOutlineTitles(pdf);
    expect(titles).toContain('FY Q1 impact');
    expect(titles).toContain('Notes');
    for (const s of sections) expect(titles).toContain(s);
    // The executive summary is a page of its own, so are the areas; the appendix follows.
    expect(titles).toContain('Appendix: data tables');
    expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(3);
    await board.context().close();
  }, 60_000);

  it('a share link opens that snapshot without signing in, bare, counting views — and nothing else', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const res = await page.goto(shareUrl);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await page.locator('h1').textContent()).toBe('FY Q1 impact');
    expect(await page.locator('header.top').count()).toBe(0);
    expect(await page.locator('a[href^="/"]').count()).toBe(0);
    await page.screenshot({ path: path.join(artifactsDir, 'snapshot-shared.png'), fullPage: true });
    // No API, no other snapshot, no page behind sign-in.
    const api = await context.request.get(`${server.url}/trpc/snapshots.list`);
    expect(api.status()).toBe(401);
    const other = await context.request.get(`${server.url}/snapshots/${ids[1]}`, { maxRedirects: 0 });
    expect(other.status()).toBe(303);
    const wrong = await context.request.get(`${server.url}/s/${'A'.repeat(43)}`);
    expect(wrong.status()).toBe(404);

    const admin = await as(demoUsers.admin);
    await admin.goto(`${server.url}/snapshots/${ids[0]}`);
    await hydrated(admin);
    expect(await admin.getByTestId('share-views').first().textContent()).toBe('1');
    await admin.getByRole('button', { name: 'Revoke' }).click();
    // Confirmed first, with what will happen in words.
    const confirm = admin.getByTestId('confirm-dialog');
    expect(await confirm.textContent()).toMatch(/can no longer open this snapshot.*viewed once/);
    await confirm.getByRole('button', { name: 'Revoke link' }).click();
    await admin.getByText('revoked').first().waitFor();
    const after = await context.request.get(shareUrl);
    expect(after.status()).toBe(404);
    await admin.context().close();
    await context.close();
  }, 60_000);
});
