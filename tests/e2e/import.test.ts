// /import in Chromium (issue 16, item 9): a Mountain coordinator imports partners, then a requests
// file with one bad row — the preview names the row and the column in plain words and nothing can be
// imported —, fixes the file, imports it and sees the result, and the imported request is on the
// pipeline. The page is photographed at 1920, 1440 and 390 px (preview with a problem, and the result).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, hasBrowser, hydrated, launchBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { demoUsers, signIn } from '../helpers/auth.js';

const WIDTHS = [1920, 1440, 390];
const WAIT = { timeout: 30_000 };

async function photograph(page: Page, name: string) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 1000 });
    await page.screenshot({ path: path.join(artifactsDir, `import-${name}-${width}.png`), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name} at ${width}px`).toBe(true);
  }
  await page.setViewportSize({ width: 1440, height: 1000 });
}

const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const tag = Date.now().toString(36);

describe.skipIf(!hasBrowser)('/import', () => {
  let server: RunningServer;
  let browser: Browser;
  let p: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    p = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(p, server.url, demoUsers.coordinatorMountain);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('previews a file with a bad row, then imports the fixed file', async () => {
    await p.goto(`${server.url}/import`);
    await hydrated(p);
    await p.getByTestId('import-columns').waitFor();
    await photograph(p, 'columns');
    await p.getByLabel('What the file holds').selectOption('partners');
    await p.getByLabel('CSV file').setInputFiles(csvFile('partners.csv',
      `External id,Name,Kind,State,Vetting,Vetted until\nIMP-${tag},Synthetic Import Lab ${tag},Forensic lab,CO,vetted,2030-12-31\n`));
    await expect.poll(() => p.getByTestId('import-commit').isEnabled(), WAIT).toBe(true);
    await p.getByTestId('import-commit').click();
    await expect.poll(() => p.getByTestId('import-result').textContent(), WAIT).toMatch(/Imported 1 row from partners\.csv.*1 added/s);

    await p.getByLabel('What the file holds').selectOption('requests');
    const header = 'Request ID,Partner,Category,Amount requested,Created,Approved date,Approved amount';
    const good = `REQ-${tag}-1,IMP-${tag},Lab equipment,"24,050",${yesterday},,\nREQ-${tag}-2,Synthetic Import Lab ${tag},Lab equipment,"8,000",${yesterday},${yesterday},"7,500"\n`;
    await p.getByLabel('CSV file').setInputFiles(csvFile('history.csv', `${header}\n${good.replace('"24,050"', '"24,05O"')}`));
    const errors = p.getByTestId('import-errors');
    await expect.poll(() => errors.textContent(), WAIT).toContain('Row 2Amount requestedenter a dollar amount such as 24,050');
    expect(await p.getByTestId('import-commit').isDisabled()).toBe(true);
    await photograph(p, 'preview-problem');

    await p.getByLabel('CSV file').setInputFiles(csvFile('history.csv', `${header}\n${good}`));
    await expect.poll(() => p.getByTestId('import-commit').textContent(), WAIT).toContain('Import 2 rows');
    expect(await errors.count()).toBe(0);
    await p.getByTestId('import-commit').click();
    await expect.poll(() => p.getByTestId('import-result').textContent(), WAIT).toMatch(/Imported 2 rows from history\.csv.*2 added · 0 updated · 0 unchanged/s);
    await photograph(p, 'result');

    // The same file again changes nothing.
    await p.getByLabel('CSV file').setInputFiles(csvFile('history.csv', `${header}\n${good}`));
    await expect.poll(() => p.getByTestId('import-preview').textContent(), WAIT).toMatch(/Unchanged\s*2/);

    await p.goto(`${server.url}/pipeline?division=mountain&view=board`);
    await hydrated(p);
    await expect.poll(() => p.getByText(`Lab equipment for Synthetic Import Lab ${tag}`).count(), WAIT).toBe(2);
  });
});
