// A shared snapshot: no sign-in, that one snapshot only. This load is the whole of what a token opens
// (it calls the service directly; tRPC refuses anonymous callers). Unknown, revoked and expired
// tokens all answer 404, so the answer never confirms that a link exists.
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/runtime.js';
import { openSharedSnapshot } from '$lib/server/snapshots/snapshots.service.js';

export const load: PageServerLoad = async ({ params, setHeaders }) => {
  setHeaders({ 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex, nofollow', 'referrer-policy': 'no-referrer' });
  const { db } = await database();
  const shared = await openSharedSnapshot(db, params.token);
  if (!shared) error(404, 'Not found');
  return { snapshot: shared.snapshot, expiresAt: shared.link.expiresAt };
};
