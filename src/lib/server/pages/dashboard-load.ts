// The dashboard pages' server loads: the URL's filters through the same procedure the live engine
// and the API use (schema, role guard), a bad filter as a 400 that says which field and why.
import { error, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { serverCaller } from '../trpc/caller.js';
import { filtersFromUrl } from '$lib/dashboard-filters.js';
import type { DashboardTopic } from '$lib/realtime/events.js';

export async function loadDashboard<T extends DashboardTopic>(event: RequestEvent, topic: T) {
  const caller = await serverCaller(event);
  try {
    const procedure = caller.dashboard[topic] as unknown as (input: unknown) => Promise<Awaited<ReturnType<(typeof caller.dashboard)[T]>>>;
    return await procedure(filtersFromUrl(event.url));
  } catch (err) {
    if (err instanceof TRPCError && err.code === 'BAD_REQUEST') {
      const issues = (err.cause as { issues?: Array<{ path: unknown[]; message: string }> } | undefined)?.issues ?? [];
      const detail = issues.map((i) => `${i.path.join('.') || 'filters'}: ${i.message}`).join('; ');
      error(400, `Invalid dashboard filter — ${detail || err.message}`);
    }
    throw err;
  }
}
