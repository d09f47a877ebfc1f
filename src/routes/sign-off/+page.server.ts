import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { config } from '$lib/server/config.js';

export const load: PageServerLoad = async (event) => {
  const asked = Number(event.url.searchParams.get('months'));
  const months = Number.isInteger(asked) && asked >= 1 && asked <= 24 ? asked : 6;
  const caller = await serverCaller(event);
  return { months, timeZone: config().timeZone, status: await caller.periods.status({ months }) };
};
