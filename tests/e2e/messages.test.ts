// Every refusal of every form, read as a person reads it (issue 17, item 2's acceptance): in Chromium
// against the real server, each form of each page each role reaches — needs cells and drawer
// (pledge, fulfilment, comments), /pipeline/new, the funding decision dialog, payments, corrections
// and deliveries (the request drawer of the board view), /outreach (the log form and the event
// drawer's cells), /partners, /budgets and goals,
// /survivor-counts, /account (profile and password), /snapshots, /alerts (rules), a dashboard's note on the charts,
// /admin (invite, wall screens, user editor) — is submitted with every field empty,
// with words, with a negative number, with an amount too large and with a day that does not exist.
// Every message then shown (beside a field, in an alert, in a form's status line) must name no
// field key (camelCase or snake_case), give no amount in cents and use no validator wording. Every
// form probed must answer at least one of these with a message (a test that sees none proves nothing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { artifactsDir, hasBrowser, hydrated, launchBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

// What a person must never read.
const FIELD_KEY = /\b[a-z]+(?:[A-Z][a-z0-9]*)+\b|\b[a-z]+_[a-z_]+\b/;
const CENTS = /\bcents?\b|\d{5,}(?![\d,.])/i;
const VALIDATOR = /Expected \w+, received|Invalid (input|enum|type|date|string|literal)|^Required\.?$|\bRequired\b|Number must be|String must contain|must contain at least|received (null|undefined|nan|string|number)|\bNaN\b|\bundefined\b|\bnull\b|too_small|too_big|invalid_type/;

/** Values typed into every field of a form, one set per attempt. */
const ATTEMPTS: Array<{ name: string; value: string }> = [
  { name: 'empty', value: '' },
  { name: 'words', value: 'lots' },
  { name: 'negative', value: '-5' },
  { name: 'too large', value: '99999999999' },
  { name: 'no such day', value: '2026-02-30' }
];

const MESSAGES = '.field-error, .error, .err, [role="alert"], form [role="status"], [data-field-error], [data-testid="import-errors"] td';

interface Seen { where: string; attempt: string; message: string }

describe.skipIf(!hasBrowser && process.env.CI !== 'true').concurrent('every refusal of every form, in plain words', () => {
  let server: RunningServer;
  let browser: Browser;
  const seen: Seen[] = [];
  const silent: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    console.info(`[messages] ${seen.length} messages shown, all in plain words; forms that answered none of the attempts: ${silent.length ? silent.join('; ') : 'none'}`);
    fs.writeFileSync(path.join(artifactsDir, 'messages.txt'), seen.map((s) => `${s.where} [${s.attempt}]: ${s.message}`).join('\n') + '\n');
    await browser?.close();
    await server?.stop();
    // Checked once all three have run (they run at once).
    expect(silent, 'forms that showed no message for any bad input').toEqual([]);
  });

  async function as(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, server.url, email);
    return page;
  }

  /** Visible messages on the page now. */
  const messagesOn = (page: Page) =>
    page.$$eval(MESSAGES, (els) => els.filter((el) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0;
    }).map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()).filter(Boolean));

  /** Fills every field a person can type into with `value` (number, date and month inputs take what they take). */
  async function fillAll(form: Locator, value: string) {
    await form.evaluate((el, v) => {
      // The server's answer is what is checked: the browser's own bubbles (required, type=email)
      // would stop some attempts before they are sent.
      (el as HTMLFormElement).noValidate = true;
      for (const f of el.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>('input, textarea, select')) {
        const box = f.getBoundingClientRect();
        if (box.width === 0 || f.disabled || (f as HTMLInputElement).readOnly) continue;
        if (f instanceof HTMLSelectElement) {
          // Empty: the placeholder option where there is one; otherwise a real choice, so that the
          // typed fields are what is judged.
          if (v === '' && [...f.options].some((o) => o.value === '')) f.value = '';
          else if (v !== '' && f.value === '') f.value = [...f.options].find((o) => o.value !== '')?.value ?? '';
        } else if (['checkbox', 'radio', 'file', 'hidden', 'submit', 'button', 'search'].includes((f as HTMLInputElement).type)) {
          continue;
        } else {
          f.value = v;
        }
        f.dispatchEvent(new Event('input', { bubbles: true }));
        f.dispatchEvent(new Event('change', { bubbles: true }));
      }
    }, value);
  }

  /**
   * Submits the `index`-th form that `forms` finds with each attempt's values and checks what is shown.
   * `open` brings the page to where the form is (a fresh load per attempt: nothing left from the last).
   */
  async function probe(page: Page, where: string, open: () => Promise<void>, forms: (page: Page) => Locator) {
    await open();
    const count = await forms(page).count();
    expect(count, `${where}: forms found`).toBeGreaterThan(0);
    const probed = new Set<string>();
    for (let index = 0; index < count; index++) {
      let answered = 0;
      let name = '';
      // One of each kind of form (a row per user on /admin holds the same form each time).
      const kind = await forms(page).nth(index).evaluate((f) => f.getAttribute('aria-label') ?? f.getAttribute('action') ?? '');
      if (kind && probed.has(kind)) continue;
      probed.add(kind);
      let nothingToType = false;
      for (const attempt of ATTEMPTS) {
        await open();
        const form = forms(page).nth(index);
        name = (await form.getAttribute('aria-label')) ?? (await form.getAttribute('action')) ?? `form ${index + 1}`;
        // A form with nothing to type (a button, a choice of radios) has no bad input to refuse.
        const typed = await form.locator('input:not([type="checkbox"]):not([type="radio"]):not([type="hidden"]):not([type="file"]):not([type="search"]), textarea').count();
        if (!typed) {
          nothingToType = true;
          break;
        }
        const before = new Set(await messagesOn(page));
        await fillAll(form, attempt.value);
        const submit = form.locator('button[type="submit"], button:not([type])').first();
        // Folded away (a closed <details>): probed where it is opened, not here.
        if (!(await submit.count()) || !(await submit.isVisible()) || !(await submit.isEnabled())) {
          nothingToType = true;
          break;
        }
        await submit.click();
        // Waits for a new message, or for the question an irreversible step asks first (then says no:
        // nothing is to be done by this test). No answer within 6 s counts as no message.
        await page.waitForFunction(([sel, known]) => !!document.querySelector('[role="alertdialog"]')
          || [...document.querySelectorAll(sel)].some((el) => !(known as string[]).includes((el.textContent ?? '').replace(/\s+/g, ' ').trim()) && el.getBoundingClientRect().height > 0),
          [MESSAGES, [...before]] as const, { timeout: 6000 }).catch(() => {});
        if (await page.getByRole('alertdialog').count()) await page.keyboard.press('Escape');
        const now = (await messagesOn(page)).filter((m) => !before.has(m));
        for (const message of now) {
          seen.push({ where: `${where} · ${name}`, attempt: attempt.name, message });
          expect(message, `${where} · ${name} [${attempt.name}]`).not.toMatch(FIELD_KEY);
          expect(message, `${where} · ${name} [${attempt.name}]`).not.toMatch(CENTS);
          expect(message, `${where} · ${name} [${attempt.name}]`).not.toMatch(VALIDATOR);
        }
        answered += now.length;
      }
      if (!answered && !nothingToType) silent.push(`${where} · ${name}`);
    }
  }

  /**
   * Types each attempt into one in-place edit cell (the read-mode tables and drawers) and checks the
   * message beside it. `open` brings the page to where the cell is and returns what holds it.
   */
  async function probeCell(page: Page, where: string, field: string, label: string, open: () => Promise<Locator>) {
    let answered = 0;
    for (const attempt of ATTEMPTS) {
      const cell = (await open()).locator(`[data-cell="${field}"]`);
      await cell.locator('button').click();
      await cell.getByLabel(label).fill(attempt.value);
      await cell.getByLabel(label).press('Enter');
      const error = cell.getByTestId('cell-error');
      await error.waitFor({ timeout: 6000 }).catch(() => {});
      if (await error.count()) {
        const message = ((await error.textContent()) ?? '').replace(/\s+/g, ' ').trim();
        seen.push({ where, attempt: attempt.name, message });
        expect(message, `${where} [${attempt.name}]`).not.toMatch(FIELD_KEY);
        expect(message, `${where} [${attempt.name}]`).not.toMatch(CENTS);
        expect(message, `${where} [${attempt.name}]`).not.toMatch(VALIDATOR);
        answered++;
      }
    }
    // A title takes any words; the others must refuse at least one attempt.
    if (!answered && label !== 'Title') silent.push(where);
  }

  /** Every form of a page that changes something (not GET filters, not signing out). */
  const pageForms = (page: Page) => page.locator('main form:not([method="get"]):not([action*="logout"])');

  const visit = (page: Page, url: string) => async () => {
    await page.goto(`${server.url}${url}`);
    await hydrated(page);
  };

  // The three run at once (each its own signed-in browser context): most of each attempt is waiting
  // on a page load or for a message, so together they take about as long as the longest.
  it('a coordinator\'s forms: needs, outreach, partners, account', async () => {
    const page = await as(demoUsers.coordinatorMountain);
    // Needs: the new-need form, a cell edited in place, and the drawer's pledge, fulfilment and comment.
    await probe(page, '/needs new need', async () => {
      await visit(page, '/needs?division=mountain')();
      await page.getByRole('button', { name: '+ New need' }).click();
    }, (p) => p.getByTestId('new-need'));
    for (const [field, label] of [['title', 'Title'], ['quantity', 'Quantity'], ['neededBy', 'Needed by'], ['estimatedCostCents', 'Estimated cost']]) {
      await probeCell(page, `/needs cell ${label}`, field, label, async () => {
        await visit(page, '/needs?division=mountain')();
        return page.locator('tr[data-need]').first();
      });
    }
    await probe(page, '/needs drawer', async () => {
      await visit(page, '/needs?division=mountain')();
      await page.locator('tr[data-need] .open-btn').first().click();
      await page.getByTestId('need-drawer').waitFor();
    }, (p) => p.getByTestId('need-drawer').locator('form'));
    await probe(page, '/outreach log', async () => {
      await visit(page, '/outreach?division=mountain')();
      await page.getByRole('button', { name: '+ Log an event' }).click();
    }, (p) => p.getByRole('form', { name: 'Log outreach event' }));
    for (const [field, label] of [['occurredOn', 'Date'], ['attendees', 'Attendees'], ['partnerProfessionals', 'Partner professionals'], ['followUpRequests', 'Follow-ups']]) {
      await probeCell(page, `/outreach drawer ${label}`, field, label, async () => {
        await visit(page, '/outreach?division=mountain')();
        await page.locator('[data-testid="outreach-events"] tbody tr').first().locator('.open-btn').click();
        const drawer = page.getByTestId('outreach-drawer');
        await drawer.waitFor();
        return drawer;
      });
    }
    for (const url of ['/partners', '/account']) await probe(page, url, visit(page, url), pageForms);
    await page.context().close();
  }, 600_000);

  it('a coordinator\'s forms: pipeline and survivor counts', async () => {
    const page = await as(demoUsers.coordinatorMountain);
    await probe(page, '/pipeline/new', visit(page, '/pipeline/new?division=mountain'), pageForms);
    await probe(page, '/pipeline comments', async () => {
      await visit(page, '/pipeline?division=mountain&view=board')();
      await page.locator('[data-request] .title').first().click();
    }, (p) => p.getByTestId('request-drawer').locator('form').filter({ has: p.getByRole('textbox', { name: /comment/i }) }));
    await probe(page, '/pipeline payment', async () => {
      await visit(page, '/pipeline?division=mountain&view=board')();
      const disbursed = page.locator('[aria-label="Disbursed"] [data-request] .title');
      for (let i = 0; i < await disbursed.count(); i++) {
        await disbursed.nth(i).click();
        const pay = page.getByRole('button', { name: /^Add a payment/ });
        if (await pay.waitFor({ timeout: 1500 }).then(() => true, () => false)) return void (await pay.click());
      }
    }, (p) => p.getByRole('form', { name: 'Add a payment' }));
    /** Opens the first Mountain request with an in-kind line awaiting delivery; false when there is none. */
    const openDelivery = async () => {
      await visit(page, '/pipeline?division=mountain&view=board')();
      const withLines = page.locator('[aria-label="Disbursed"] [data-request] .title, [aria-label="Reported"] [data-request] .title');
      for (let i = 0; i < await withLines.count(); i++) {
        await withLines.nth(i).click();
        const deliver = page.getByRole('button', { name: 'Confirm delivered' }).first();
        if (await deliver.waitFor({ timeout: 1500 }).then(() => true, () => false)) {
          await deliver.click();
          return true;
        }
      }
      return false;
    };
    if (await openDelivery()) await probe(page, '/pipeline delivery', async () => void (await openDelivery()), (p) => p.getByRole('form', { name: 'Confirm delivered' }));
    else silent.push('/pipeline delivery (no in-kind line awaits delivery in the Mountain demo data)');
    await probe(page, '/survivor-counts', async () => {
      await visit(page, '/survivor-counts?division=mountain')();
      await page.getByRole('button', { name: /^(Enter counts|Correct)$/ }).first().click();
    }, (p) => p.locator('tr.editor form'));

    // Not yet here: /import's preview of a file with bad rows (the preview did not appear within 30 s
    // after setInputFiles in this test; its problems are checked by tests/e2e/import.test.ts).
    await page.context().close();
  }, 600_000);

  it('leadership\'s and an admin\'s forms', async () => {
    const page = await as(demoUsers.leadership);
    await probe(page, '/budgets', visit(page, '/budgets'), pageForms);
    await probe(page, '/budgets goals', async () => {
      await visit(page, '/budgets')();
      await page.locator('tr[data-goal]').first().getByRole('button', { name: /^(Set goal|Edit)$/ }).click();
    }, (p) => p.locator('tr[data-goal] form'));
    await probe(page, '/pipeline decision', async () => {
      await visit(page, '/pipeline?division=mountain&view=board')();
      await page.locator('[aria-label="Vetting"] [data-request]').first().getByRole('button', { name: '→ Approved' }).click();
      await page.getByTestId('decision-dialog').waitFor();
    }, (p) => p.getByTestId('decision-dialog'));
    await probe(page, '/pipeline correction', async () => {
      await visit(page, '/pipeline?division=mountain&view=board')();
      await page.locator('[aria-label="Disbursed"] [data-request] .title').first().click();
      await page.getByRole('button', { name: 'Correct' }).first().click();
    }, (p) => p.getByRole('form', { name: 'Correct an amount' }));
    await probe(page, '/snapshots (leadership)', visit(page, '/snapshots'), pageForms);
    await probe(page, '/alerts', visit(page, '/alerts'), pageForms);
    await probe(page, '/dashboard note', async () => {
      await visit(page, '/dashboard')();
      await page.getByTestId('annotate').first().click();
    }, (p) => p.getByRole('form', { name: 'Add a note to the charts' }));
    await page.context().close();
    const admin = await as(demoUsers.admin);
    for (const url of ['/admin', '/account']) await probe(admin, `${url} (admin)`, visit(admin, url), pageForms);
    await probe(admin, '/admin user editor', async () => {
      await visit(admin, '/admin')();
      await admin.locator('summary').filter({ hasText: 'coordinator.pacific@beacon.demo' }).click();
    }, (p) => p.locator('details[open] form[action="?/update"]'));
    await admin.context().close();

  }, 600_000);
});
