// /needs as a coordinator's workspace, in Chromium at 1920×1080, 1440×900 and 390×844: read mode
// (text, not inputs), no sideways page scroll, the detail drawer inside the viewport, cards that stack
// at phone width; the conflict dialog walked through by keyboard; every refusal the page can give, in
// plain words beside its field with what was typed kept; "All divisions" for leadership; no empty
// "here now" and no sign-in offered as something to undo. Screenshots go to test-results/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, hasBrowser, hydrated, launchBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 1440, height: 900 },
  { width: 390, height: 844 }
];

// What a person must never read: field keys, amounts in cents, a validator's own wording.
const FIELD_KEY = /\b(estimatedCostCents|amountCents|pledgedCents|centerId|neededBy|basicNeedType|pledgedBy|expectedOn|fulfilledQuantity|changes(?=:)|estimated_cost_cents|[a-z]+_[a-z_]+)\b/;
const CENTS = /\bcents?\b|\d{5,}(?![\d,.])/i;
const VALIDATOR = /Expected \w+, received|Invalid (input|enum|type|date)|\bRequired\b|Number must be|String must contain|must contain at least|received null|NaN|undefined/;

function expectPlain(text: string, where: string) {
  expect(text, `${where}: ${text}`).not.toMatch(FIELD_KEY);
  expect(text, `${where}: ${text}`).not.toMatch(CENTS);
  expect(text, `${where}: ${text}`).not.toMatch(VALIDATOR);
}

describe.skipIf(!hasBrowser)('the needs workspace', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(email: string, viewport = VIEWPORTS[1], url = '/needs') {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await signIn(page, server.url, email);
    await page.goto(`${server.url}${url}`);
    await hydrated(page);
    return { context, page };
  }

  /** Form fields a person can see on the page (anywhere on it, not only in the viewport). */
  const visibleFields = (page: Page) =>
    page.evaluate(() => [...document.querySelectorAll('input, select, textarea')].filter((el) => {
      const box = el.getBoundingClientRect();
      return (el as HTMLInputElement).type !== 'hidden' && box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    }).length);

  const sidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  const focusInside = (page: Page, selector: string) => page.evaluate((sel) => !!document.activeElement?.closest(sel), selector);

  for (const viewport of VIEWPORTS) {
    it(`reads as a table of text at ${viewport.width}×${viewport.height}: no sideways scroll, few fields, the drawer inside the viewport`, async () => {
      const { context, page } = await open(demoUsers.coordinatorMountain, viewport, '/needs?division=mountain');
      await page.locator('tr[data-need]').first().waitFor();
      expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
      expect(await visibleFields(page)).toBeLessThanOrEqual(12);
      // Read mode: no input or select in any row until a cell is clicked.
      expect(await page.locator('tr[data-need] input, tr[data-need] select').count()).toBe(0);
      // Open needs first: the first row's status is open, in progress or pledged.
      expect(['Open', 'In progress', 'Pledged']).toContain((await page.locator('tr[data-need] [data-testid="status"]').first().textContent())?.trim());
      await page.screenshot({ path: path.join(artifactsDir, `needs-${viewport.width}.png`), fullPage: true });

      if (viewport.width < 700) {
        // Cards that stack: a row's cells lie one under another, each as wide as the card allows.
        const cells = page.locator('tr[data-need]').first().locator('td');
        const first = (await cells.nth(1).boundingBox())!;
        const second = (await cells.nth(2).boundingBox())!;
        expect(second.y).toBeGreaterThanOrEqual(first.y + first.height - 1);
        const row = (await page.locator('tr[data-need]').first().boundingBox())!;
        expect(row.x).toBeGreaterThanOrEqual(0);
        expect(row.x + row.width).toBeLessThanOrEqual(viewport.width);
      }

      const openButton = page.locator('tr[data-need] .open-btn').first();
      await openButton.focus();
      await page.keyboard.press('Enter');
      const drawer = page.getByTestId('need-drawer');
      await drawer.waitFor();
      const box = (await drawer.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      for (const heading of ['Details', 'Pledge', 'Fulfilment', 'Comments', 'History']) {
        await drawer.getByRole('heading', { name: heading, exact: true }).waitFor();
      }
      expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(artifactsDir, `needs-drawer-${viewport.width}.png`) });
      // Escape closes it and gives focus back to the row's Open button.
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });
      expect(await openButton.evaluate((el) => el === document.activeElement)).toBe(true);
      // The board by status is still there, and fits too.
      await page.getByRole('tab', { name: 'Board' }).click();
      await page.getByTestId('needs-board').waitFor();
      expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(artifactsDir, `needs-board-view-${viewport.width}.png`) });
      await context.close();
    });
  }

  it('edits a cell with click or Enter, and a refused edit keeps what was typed beside the reason', async () => {
    const { context, page } = await open(demoUsers.coordinatorMountain, VIEWPORTS[1], '/needs?division=mountain');
    const row = page.locator('tr[data-need]').first();
    const quantity = row.locator('[data-cell="quantity"]');
    await quantity.locator('button').focus();
    await page.keyboard.press('Enter');
    const box = quantity.getByLabel('Quantity');
    await box.fill('0');
    await box.press('Enter');
    const error = quantity.getByTestId('cell-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('Quantity must be at least 1.');
    expect(await box.inputValue()).toBe('0');
    await page.screenshot({ path: path.join(artifactsDir, 'needs-cell-refused.png') });
    // A good value saves and the cell reads as text again.
    await box.fill('7');
    await box.press('Enter');
    await quantity.locator('button').filter({ hasText: /^7$/ }).waitFor();
    await context.close();
  });

  it('the conflict dialog shows labels and dollars, keeps focus inside, closes on Escape and gives focus back', async () => {
    const { context, page } = await open(demoUsers.coordinatorMountain, VIEWPORTS[1], '/needs?division=mountain');
    const row = page.locator('tr[data-need]').first();
    const id = Number(await row.getAttribute('data-need'));
    const cost = row.locator('[data-cell="estimatedCostCents"]');
    await cost.locator('button').click();
    const box = cost.getByLabel('Estimated cost');
    await box.fill('1250.50');
    // Meanwhile someone else saves another cost (through the same procedure the page uses).
    const feedTop = await page.locator('[data-testid="activity"] li').first().textContent();
    const status = await page.evaluate(async (needId) => {
      const got = await (await fetch(`/trpc/needs.get?input=${encodeURIComponent(JSON.stringify({ id: needId }))}`)).json();
      const res = await fetch('/trpc/needs.update', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: needId, version: got.result.data.version, changes: { estimatedCostCents: 99_900 } })
      });
      return res.status;
    }, id);
    expect(status).toBe(200);
    await page.waitForFunction((top) => document.querySelector('[data-testid="activity"] li')?.textContent !== top, feedTop);
    expect(await box.inputValue()).toBe('1250.50'); // the live update did not wipe the editor
    await box.press('Enter');
    const dialog = page.getByTestId('conflict-dialog');
    await dialog.waitFor();
    const text = (await dialog.textContent())!;
    expect(text).toContain('Estimated cost');
    expect(text).toContain('$1,250.50');
    expect(text).toContain('$999');
    expect(text).not.toMatch(/estimatedCostCents|99900|125050/);
    await page.screenshot({ path: path.join(artifactsDir, 'needs-conflict-dialog.png') });
    // Keyboard only: focus is inside, Tab and Shift+Tab never leave it.
    expect(await focusInside(page, '[data-testid="conflict-dialog"]')).toBe(true);
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInside(page, '[data-testid="conflict-dialog"]')).toBe(true);
    }
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await focusInside(page, '[data-testid="conflict-dialog"]')).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.waitForFunction((needId) => document.activeElement?.closest(`[data-need="${needId}"] [data-cell="estimatedCostCents"]`) !== null, id);
    // Nothing lost silently: the page says the change was not saved, and theirs is shown.
    expect(await page.getByTestId('needs-message').textContent()).toMatch(/was not saved/);
    await cost.locator('button').filter({ hasText: '$999' }).waitFor();
    // Again, and this time keep mine with the keyboard.
    await cost.locator('button').click();
    await box.fill('1250.50');
    await page.evaluate(async (needId) => {
      const got = await (await fetch(`/trpc/needs.get?input=${encodeURIComponent(JSON.stringify({ id: needId }))}`)).json();
      await fetch('/trpc/needs.update', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: needId, version: got.result.data.version, changes: { estimatedCostCents: 88_800 } })
      });
    }, id);
    await box.press('Enter');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep mine' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await cost.locator('button').filter({ hasText: '$1,250.50' }).waitFor();
    await context.close();
  });

  it('every refusal on the page is in plain words beside its field, and what was typed stays', async () => {
    const { context, page } = await open(demoUsers.coordinatorMountain, VIEWPORTS[1], '/needs?division=mountain');
    const seen: string[] = [];
    const row = page.locator('tr[data-need]').first();

    /** Edits one cell, expects a refusal beside it, and checks the typed value stayed. */
    async function refuseCell(field: string, label: string, typed: string, expected: RegExp) {
      const cell = row.locator(`[data-cell="${field}"]`);
      if (await cell.locator('button').count()) await cell.locator('button').click();
      const box = cell.getByLabel(label);
      await box.fill(typed);
      await box.press('Enter');
      const error = cell.getByTestId('cell-error');
      await error.filter({ hasText: expected }).waitFor();
      seen.push(`${label} "${typed}": ${await error.textContent()}`);
      expectPlain((await error.textContent())!, `${label} "${typed}"`);
      expect(await box.inputValue()).toBe(typed);
      expect(await box.getAttribute('aria-describedby')).toBe(await error.getAttribute('id'));
    }
    await refuseCell('title', 'Title', 'ab', /at least 3 characters/);
    await refuseCell('title', 'Title', 'x'.repeat(201), /under 200 characters/);
    await row.locator('[data-cell="title"]').getByLabel('Title').press('Escape');
    await refuseCell('quantity', 'Quantity', '0', /at least 1/);
    await refuseCell('quantity', 'Quantity', 'abc', /whole number/);
    await refuseCell('quantity', 'Quantity', '', /whole number/);
    await refuseCell('quantity', 'Quantity', '2.5', /whole number/);
    await row.locator('[data-cell="quantity"]').getByLabel('Quantity').press('Escape');
    await refuseCell('neededBy', 'Needed by', '12/31/2026', /Use a date like 2026-12-31/);
    await refuseCell('neededBy', 'Needed by', '2026-02-30', /does not exist/);
    await refuseCell('neededBy', 'Needed by', '1999-01-01', /years 2000 to 2100/);
    await row.locator('[data-cell="neededBy"]').getByLabel('Needed by').press('Escape');
    await refuseCell('estimatedCostCents', 'Estimated cost', 'lots', /amount in dollars/);
    await refuseCell('estimatedCostCents', 'Estimated cost', '-5', /cannot be negative/);
    await refuseCell('estimatedCostCents', 'Estimated cost', '99999999999', /at most \$10,000,000,000/);
    await row.locator('[data-cell="estimatedCostCents"]').getByLabel('Estimated cost').press('Escape');

    // The new-need form: each message beside its field, the typed values kept.
    await page.getByRole('button', { name: '+ New need' }).click();
    const form = page.getByTestId('new-need');
    const submit = () => form.getByRole('button', { name: 'Add need' }).click();
    /** The message sits in the field's own label, next to the control it is about. */
    const besideField = async (key: string, expected: RegExp) => {
      const message = form.locator(`#nn-${key}-err`);
      await message.filter({ hasText: expected }).waitFor();
      expect(await form.locator(`label:has(#nn-${key}-err)`).locator('input, select').count()).toBe(1);
      seen.push(`new need ${key}: ${await message.textContent()}`);
      expectPlain((await message.textContent())!, `new need ${key}`);
    };
    await form.getByLabel('Est. cost ($)').fill('twelve');
    await submit();
    await besideField('centerId', /Choose a center/);
    await besideField('dollars', /amount in dollars/);
    expect(await form.getByLabel('Est. cost ($)').inputValue()).toBe('twelve');
    await form.getByLabel('Center').selectOption({ index: 1 });
    await form.getByLabel('Est. cost ($)').fill('99999999999');
    await submit();
    await besideField('dollars', /at most \$10,000,000,000/);
    await form.getByLabel('Est. cost ($)').fill('1,250');
    await form.getByLabel('Title').fill('a');
    await form.getByLabel('Quantity').fill('none');
    await form.getByLabel('Needed by (YYYY-MM-DD)').fill('2026-13-01');
    await submit();
    await besideField('title', /at least 3 characters/);
    await besideField('quantity', /whole number/);
    await besideField('neededBy', /Use a date like|does not exist/);
    expect(await form.getByLabel('Quantity').inputValue()).toBe('none');
    expect(await form.getByLabel('Title').inputValue()).toBe('a');
    await form.getByLabel('Title').fill('Synthetic bus passes');
    await form.getByLabel('Quantity').fill('2');
    await form.getByLabel('Needed by (YYYY-MM-DD)').fill('');
    await form.getByLabel('Kind').selectOption('basic_needs');
    await submit();
    await besideField('basicNeedType', /Say which basic need/);
    await page.screenshot({ path: path.join(artifactsDir, 'needs-new-refused.png') });
    await page.getByRole('button', { name: 'Close form' }).click();

    // The drawer's pledge and fulfilment forms.
    await row.locator('.open-btn').click();
    const drawer = page.getByTestId('need-drawer');
    const pledge = drawer.getByRole('form', { name: 'Record a pledge' });
    const pledgeField = async (id: string, expected: RegExp) => {
      const message = pledge.locator(`#${id}`);
      await message.filter({ hasText: expected }).waitFor();
      expect(await pledge.locator(`label:has(#${id}) input`).count()).toBe(1);
      seen.push(`pledge ${id}: ${await message.textContent()}`);
      expectPlain((await message.textContent())!, `pledge ${id}`);
    };
    await pledge.getByLabel('Amount ($)').fill('a lot');
    await pledge.getByRole('button', { name: 'Record pledge' }).click();
    await pledgeField('pl-amount-err', /amount in dollars/);
    await pledge.getByLabel('Amount ($)').fill('500');
    await pledge.getByLabel('Expected on').fill('next week');
    await pledge.getByRole('button', { name: 'Record pledge' }).click();
    await pledgeField('pl-by-err', /Name who pledged/);
    await pledgeField('pl-exp-err', /Use a date like/);
    expect(await pledge.getByLabel('Expected on').inputValue()).toBe('next week');
    expect(await pledge.getByLabel('Amount ($)').inputValue()).toBe('500');
    const fulfil = drawer.getByRole('form', { name: 'Record fulfilment' });
    for (const [typed, expected] of [['0', /at least 1/], ['', /whole number/], ['lots', /whole number/]] as const) {
      await fulfil.getByLabel('Quantity received').fill(typed);
      await fulfil.getByRole('button', { name: 'Record fulfilment' }).click();
      const message = fulfil.locator('.field-error');
      await message.filter({ hasText: expected }).waitFor();
      seen.push(`fulfil "${typed}": ${await message.textContent()}`);
      expectPlain((await message.textContent())!, `fulfil "${typed}"`);
      expect(await fulfil.getByLabel('Quantity received').inputValue()).toBe(typed);
    }
    // A comment with nothing in it.
    const comments = drawer.getByTestId('comments');
    await comments.getByRole('textbox', { name: /^Comment/ }).fill('   ');
    await comments.getByRole('button', { name: 'Comment' }).click();
    const commentError = comments.locator('.field-error');
    await commentError.filter({ hasText: 'Write something first.' }).waitFor();
    seen.push(`comment: ${await commentError.textContent()}`);
    expectPlain((await commentError.textContent())!, 'comment');
    expect(await comments.getByRole('textbox', { name: /^Comment/ }).inputValue()).toBe('   ');
    await page.screenshot({ path: path.join(artifactsDir, 'needs-drawer-refused.png') });
    // And the whole page, wherever a message landed.
    expectPlain((await page.locator('main').innerText()).replace(/\$[\d,.]+/g, ''), 'the page');
    console.info(`[needs-workspace] ${seen.length} refusals, all in plain words:\n  ${seen.join('\n  ')}`);
    await context.close();
  });

  it('leadership sees all divisions; a read-only viewer sees no empty "here now"; undo never offers a sign-in', async () => {
    const lead = await open(demoUsers.leadership);
    expect(await lead.page.getByLabel('Division').inputValue()).toBe('all');
    expect(await lead.page.locator('h1').textContent()).toContain('All divisions');
    const states = new Set(await lead.page.locator('tr[data-need] td.center .muted').allTextContents());
    expect(states.size).toBeGreaterThan(1);
    expect(await lead.page.locator('main').innerText()).not.toMatch(/your regions: New England/);
    // Nothing changed yet since signing in: undo says so, in words, and names no sign-in.
    await lead.page.getByRole('button', { name: 'Undo my last change' }).click();
    const note = lead.page.getByTestId('undo-note');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/^Nothing to undo/);
    expect(await note.textContent()).not.toMatch(/auth|sign/i);
    await lead.page.screenshot({ path: path.join(artifactsDir, 'needs-leadership-all.png') });
    await lead.context.close();

    const viewer = await open(demoUsers.coordinatorPacific, VIEWPORTS[1], '/needs?division=mountain');
    await viewer.page.locator('[data-testid="presence"][data-live="live"]').waitFor();
    expect(await viewer.page.getByTestId('presence').innerText()).not.toMatch(/here now/i);
    expect(await viewer.page.locator('.titles p').textContent()).toMatch(/^Read only: Mountain is outside your regions \(Pacific\)/);
    await viewer.context.close();
  });
});
