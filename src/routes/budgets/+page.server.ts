import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { config } from '$lib/server/config.js';
import { fiscalYearOf } from '$lib/server/fiscal-year.js';
import { localToday } from '$lib/server/dashboards/dashboard.period.js';

export const load: PageServerLoad = async (event) => {
  const { fiscalYearStartMonth, timeZone } = config();
  const current = fiscalYearOf(localToday(new Date(), timeZone), fiscalYearStartMonth);
  const asked = Number(event.url.searchParams.get('fiscalYear'));
  const fiscalYear = Number.isInteger(asked) && asked >= current - 10 && asked <= current + 2 ? asked : current;
  const caller = await serverCaller(event);
  return {
    fiscalYear,
    currentFiscalYear: current,
    years: Array.from({ length: 6 }, (_, i) => current + 1 - i),
    plan: await caller.budgets.list({ fiscalYear })
  };
};
