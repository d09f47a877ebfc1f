import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { divisionPage } from '$lib/server/pages/division-page.js';

export const load: PageServerLoad = async (event) => {
  const page = divisionPage(event);
  const caller = await serverCaller(event);
  return { ...page, events: await caller.outreach.list({ division: page.division, limit: 30 }) };
};
