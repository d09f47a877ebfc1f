import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { divisionPage } from '$lib/server/pages/division-page.js';
import { localToday } from '$lib/server/dashboards/dashboard.period.js';
import { config } from '$lib/server/config.js';
import { monthProblem } from '$lib/validation.js';

/** The month before `month` (YYYY-MM). */
function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export const load: PageServerLoad = async (event) => {
  const page = divisionPage(event);
  const currentMonth = localToday(new Date(), config().timeZone).slice(0, 7);
  const asked = event.url.searchParams.get('month') ?? '';
  // The month being reported by default is the last complete one.
  const month = monthProblem(asked) === null && asked <= currentMonth ? asked : previousMonth(currentMonth);
  const caller = await serverCaller(event);
  return { ...page, month, counts: await caller.survivorCounts.list({ division: page.division, month }) };
};
