// Snapshot PDFs made by the server: the system Chromium (playwright-core, headless) opens the
// report's print page on this very process and prints it (page.pdf). A PDF is cached on disk under
// the data directory by the snapshot's hash plus its title and notes (the only parts that may still
// change) and the paper, so a second request is a file read. The print page is opened with a
// per-process render key in a request header, never with anyone's session.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { config } from '../config.js';
import { componentLog } from '../log.js';

const log = componentLog('snapshot-pdf');

export const RENDER_HEADER = 'x-beacon-render-key';
export type Paper = 'letter' | 'a4';

declare global {
  var __beaconRenderKey: string | undefined;
  var __beaconPdfBrowser: Promise<Browser> | undefined;
}

const renderKey = () => (globalThis.__beaconRenderKey ??= randomBytes(32).toString('hex'));

/** True for a request made by this process's PDF renderer. */
export function isRenderRequest(headers: Headers): boolean {
  const given = headers.get(RENDER_HEADER);
  if (!given || given.length !== 64) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(renderKey()));
}

export class NoChromiumError extends Error {
  constructor(readonly executablePath: string) {
    super(`No Chromium at ${executablePath}: PDFs cannot be made on this server.`);
    this.name = 'NoChromiumError';
  }
}

export function chromiumAvailable(): boolean {
  return fs.existsSync(config().chromiumPath);
}

function browser(): Promise<Browser> {
  const executablePath = config().chromiumPath;
  if (!fs.existsSync(executablePath)) throw new NoChromiumError(executablePath);
  globalThis.__beaconPdfBrowser ??= chromium
    .launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
    .then((b) => {
      b.on('disconnected', () => (globalThis.__beaconPdfBrowser = undefined));
      return b;
    })
    .catch((err) => {
      globalThis.__beaconPdfBrowser = undefined;
      throw err;
    });
  return globalThis.__beaconPdfBrowser;
}

/** Closes the renderer's browser (server shutdown). */
export async function closePdfBrowser(): Promise<void> {
  const b = globalThis.__beaconPdfBrowser;
  globalThis.__beaconPdfBrowser = undefined;
  if (b) await (await b.catch(() => null))?.close();
}

/** Where this process listens, for the renderer: its own HTTP server on the loopback interface. */
export function ownOrigin(fallback?: string): string {
  const address = globalThis.__beaconHttpServer?.address() as AddressInfo | string | null | undefined;
  if (address && typeof address === 'object') return `http://127.0.0.1:${address.port}`;
  if (fallback) return fallback;
  throw new Error('The server is not listening yet: no PDF can be made.');
}

export interface PdfSource {
  id: number;
  sha256: string;
  title: string;
  notes: string;
}

const cacheDir = () => path.join(config().dataDir, 'pdf-cache');

export function pdfCacheFile(s: PdfSource, paper: Paper): string {
  const text = createHash('sha256').update(`${s.title}\u0000${s.notes}`).digest('hex').slice(0, 16);
  return path.join(cacheDir(), `${s.sha256}-${text}-${paper}.pdf`);
}

const inFlight = new Map<string, Promise<Buffer>>();

/** The snapshot's report as PDF: from the cache, else printed now (one print per file at a time). */
export async function snapshotPdf(s: PdfSource, options: { paper?: Paper; origin?: string } = {}): Promise<{ pdf: Buffer; cached: boolean }> {
  const paper = options.paper ?? 'letter';
  const file = pdfCacheFile(s, paper);
  try {
    return { pdf: await fs.promises.readFile(file), cached: true };
  } catch {
    // Not made yet.
  }
  let pending = inFlight.get(file);
  if (!pending) {
    pending = printReport(s.id, paper, ownOrigin(options.origin)).then(async (pdf) => {
      await fs.promises.mkdir(cacheDir(), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.promises.writeFile(tmp, pdf);
      await fs.promises.rename(tmp, file);
      return pdf;
    });
    inFlight.set(file, pending);
    pending.finally(() => inFlight.delete(file)).catch(() => {});
  }
  return { pdf: await pending, cached: false };
}

/** Printable width of the narrower paper (A4, 0.5 in margins) in CSS pixels: charts are laid out for it. */
const PRINT_WIDTH_PX = Math.floor((8.27 - 1) * 96);

async function printReport(id: number, paper: Paper, origin: string): Promise<Buffer> {
  const started = performance.now();
  const b = await browser();
  const context = await b.newContext({ extraHTTPHeaders: { [RENDER_HEADER]: renderKey() }, viewport: { width: PRINT_WIDTH_PX, height: 1000 } });
  try {
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    const response = await page.goto(`${origin}/render/snapshots/${id}`, { waitUntil: 'load', timeout: 30_000 });
    if (!response?.ok()) throw new Error(`The report page answered ${response?.status() ?? 'nothing'}.`);
    await page.waitForSelector('html[data-hydrated="true"]', { state: 'attached', timeout: 30_000 });
    // Every chart drawn (Chart.js draws synchronously once created; animation is off).
    await page.waitForFunction(() => [...document.querySelectorAll('canvas')].every((c) => (c as HTMLCanvasElement & { $chart?: unknown }).$chart), undefined, { timeout: 30_000 });
    const pdf = await page.pdf({ format: paper === 'a4' ? 'A4' : 'Letter', printBackground: true, outline: true, tagged: true, margin: { top: '0.5in', bottom: '0.5in', left: '0.5in', right: '0.5in' } });
    log.info({ snapshotId: id, paper, ms: Math.round(performance.now() - started), bytes: pdf.length }, 'snapshot pdf printed');
    return pdf;
  } finally {
    await context.close();
  }
}
