// The board report's PDF made by the server (GET /snapshots/[id]/pdf): a fiscal-year snapshot of the
// demo data, printed cold (first request after the server starts: Chromium launched, page printed,
// file cached) and cached (the same request again: a file read). Production build, real Chromium.
import { machine } from './overview.js';

export interface PdfResult {
  coldMs: number[];
  /** A second snapshot after the first: the browser already running, the page not yet cached. */
  warmMs: number[];
  cachedMs: number[];
  pages: number;
  bytes: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchPdf(options: { runs?: number; log?: (s: string) => void } = {}): Promise<PdfResult> {
  const log = options.log ?? console.error;
  const runs = options.runs ?? 3;
  const { startServer } = await import('../tests/helpers/server.js');
  const { signInCookie } = await import('../tests/helpers/auth.js');
  const { pdfPageCount } = await import('../tests/helpers/pdf.js');
  const { seededDataDir } = await import('../tests/helpers/live.js');
  const dataDir = await seededDataDir();
  const fy = new Date().getUTCFullYear() - 1;
  const result: PdfResult = { coldMs: [], warmMs: [], cachedMs: [], pages: 0, bytes: 0 };
  for (let run = 0; run < runs; run++) {
    log(`pdf: run ${run + 1} of ${runs} (fresh server: Chromium not started, cache empty)`);
    const server = await startServer({ dataDir, env: { BEACON_SNAPSHOT_SCHEDULER_INTERVAL_MS: '0' } });
    try {
      const cookie = await signInCookie(server.url, 'director@beacon.demo');
      const make = async (title: string) => {
        const res = await fetch(`${server.url}/trpc/snapshots.create`, {
          method: 'POST', headers: { cookie, origin: server.url, 'content-type': 'application/json' },
          body: JSON.stringify({ title, period: { kind: 'fiscal_year', fiscalYear: fy } })
        });
        return ((await res.json()) as { result: { data: { id: number } } }).result.data.id;
      };
      const timed = async (id: number) => {
        const t = performance.now();
        const res = await fetch(`${server.url}/snapshots/${id}/pdf`, { headers: { cookie } });
        const body = Buffer.from(await res.arrayBuffer());
        if (res.status !== 200) throw new Error(`pdf: HTTP ${res.status}`);
        return { ms: performance.now() - t, body };
      };
      const a = await make(`FY${fy} bench ${run} a`);
      const b = await make(`FY${fy} bench ${run} b`);
      const cold = await timed(a);
      result.coldMs.push(cold.ms);
      result.pages = pdfPageCount(cold.body);
      result.bytes = cold.body.length;
      result.warmMs.push((await timed(b)).ms);
      for (let i = 0; i < 10; i++) result.cachedMs.push((await timed(a)).ms);
    } finally {
      await server.stop();
    }
  }
  return result;
}

export function pdfSection(r: PdfResult): string {
  const cold = median(r.coldMs);
  const warm = median(r.warmMs);
  const cached = median(r.cachedMs);
  return `## Snapshot PDF (GET /snapshots/[id]/pdf, fiscal-year report)

${new Date().toISOString().slice(0, 10)} · ${machine()}

| measure | median ms | all runs ms |
|---|---|---|
| cold (fresh server: Chromium launched, report printed, cached) | ${cold.toFixed(0)} | ${r.coldMs.map((m) => m.toFixed(0)).join(', ')} |
| warm (Chromium running, report not cached) | ${warm.toFixed(0)} | ${r.warmMs.map((m) => m.toFixed(0)).join(', ')} |
| cached (the same request again) | ${cached.toFixed(1)} | ${r.cachedMs.length} requests |

The report: ${r.pages} pages (Letter), ${(r.bytes / 1024).toFixed(0)} KiB, demo profile, embedded PGlite, production build,
the system Chromium through playwright-core. Times are the whole HTTP request as a client sees it.

Targets: cold ≤ 5 s → ${cold <= 5000 ? 'met' : 'MISSED'}; cached ≤ 50 ms → ${cached <= 50 ? 'met' : 'MISSED'}.`;
}
