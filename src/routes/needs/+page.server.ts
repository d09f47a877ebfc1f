import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { divisionCodes, divisionName as nameOf, regions } from '$lib/regions.js';
import { workingDivision } from '$lib/server/pages/division-page.js';


export const load: PageServerLoad = async (event) => {
  const user = event.locals.user!; // the page guard in hooks.server.ts lets only operational roles in
  // Leadership and admin edit everywhere: they start on every division at once.
  const everywhere = user.role !== 'coordinator';
  const asked = event.url.searchParams.get('division');
  const division = everywhere && (asked === null || asked === 'all') ? null : workingDivision(user, asked);
  const scope = division ?? undefined;
  const caller = await serverCaller(event);
  const [needs, centers, activity] = await Promise.all([
    // Only the first page of the table (open needs, most urgent first): search, chips, order and later
    // pages are read by the browser through needs.page, so the page never carries a division's thousands.
    caller.needs.page({ division: scope }),
    caller.needs.centers({ division: scope }),
    caller.activity.list({ division: scope, limit: 30 })
  ]);
  return {
    division,
    divisionName: division ? nameOf(division) : 'All divisions',
    divisions: divisionCodes.map((code) => ({ code, name: nameOf(code) })),
    everywhere,
    // Where this user may write (null = everywhere): the UI hides controls elsewhere; the server refuses anyway.
    editableStates: user.role === 'coordinator' ? user.states : null,
    // A coordinator's own regions in words: their divisions, then single states outside them.
    ownRegions: user.role === 'coordinator'
      ? [...user.divisions.map(nameOf), ...regions.filter((r) => user.states.includes(r.code) && !user.divisions.includes(r.division)).map((r) => r.name)]
      : [],
    me: { id: user.id, displayName: user.displayName },
    // When this was read: a copy of the page shown offline (the service worker's) says "as of".
    readAt: new Date().toISOString(),
    page: needs,
    centers,
    activity
  };
};
