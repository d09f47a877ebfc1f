import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';

const FILTER_KEYS = ['fiscalYear', 'division', 'state', 'category'] as const;

/** URL → filter input; values are passed through as typed so the procedure's schema judges them. */
function filtersFromUrl(url: URL): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) {
    const raw = url.searchParams.get(key);
    if (raw === null || raw === '') continue;
    input[key] = key === 'fiscalYear' && /^\d+$/.test(raw) ? Number(raw) : raw;
  }
  return input;
}

export const load: PageServerLoad = async (event) => {
  const caller = await serverCaller(event);
  try {
    const overview = await caller.dashboard.overview(filtersFromUrl(event.url) as never);
    return { overview };
  } catch (err) {
    if (err instanceof TRPCError && err.code === 'BAD_REQUEST') {
      const issues = (err.cause as { issues?: Array<{ path: unknown[]; message: string }> } | undefined)?.issues ?? [];
      const detail = issues.map((i) => `${i.path.join('.') || 'filters'}: ${i.message}`).join('; ');
      error(400, `Invalid dashboard filter — ${detail || err.message}`);
    }
    throw err;
  }
};
