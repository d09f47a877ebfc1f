import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { divisionCodes, divisions } from '$lib/regions.js';
import { workingDivision } from '$lib/server/auth/working-division.js';

export const load: PageServerLoad = async (event) => {
  const user = event.locals.user!;
  const division = workingDivision(user, event.url.searchParams.get('division'));
  const caller = await serverCaller(event);
  const [requests, partners] = await Promise.all([caller.funding.list({ division }), caller.partners.list({ division })]);
  return {
    division,
    divisionName: divisions.find((d) => d.code === division)!.name,
    divisions: divisionCodes.map((code) => ({ code, name: divisions.find((d) => d.code === code)!.name })),
    editableStates: user.role === 'coordinator' ? user.states : null,
    requests,
    partners
  };
};
