// The snapshot's report as a PDF made by the server (snapshot-pdf.ts), for whoever may open the
// snapshot page (the same procedure decides). ?paper=a4 for A4; Letter otherwise. No Chromium on
// the server: a plain page saying so, HTTP 503.
import { error, type RequestHandler } from '@sveltejs/kit';
import { serverCaller, describeRefusal } from '$lib/server/trpc/caller.js';
import { NoChromiumError, snapshotPdf } from '$lib/server/snapshots/snapshot-pdf.js';
import { escapeHtml } from '$lib/server/snapshots/snapshot-mail.js';

export const GET: RequestHandler = async (event) => {
  if (!/^\d{1,15}$/.test(event.params.id ?? '')) error(404, 'There is no such snapshot.');
  let s;
  try {
    s = await (await serverCaller(event)).snapshots.get({ id: Number(event.params.id) });
  } catch (err) {
    const refusal = describeRefusal(err);
    if (refusal) error(refusal.status, refusal.message);
    throw err;
  }
  const paper = event.url.searchParams.get('paper') === 'a4' ? 'a4' : 'letter';
  try {
    const { pdf, cached } = await snapshotPdf(s, { paper, origin: event.url.origin });
    const name = `snapshot-${s.id}-${s.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)}.pdf`;
    return new Response(new Uint8Array(pdf), {
      headers: {
        'content-type': 'application/pdf', 'content-disposition': `inline; filename="${name}"`, 'cache-control': 'private, no-store',
        'x-pdf-cache': cached ? 'hit' : 'miss'
      }
    });
  } catch (err) {
    if (!(err instanceof NoChromiumError)) throw err;
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PDF not available</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5">
<h1>The PDF cannot be made on this server</h1>
<p>This server has no Chromium installed (looked for <code>${escapeHtml(err.executablePath)}</code>), so it cannot print reports. An administrator can install Chromium or set <code>BEACON_CHROMIUM</code> to where it is.</p>
<p>You can still <a href="/snapshots/${s.id}">open the report</a> and print it from your browser, or download its <a href="/snapshots/${s.id}/csv">CSV</a>.</p>
</body></html>`;
    return new Response(page, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'retry-after': '3600', 'cache-control': 'no-store' } });
  }
};
