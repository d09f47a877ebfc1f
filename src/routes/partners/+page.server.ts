import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { divisionPage } from '$lib/server/pages/division-page.js';
import { localToday } from '$lib/server/dashboards/dashboard.period.js';
import { config } from '$lib/server/config.js';

export const load: PageServerLoad = async (event) => {
  const page = divisionPage(event);
  const caller = await serverCaller(event);
  return {
    ...page,
    today: localToday(new Date(), config().timeZone),
    partners: await caller.partners.list({ division: page.division })
  };
};
