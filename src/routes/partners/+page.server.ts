import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { divisionCodes, divisions, statesIn } from '$lib/regions.js';
import { workingDivision } from '$lib/server/auth/working-division.js';
import { localToday } from '$lib/server/dashboards/dashboard.period.js';
import { config } from '$lib/server/config.js';

export const load: PageServerLoad = async (event) => {
  const user = event.locals.user!;
  const division = workingDivision(user, event.url.searchParams.get('division'));
  const caller = await serverCaller(event);
  const editableStates = user.role === 'coordinator' ? user.states : null;
  return {
    division,
    divisionName: divisions.find((d) => d.code === division)!.name,
    divisions: divisionCodes.map((code) => ({ code, name: divisions.find((d) => d.code === code)!.name })),
    states: statesIn(division).filter((s) => editableStates === null || editableStates.includes(s)),
    editableStates,
    today: localToday(new Date(), config().timeZone),
    partners: await caller.partners.list({ division })
  };
};
