// The report as the server's PDF renderer prints it (snapshot-pdf.ts): opened only by this process's
// headless Chromium, which sends the per-process render key; any other request gets 404. Whoever
// asked for the PDF was checked by /snapshots/[id]/pdf (or is a schedule's subscriber).
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/runtime.js';
import { isRenderRequest } from '$lib/server/snapshots/snapshot-pdf.js';
import { snapshotForReport } from '$lib/server/snapshots/snapshots.service.js';

export const load: PageServerLoad = async ({ params, request, setHeaders }) => {
  if (!isRenderRequest(request.headers) || !/^\d{1,15}$/.test(params.id)) error(404, 'Not found');
  setHeaders({ 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex, nofollow' });
  const { db } = await database();
  return { snapshot: await snapshotForReport(db, Number(params.id)) };
};
