// Monthly sign-off in Chromium (issue 21, item 4's acceptance): the outreach dashboard for last month
// in the Mountain division shows "Provisional"; the director signs the month off on /sign-off (the
// confirmation says in words what will happen) and the chip disappears from the open dashboard
// without a reload; a write dated in that month is refused with the plain sentence beside the field;
// an admin reopens the month (a reason is required) and the chip comes back, live. /sign-off and the
// dashboard are photographed at 1920, 1440 and 390 px.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasBrowser, hydrated, launchBrowser, photograph } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

/** Today's month in the organisation's zone (America/New_York), never the UTC date. */
const orgMonth = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}
const lastDay = (month: string) => new Date(Date.parse(`${addMonths(month, 1)}-01T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const monthName = (month: string) => `${new Date(`${month}-01T12:00:00Z`).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })} ${month.slice(0, 4)}`;

async function snap(page: Page, name: string) {
  for (const { width, overflow } of await photograph(page, `sign-off-${name}`)) expect(overflow, `${name} at ${width}px`).toBeLessThanOrEqual(1);
}

describe.skipIf(!hasBrowser)('monthly sign-off', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let director: Page;
  let dashboard: Page;
  let admin: Page;
  let coordinator: Page;
  const month = addMonths(orgMonth(), -1);
  const dashboardUrl = () => `${server.url}/dashboard/outreach?division=mountain&from=${month}-01&to=${lastDay(month)}`;
  const chips = () => dashboard.getByTestId('provisional').count();

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
    admin = await open(demoUsers.admin);
    coordinator = await open(demoUsers.coordinatorMountain);
    dashboard = await director.context().newPage();
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('the dashboard marks last month provisional until the director signs it off; the chip goes without a reload', async () => {
    await dashboard.goto(dashboardUrl());
    await hydrated(dashboard);
    expect(await chips()).toBe(1);
    expect(await dashboard.getByTestId('provisional-note').textContent()).toContain(monthName(month));

    await director.goto(`${server.url}/sign-off`);
    await hydrated(director);
    const cell = director.locator(`[data-period="mountain ${month}"]`);
    expect(await cell.getAttribute('data-status')).toBe('open');
    expect(await cell.textContent()).toMatch(/centers reported|No centers due to report/);
    await snap(director, 'grid');
    await cell.getByRole('button', { name: `Sign off ${monthName(month)} for Mountain` }).click();
    const dialog = director.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain(`nothing dated in ${monthName(month)} in Mountain can be added, changed or removed`);
    await dialog.getByRole('button', { name: 'Sign off and lock' }).click();
    await expect.poll(() => cell.getAttribute('data-status'), { timeout: 15_000 }).toBe('signed_off');
    expect(await cell.textContent()).toContain('Signed off by');

    // Live: the open dashboard drops its chip (no reload).
    await expect.poll(chips, { timeout: 15_000 }).toBe(0);
    await snap(dashboard, 'dashboard-final');
  });

  it('a write dated in the signed-off month is refused beside its field, in plain words', async () => {
    await coordinator.goto(`${server.url}/outreach`);
    await hydrated(coordinator);
    await coordinator.getByRole('button', { name: '+ Log an event' }).click();
    const form = coordinator.getByRole('form', { name: 'Log outreach event' });
    await form.getByLabel('Date (YYYY-MM-DD)').fill(`${month}-10`);
    await form.locator('select').first().selectOption('CO');
    await form.getByLabel('Attendees').fill('15');
    await form.getByRole('button', { name: 'Log event' }).click();
    // Beside the date field (the form shows each field's message inside its label).
    await expect.poll(() => form.locator('label', { hasText: 'Date (YYYY-MM-DD)' }).locator('.err').textContent(), { timeout: 15_000 })
      .toBe(`${monthName(month)} is signed off and locked for the Mountain division; an admin must reopen it before anything dated in it changes.`);
    expect(await form.getByLabel('Attendees').inputValue()).toBe('15');
  });

  it('an admin reopens the month with a reason; the chip comes back live', async () => {
    await admin.goto(`${server.url}/sign-off`);
    await hydrated(admin);
    const cell = admin.locator(`[data-period="mountain ${month}"]`);
    await cell.getByRole('button', { name: `Reopen ${monthName(month)} for Mountain` }).click();
    const form = cell.getByRole('form', { name: `Reopen ${monthName(month)} for Mountain` });
    await form.getByRole('button', { name: 'Reopen month' }).click();
    await expect.poll(() => form.locator('[data-field-error="reason"]').textContent(), { timeout: 15_000 }).toBe('Write why the month is reopened (at least 3 characters).');
    await form.getByLabel('Why reopen?').fill('A center sent corrected counts');
    await form.getByRole('button', { name: 'Reopen month' }).click();
    await expect.poll(() => cell.getAttribute('data-status'), { timeout: 15_000 }).toBe('reopened');
    expect(await cell.textContent()).toContain('A center sent corrected counts');
    await expect.poll(chips, { timeout: 15_000 }).toBe(1);
    await snap(admin, 'grid-reopened');
    await snap(dashboard, 'dashboard-provisional');
  });
});
