import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';

export const load: PageServerLoad = async (event) => {
  const caller = await serverCaller(event);
  const [list, settings] = await Promise.all([caller.notifications.list({ limit: 30 }), caller.notifications.settings()]);
  return { list, mail: settings.mail, mailEnabled: settings.mailEnabled };
};
