import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { workspacePage } from '$lib/server/pages/division-page.js';

/** The requests the table searches, sorts and pages in the browser (the newest by stage first). */
const REQUESTS_LIMIT = 1000;

export const load: PageServerLoad = async (event) => {
  const page = workspacePage(event);
  const division = page.division ?? undefined;
  const caller = await serverCaller(event);
  const [requests, partners, overdue] = await Promise.all([
    caller.funding.list({ division, limit: REQUESTS_LIMIT }), caller.partners.list({ division }), caller.funding.overdueReports({ division })
  ]);
  return { ...page, requests, partners, overdue, limit: REQUESTS_LIMIT, canCorrect: event.locals.user!.role === 'leadership' || event.locals.user!.role === 'admin' };
};
