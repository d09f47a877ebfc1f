// The dashboard pages' server loads: the URL's filters through the same procedure the live engine
// and the API use (schema, role guard), a bad filter as a 400 that says which field and why.
import { error, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { serverCaller } from '../trpc/caller.js';
import { filtersFromUrl } from '$lib/dashboard-filters.js';
import type { DashboardTopic } from '$lib/realtime/events.js';
import type { DivisionCode, RegionCode } from '$lib/regions.js';
import { isOperational } from '../auth/access.js';

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

/**
 * The chart notes of a dashboard's period and place filters, and what the signed-in person may
 * annotate (the form's scope choices). A wall screen (device link, no person) gets none.
 */
export async function loadAnnotations(event: RequestEvent, view: { period: { start: string; end: string }; filters: Record<string, unknown> }) {
  const user = event.locals.user;
  if (!user || !isOperational(user)) return null;
  const caller = await serverCaller(event);
  const query = annotationQuery(view);
  const list = await caller.annotations.list(query);
  const anywhere = user.role === 'leadership' || user.role === 'admin';
  return {
    query,
    list,
    /** Who the person may write notes for (null: they may not write any). */
    may: { everyone: anywhere, divisions: anywhere ? null : user.divisions, states: anywhere ? null : user.states }
  };
}

function annotationQuery(view: { period: { start: string; end: string }; filters: Record<string, unknown> }) {
  const last = new Date(`${view.period.end}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() - 1);
  const f = view.filters;
  return {
    from: view.period.start,
    to: last.toISOString().slice(0, 10),
    ...(typeof f.division === 'string' && f.division ? { division: f.division as DivisionCode } : {}),
    ...(typeof f.state === 'string' && f.state ? { state: f.state as RegionCode } : {})
  };
}
