// Issue 16's acceptance in Chromium against the production server: a Mountain coordinator creates a
// request for a vetted partner of their region; a director approves it above the ask (refused without
// a reason — the message beside the field —, accepted with one), disburses it in two payments, corrects
// one and confirms its K9s delivered. A /dashboard open in a second browser context (never reloaded)
// shows each step as it happens, and its figures move by exactly what the test entered (the expected
// figures are the tiles' values before the first step plus the amounts typed here — never read from
// the code). The activity feed and the admin's audit log then show every step. The payment,
// correction and delivery forms and the request panel are photographed at 1920, 1440 and 390 px, with
// no sideways scroll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { hasBrowser, hydrated, launchBrowser, photograph } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

const dollars = (s: string | null) => Number((s ?? '').replace(/[^\d.-]/g, ''));
const usd = (n: number) => `$${n.toLocaleString('en-US')}`;

// What the test enters (dollars).
const ASK = 24_050;
const APPROVED = 26_000;
const FIRST_PAYMENT = 15_000;
const SECOND_PAYMENT = 11_000;
const SECOND_CORRECTED = 10_500;
const K9S = 2;

if (process.env.CI !== 'true' && !hasBrowser) console.info('[e2e] no Chromium: the funding acceptance browser test is skipped.');

describe.skipIf(!hasBrowser && process.env.CI !== 'true')('issue 16 acceptance: a request entered, decided, paid twice, corrected and delivered, live on the dashboard', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let coordinator: Page;
  let director: Page;
  let dashboard: Page;
  let admin: Page;
  const overflow: Record<string, Array<{ width: number; overflow: number }>> = {};

  const open = async (email: string) => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await signIn(page, server.url, email);
    return page;
  };
  const tile = (id: string) => dashboard.getByTestId(`kpi-${id}`);
  const sub = (id: string) => dashboard.locator(`[data-kpi="${id}"] .sub`);
  const snap = async (page: Page, name: string, focus?: Locator) => (overflow[name] = await photograph(page, `funding-acceptance-${name}`, { focus }));

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    coordinator = await open(demoUsers.coordinatorMountain);
    director = await open(demoUsers.leadership);
    dashboard = await open(demoUsers.leadership);
    admin = await open(demoUsers.admin);
  }, 240_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('each step shows live on an open dashboard, and in the activity feed and the audit log', async () => {
    await dashboard.goto(`${server.url}/dashboard`);
    await hydrated(dashboard);
    // Marks this document: if the page reloaded or navigated, the mark would be gone.
    await dashboard.evaluate(() => ((window as unknown as { acceptanceMark: string }).acceptanceMark = 'never reloaded'));
    const base = {
      requested: dollars(await tile('requested').textContent()),
      requests: dollars(await sub('requested').textContent()),
      approved: dollars(await tile('approved').textContent()),
      disbursed: dollars(await tile('disbursed').textContent()),
      k9s: dollars(await tile('k9s').textContent()),
      k9sDelivered: dollars(await sub('k9s').textContent())
    };
    const expectDashboard = async (want: Partial<typeof base>) => {
      for (const [key, value] of Object.entries(want)) {
        const read = {
          requested: () => tile('requested').textContent(), requests: () => sub('requested').textContent(), approved: () => tile('approved').textContent(),
          disbursed: () => tile('disbursed').textContent(), k9s: () => tile('k9s').textContent(), k9sDelivered: () => sub('k9s').textContent()
        }[key as keyof typeof base];
        await expect.poll(async () => dollars(await read()), { timeout: 30_000, message: `dashboard ${key}` }).toBe(value);
      }
    };

    // 1. The coordinator enters the request for a vetted partner of their region.
    const title = `Synthetic K9 pair ${Date.now()}`;
    await coordinator.goto(`${server.url}/pipeline/new?division=mountain`);
    await hydrated(coordinator);
    const partner = coordinator.getByLabel('Partner');
    await partner.selectOption((await partner.locator('option').nth(1).getAttribute('value'))!);
    await coordinator.getByLabel('Title').fill(title);
    await coordinator.getByLabel('Category').selectOption('detection_k9');
    await coordinator.getByLabel('Amount requested ($)').fill('24,050');
    await coordinator.getByLabel('Purpose').fill('Two electronic-storage detection dogs for search warrants');
    await coordinator.getByRole('button', { name: 'Add an in-kind line' }).click();
    await coordinator.getByLabel('Units').fill(String(K9S));
    await coordinator.getByLabel('Unit cost ($)').fill('12,025');
    await coordinator.getByRole('button', { name: 'Create request' }).click();
    await coordinator.waitForURL(/\/pipeline\?division=mountain&created=\d+/, { timeout: 30_000 });
    const id = Number(new URL(coordinator.url()).searchParams.get('created'));
    await coordinator.goto(`${server.url}/pipeline?division=mountain&view=board`);
    await hydrated(coordinator);
    const card = coordinator.locator(`[aria-label="Intake"] [data-request="${id}"]`);
    await expect.poll(() => card.textContent(), { timeout: 30_000 }).toMatch(/\(Vetted\) · [A-Z]{2}/);
    await expectDashboard({ requested: base.requested + ASK, requests: base.requests + 1 });
    await card.getByRole('button', { name: '→ Vetting' }).click();
    await expect.poll(() => coordinator.locator(`[aria-label="Vetting"] [data-request="${id}"]`).count(), { timeout: 30_000 }).toBe(1);

    // 2. The director approves it above the ask: refused without a reason, beside the field.
    await director.goto(`${server.url}/pipeline?division=mountain&view=board`);
    await hydrated(director);
    await director.locator(`[aria-label="Vetting"] [data-request="${id}"]`).getByRole('button', { name: '→ Approved' }).click();
    const dialog = director.getByTestId('decision-dialog');
    await expect.poll(() => dialog.getByLabel('Amount approved ($)').inputValue(), { timeout: 30_000 }).toBe('24,050');
    await dialog.getByLabel('Amount approved ($)').fill('26,000');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    const reasonError = dialog.locator('[data-field-error="reason"]');
    await expect.poll(() => reasonError.textContent(), { timeout: 30_000 }).toBe(`This is ${usd(APPROVED - ASK)} above the ask of ${usd(ASK)}. Write the reason to approve it.`);
    // Beside its field: inside the Reason field's label, right under the box.
    expect(await dialog.getByLabel('Reason').evaluate((box, err) => box.closest('label')!.contains(err), await reasonError.elementHandle())).toBe(true);
    await snap(director, 'approve-refused', dialog);
    await expectDashboard({ approved: base.approved });
    await dialog.getByLabel('Reason').fill('The board added a spare handler kit');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await dialog.getByRole('button', { name: /^Confirm/ }).click();
    await expect.poll(() => director.locator(`[aria-label="Approved"] [data-request="${id}"]`).textContent(), { timeout: 30_000 }).toContain(`${usd(APPROVED)} approved`);
    await expectDashboard({ approved: base.approved + APPROVED });

    // 3. The first payment (the move to disbursed), with the grantee report's due date.
    await director.locator(`[aria-label="Approved"] [data-request="${id}"]`).getByRole('button', { name: '→ Disbursed' }).click();
    await expect.poll(() => dialog.getByLabel('Amount paid ($)').inputValue(), { timeout: 30_000 }).toBe('26,000');
    await dialog.getByLabel('Amount paid ($)').fill('15,000');
    await dialog.getByLabel(/^Reference/).fill('WIRE-2026-0412');
    const today = await dialog.getByLabel('Day paid').inputValue();
    const due = new Date(Date.parse(`${today}T00:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10);
    await dialog.getByLabel('Grantee report due').fill(due);
    await snap(director, 'first-payment', dialog);
    await dialog.getByRole('button', { name: 'Record the payment' }).click();
    await dialog.getByRole('button', { name: /^Confirm/ }).click();
    await expect.poll(() => director.locator(`[aria-label="Disbursed"] [data-request="${id}"]`).textContent(), { timeout: 30_000 }).toContain(`${usd(FIRST_PAYMENT)} paid`);
    await expectDashboard({ disbursed: base.disbursed + FIRST_PAYMENT, k9s: base.k9s + K9S });

    // 4. The second payment from the request panel: one above what is left is refused beside the amount.
    await director.locator(`[data-request="${id}"] .title`).click();
    const money = director.getByTestId('request-money');
    await money.getByRole('button', { name: /^Add a payment/ }).click();
    const pay = director.getByRole('form', { name: 'Add a payment' });
    await pay.getByLabel('Amount paid ($)').fill('11,001');
    await pay.getByLabel('Reference (optional)').fill('WIRE-2026-0419');
    await pay.getByRole('button', { name: 'Record payment' }).click();
    await expect.poll(() => pay.locator('[data-field-error="amountCents"]').textContent(), { timeout: 30_000 })
      .toBe(`$11,001 would pay more than approved: ${usd(APPROVED - FIRST_PAYMENT)} of the ${usd(APPROVED)} approved is left to pay.`);
    expect(await pay.getByLabel('Amount paid ($)').inputValue()).toBe('11,001');
    await snap(director, 'payment-refused', money);
    await pay.getByLabel('Amount paid ($)').fill('11,000');
    await pay.getByRole('button', { name: 'Record payment' }).click();
    await expect.poll(() => money.locator('tr[data-money]').count(), { timeout: 30_000 }).toBe(3);
    await expectDashboard({ disbursed: base.disbursed + FIRST_PAYMENT + SECOND_PAYMENT, k9s: base.k9s + K9S });

    // 5. The second payment corrected: without a reason refused beside the reason; with one, recorded.
    await money.locator('tr[data-money]').filter({ hasText: '$11,000' }).getByRole('button', { name: 'Correct' }).click();
    const correct = director.getByRole('form', { name: 'Correct an amount' });
    await correct.getByLabel('Corrected amount ($)').fill('10,500');
    await correct.getByRole('button', { name: 'Record correction' }).click();
    await expect.poll(() => correct.locator('[data-field-error="reason"]').textContent(), { timeout: 30_000 }).toMatch(/^A correction needs a reason/);
    expect(await correct.getByLabel('Corrected amount ($)').inputValue()).toBe('10,500');
    await snap(director, 'correction-refused', money);
    await correct.getByLabel('Reason').fill('The bank charged a $500 wire fee to the grantee');
    await correct.getByRole('button', { name: 'Record correction' }).click();
    await expect.poll(() => money.textContent(), { timeout: 30_000 }).toContain(`${usd(SECOND_CORRECTED)} (recorded ${usd(SECOND_PAYMENT)}, corrected)`);
    await expectDashboard({ disbursed: base.disbursed + FIRST_PAYMENT + SECOND_CORRECTED });

    // 6. The K9s confirmed delivered (impact tile: delivered beneath funded).
    await money.locator('li[data-line]').getByRole('button', { name: 'Confirm delivered' }).click();
    const deliver = director.getByRole('form', { name: 'Confirm delivered' });
    await deliver.getByRole('button', { name: 'Confirm delivered' }).click();
    await expect.poll(() => deliver.locator('[data-field-error="note"]').textContent(), { timeout: 30_000 }).toMatch(/^Write what was delivered/);
    await snap(director, 'delivery-refused', money);
    await deliver.getByLabel('Note').fill('K9s deployed with the task force');
    await deliver.getByRole('button', { name: 'Confirm delivered' }).click();
    await expect.poll(() => money.locator('li[data-line] .badge').textContent(), { timeout: 30_000 }).toBe(`delivered ${today}`);
    await expectDashboard({ k9sDelivered: base.k9sDelivered + K9S });
    await money.locator('details summary').click();
    await snap(director, 'request-panel', money);

    // On a phone the board is long: a request's panel opens in view (a drawer), and a decision's
    // dialog (above the board) scrolls itself into view.
    await director.setViewportSize({ width: 390, height: 844 });
    const inView = (el: Locator) => el.evaluate((e) => {
      const r = e.getBoundingClientRect();
      return r.top >= -1 && r.top < window.innerHeight;
    });
    await expect.poll(() => inView(money), { timeout: 10_000 }).toBe(true);
    await director.keyboard.press('Escape');
    const other = director.locator('[aria-label="Approved"] [data-request]').last();
    await other.scrollIntoViewIfNeeded();
    await other.getByRole('button', { name: '→ Withdrawn' }).click();
    await expect.poll(() => inView(dialog), { timeout: 10_000 }).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await director.setViewportSize({ width: 1440, height: 1000 });

    // The dashboard showed it all without a reload, and its figures are the sums of what was entered.
    expect(await dashboard.evaluate(() => (window as unknown as { acceptanceMark?: string }).acceptanceMark)).toBe('never reloaded');
    await expectDashboard({
      requested: base.requested + ASK, requests: base.requests + 1, approved: base.approved + APPROVED,
      disbursed: base.disbursed + FIRST_PAYMENT + SECOND_CORRECTED, k9s: base.k9s + K9S, k9sDelivered: base.k9sDelivered + K9S
    });
    await snap(dashboard, 'dashboard', dashboard.getByTestId('kpis'));

    // The activity feed (the division's audit trail in sentences) tells every step.
    await director.goto(`${server.url}/needs?division=mountain`);
    await hydrated(director);
    const feed = (await director.getByTestId('activity').textContent())!;
    const quoted = `“${title}”`;
    for (const sentence of [
      `added the funding request ${quoted} (${usd(ASK)} asked)`,
      `moved ${quoted} from Intake to Vetting`,
      `moved ${quoted} from Vetting to Approved (approved ${usd(APPROVED)}): “The board added a spare handler kit”`,
      `moved ${quoted} from Approved to Disbursed (paid ${usd(FIRST_PAYMENT)})`,
      `recorded a payment of ${usd(SECOND_PAYMENT)} on ${quoted} (paid ${today})`,
      `corrected the payment of ${today} on ${quoted} from ${usd(SECOND_PAYMENT)} to ${usd(SECOND_CORRECTED)}: “The bank charged a $500 wire fee to the grantee”`,
      `confirmed delivered: 2 detection K9s of ${quoted}`
    ]) expect(feed, sentence).toContain(sentence);

    // The audit log (admins) keeps every step of the request, before → after.
    await admin.goto(`${server.url}/admin?entity=funding_request`);
    await hydrated(admin);
    const rows = admin.getByTestId('audit').locator('tbody tr').filter({ hasText: `funding_request ${id}` });
    const actions = (await rows.locator('td code').allTextContents()).reverse();
    expect(actions).toEqual(['funding.create', 'funding.advance', 'funding.advance', 'funding.advance', 'funding.pay', 'funding.correct', 'funding.deliver']);
    const audit = (await rows.allTextContents()).join('\n');
    for (const fragment of ['"stage":"vetting"', `"amountCents":${APPROVED * 100}`, '"reason":"The board added a spare handler kit"', `"amountCents":${FIRST_PAYMENT * 100}`,
      `"paymentCents":${SECOND_PAYMENT * 100}`, `"payment":${SECOND_PAYMENT * 100}`, `"payment":${SECOND_CORRECTED * 100}`, '"note":"K9s deployed with the task force"']) {
      expect(audit, fragment).toContain(fragment);
    }

    // No screen scrolled sideways at any width.
    console.info('[e2e] sideways overflow (px) per screen and width:', JSON.stringify(overflow));
    for (const [name, widths] of Object.entries(overflow)) for (const w of widths) expect(w.overflow, `${name} at ${w.width}px`).toBeLessThanOrEqual(0);
  }, 420_000);
});
