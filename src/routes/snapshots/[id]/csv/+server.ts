// Every dataset of one snapshot as CSV (opens in a spreadsheet: UTF-8 with a BOM, CRLF, money in dollars).
import { error, type RequestHandler } from '@sveltejs/kit';
import { serverCaller, describeRefusal } from '$lib/server/trpc/caller.js';
import { datasetsCsv, describeFilters } from '$lib/snapshot-report.js';

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
  const csv = datasetsCsv(
    {
      title: s.title,
      period: `${s.periodLabel} (${s.periodFrom} to ${s.periodLastDay})`,
      asOf: s.asOf.toISOString(),
      filters: describeFilters(s.filters),
      seq: s.seq,
      integrity: s.verified ? `verified (SHA-256 ${s.sha256})` : `DOES NOT MATCH its hash (stored SHA-256 ${s.sha256})`
    },
    s.datasets
  );
  const name = `snapshot-${s.id}-${s.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)}.csv`;
  return new Response('\uFEFF' + csv, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' }
  });
};
