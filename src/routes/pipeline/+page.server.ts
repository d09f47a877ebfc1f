import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { divisionPage } from '$lib/server/pages/division-page.js';

export const load: PageServerLoad = async (event) => {
  const page = divisionPage(event);
  const { division } = page;
  const caller = await serverCaller(event);
  const [requests, partners, overdue] = await Promise.all([
    caller.funding.list({ division }), caller.partners.list({ division }), caller.funding.overdueReports({ division })
  ]);
  return { ...page, requests, partners, overdue, canCorrect: event.locals.user!.role === 'leadership' || event.locals.user!.role === 'admin' };
};
