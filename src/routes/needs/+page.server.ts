import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { divisionOf, divisions, regions, type RegionCode } from '$lib/regions.js';

export const load: PageServerLoad = async (event) => {
  const user = event.locals.user!; // the page guard in hooks.server.ts lets only operational roles in
  const caller = await serverCaller(event);
  if (user.role !== 'coordinator') return { scope: null, needs: await caller.needs.list({}) };

  const states = user.states as RegionCode[];
  const scope = [
    ...divisions.filter((d) => user.divisions.includes(d.code)).map((d) => d.name),
    ...regions.filter((r) => states.includes(r.code) && !user.divisions.includes(divisionOf(r.code))).map((r) => r.name)
  ];
  const needs = states.length ? await caller.needs.list({ states }) : [];
  return { scope: scope.join(', ') || 'none assigned yet', needs };
};
