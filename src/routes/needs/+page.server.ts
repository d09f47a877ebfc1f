import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { divisionCodes, divisions } from '$lib/regions.js';
import { workingDivision } from '$lib/server/auth/working-division.js';

export const load: PageServerLoad = async (event) => {
  const user = event.locals.user!; // the page guard in hooks.server.ts lets only operational roles in
  const division = workingDivision(user, event.url.searchParams.get('division'));
  const caller = await serverCaller(event);
  const [needs, centers, activity] = await Promise.all([
    caller.needs.list({ division, includeClosed: true }),
    caller.needs.centers({ division }),
    caller.activity.list({ division, limit: 30 })
  ]);
  return {
    division,
    divisionName: divisions.find((d) => d.code === division)!.name,
    divisions: divisionCodes.map((code) => ({ code, name: divisions.find((d) => d.code === code)!.name })),
    // Where this user may write (null = everywhere): the UI hides controls elsewhere; the server refuses anyway.
    editableStates: user.role === 'coordinator' ? user.states : null,
    me: { id: user.id, displayName: user.displayName },
    needs,
    centers,
    activity
  };
};
