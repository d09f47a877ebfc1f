// A wall screen's device link: no sign-in, no session, no cookie. The token in the URL is the whole
// of what the screen holds; this load reads its dashboards through the dashboard procedures as the
// kiosk identity (which refuses every other procedure), and the page follows them live over a
// socket that presents the same token.
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/runtime.js';
import { openKioskLink } from '$lib/server/kiosk/kiosk.service.js';
import { kioskCaller } from '$lib/server/trpc/caller.js';
import type { DashboardTopic } from '$lib/realtime/events.js';
import type { CallerOutputs } from '$lib/server/trpc/router.js';

export const load: PageServerLoad = async ({ params, setHeaders }) => {
  setHeaders({ 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex, nofollow', 'referrer-policy': 'no-referrer' });
  const { db } = await database();
  const found = await openKioskLink(db, params.token);
  if (!found) error(404, 'This wall screen link is not valid. Ask an admin for a new one.');
  if (found.status === 'revoked') return { revoked: true as const };
  const { identity } = found;
  const caller = await kioskCaller(identity);
  const views: Partial<{ [T in DashboardTopic]: CallerOutputs['dashboard'][T] }> = {};
  for (const topic of identity.dashboards) {
    // One at a time: a wall screen's first load is not worth four parallel reads on a small server.
    (views as Record<string, unknown>)[topic] = await (caller.dashboard[topic] as (input: object) => Promise<unknown>)({});
  }
  return { revoked: false as const, token: params.token, label: identity.label, dashboards: identity.dashboards, rotateSeconds: identity.rotateSeconds, views };
};
