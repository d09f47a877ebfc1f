import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';

export const load: PageServerLoad = async (event) => {
  const caller = await serverCaller(event);
  const [rules, alerts] = await Promise.all([caller.alerts.rules(), caller.alerts.list({ recentDays: 30 })]);
  return { rules, alerts };
};
