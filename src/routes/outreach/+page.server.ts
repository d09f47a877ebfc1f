import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { workspacePage } from '$lib/server/pages/division-page.js';

/** The latest events the table searches, sorts and pages in the browser. */
const EVENTS_LIMIT = 1000;

export const load: PageServerLoad = async (event) => {
  const page = workspacePage(event);
  const caller = await serverCaller(event);
  return { ...page, events: await caller.outreach.list({ division: page.division ?? undefined, limit: EVENTS_LIMIT }), limit: EVENTS_LIMIT };
};
