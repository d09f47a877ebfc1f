// The data-entry pages in Chromium (issue 16, items 4–6): a Mountain coordinator adds a partner
// (a street address for an aftercare center is refused beside the field, the typed text kept) and
// vets it; a director sets a program area's budget on /budgets while /dashboard is open, and the
// overview's budget figure changes live to the sum of what was entered; the coordinator enters a
// month of survivor counts (a negative count refused beside its field; a value far above the
// center's usual month saved only once confirmed). Each page is photographed at 1920, 1440 and 390 px.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { artifactsDir, hasBrowser, hydrated, launchBrowser, photograph } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

const dollars = (s: string) => Number(s.replace(/[$,]/g, ''));
const usd = (n: number) => `$${n.toLocaleString('en-US')}`;

/** Each page at 1920, 1440 and 390 px (test-results/data-entry-{name}-{width}.png), never wider than the screen. */
async function snap(page: Page, name: string) {
  for (const { width, overflow } of await photograph(page, `data-entry-${name}`)) expect(overflow, `${name} at ${width}px`).toBeLessThanOrEqual(1);
}

describe.skipIf(!hasBrowser)('data entry: partners, budgets, survivor counts', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let coordinator: Page;
  let director: Page;
  let dashboard: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const open = async () => {
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      contexts.push(ctx);
      return ctx.newPage();
    };
    coordinator = await open();
    await signIn(coordinator, server.url, demoUsers.coordinatorMountain);
    director = await open();
    await signIn(director, server.url, demoUsers.leadership);
    dashboard = await director.context().newPage();
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('a coordinator adds a partner and vets it', async () => {
    const p = coordinator;
    await p.goto(`${server.url}/partners?division=mountain`);
    await hydrated(p);
    const form = p.getByRole('form', { name: 'Add a partner' });
    await form.getByLabel('Name').fill('Synthetic Larimer Safe House');
    await form.getByLabel('Kind').selectOption('aftercare_center');
    await form.getByLabel('State or province').selectOption('CO');
    await form.getByLabel('City').fill('1420 Larimer St');
    await form.getByRole('button', { name: 'Add partner' }).click();
    await expect.poll(() => form.locator('[data-field-error="city"]').textContent()).toMatch(/city only, never a street address/);
    expect(await form.getByLabel('Name').inputValue()).toBe('Synthetic Larimer Safe House');
    expect(await form.getByLabel('City').inputValue()).toBe('1420 Larimer St');

    await form.getByLabel('City').fill('Fort Collins');
    await form.getByRole('button', { name: 'Add partner' }).click();
    const row = p.locator('tr[data-partner]').filter({ hasText: 'Synthetic Larimer Safe House' });
    await row.waitFor();
    expect(await row.getByTestId('vetting-badge').textContent()).toBe('Pending vetting');
    expect(await row.textContent()).toContain('Fort Collins, CO');

    await row.getByRole('button', { name: 'Vet' }).click();
    const vet = p.getByRole('form', { name: 'Vetting of Synthetic Larimer Safe House' });
    await vet.getByRole('button', { name: 'Mark vetted' }).click();
    await expect.poll(() => vet.locator('[data-field-error="note"]').textContent()).toMatch(/what the vetting rests on/);
    await vet.getByLabel('Evidence').fill('State licence checked; site visit 2026-11-20; two references');
    const until = await vet.getByLabel('Vetted until').inputValue();
    await vet.getByRole('button', { name: 'Mark vetted' }).click();
    await expect.poll(() => row.getByTestId('vetting-badge').textContent()).toBe(`Vetted until ${until}`);
    await snap(p, 'partners');
  });

  it('a director sets a budget and the open dashboard shows the new budget figure', async () => {
    await dashboard.goto(`${server.url}/dashboard`);
    await hydrated(dashboard);
    const sub = dashboard.locator('[data-kpi="approved"] .sub');
    const before = (await sub.textContent())!;
    const budgetBefore = dollars(/of (\$[\d,]+) budget/.exec(before)![1]);

    const p = director;
    await p.goto(`${server.url}/budgets`);
    await hydrated(p);
    const area = p.locator('section[data-area="law_enforcement"]');
    const areaBefore = dollars(/budget (\$[\d,]+)/.exec((await area.locator('.area-head').textContent())!)![1]);
    const form = area.getByRole('form', { name: 'Law enforcement budget' });
    // Replace the area's lines: $1,234,000 unrestricted and one donor restriction of $66,000.
    while (await form.getByRole('button', { name: /^Remove restriction/ }).count()) await form.getByRole('button', { name: /^Remove restriction/ }).first().click();
    await form.getByLabel('Unrestricted ($)').fill('-5');
    await form.getByRole('button', { name: 'Save budget' }).click();
    await expect.poll(() => form.locator('[data-field-error="amountCents"]').textContent()).toBe('A budget cannot be negative.');
    expect(await form.getByLabel('Unrestricted ($)').inputValue()).toBe('-5');
    await form.getByLabel('Unrestricted ($)').fill('$1,234,000');
    await form.getByRole('button', { name: 'Add donor restriction' }).click();
    await form.getByLabel('Donor restriction').fill('Synthetic Hart Foundation — K9 program only');
    await form.getByLabel('Amount ($)').fill('66,000');
    await form.getByRole('button', { name: 'Save budget' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toMatch(/budget is \$1,300,000/);

    const expected = budgetBefore - areaBefore + 1_300_000;
    await expect.poll(() => sub.textContent(), { timeout: 10_000 }).toContain(`of ${usd(expected)} budget`);
    await snap(p, 'budgets');
  });

  it('a coordinator enters a month of survivor counts', async () => {
    const p = coordinator;
    await p.goto(`${server.url}/survivor-counts?division=mountain`);
    await hydrated(p);
    expect(await p.getByTestId('privacy-rule').textContent()).toContain('Counts only, never a person.');
    // The current month: no center has reported it yet.
    const current = await p.locator('input[name="month"]').getAttribute('max');
    await p.goto(`${server.url}/survivor-counts?division=mountain&month=${current}`);
    await hydrated(p);
    const rows = p.locator('[data-testid="survivor-counts"] tr[data-center]');
    const total = await rows.count();
    expect(total).toBeGreaterThan(0);
    expect(await p.locator('[data-testid="survivor-counts"] .badge', { hasText: 'Not yet reported' }).count()).toBe(total);

    const row = rows.first();
    const center = (await row.locator('td').first().textContent())!;
    await row.getByRole('button', { name: 'Enter counts' }).click();
    const form = p.getByRole('form', { name: `Counts of ${center} for ${current}` });
    await form.getByLabel('Survivors served').fill('-3');
    await form.getByLabel('New intakes').fill('2');
    await form.getByLabel('Bed nights').fill('40');
    await form.getByLabel('Exits to safe housing').fill('1');
    await form.getByRole('button', { name: 'Save counts' }).click();
    await expect.poll(() => form.locator('[data-field-error="served"]').textContent()).toBe('Survivors served cannot be negative.');
    expect(await form.getByLabel('Survivors served').inputValue()).toBe('-3');

    // Far above any center's usual month: the server asks for a confirmation first.
    await form.getByLabel('Survivors served').fill('900');
    await form.getByRole('button', { name: 'Save counts' }).click();
    await expect.poll(() => form.locator('[data-field-error="served"]').textContent()).toMatch(/^900 is more than 3× this center's usual month/);
    await p.screenshot({ path: path.join(artifactsDir, 'data-entry-survivor-counts-confirm-1440.png'), fullPage: true });
    await p.getByLabel(/I checked these numbers/).check();
    await form.getByRole('button', { name: 'Save anyway' }).click();
    const saved = p.locator(`tr[data-center]`).filter({ hasText: center });
    await expect.poll(() => saved.locator('.badge').textContent()).toBe('Reported');
    expect((await saved.locator('td.num').allTextContents()).slice(0, 4)).toEqual(['900', '2', '40', '1']);
    await expect.poll(() => p.locator(`[data-testid="completeness"] a[aria-current="true"] .n`).textContent()).toMatch(/^1\//);
    await snap(p, 'survivor-counts');
  });
});
