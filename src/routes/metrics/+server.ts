import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { config } from '$lib/server/config.js';
import { bearerMatches, metrics } from '$lib/server/metrics.js';
import { refreshGauges } from '$lib/server/ops/gauges.js';

/** Prometheus text for a bearer of BEACON_METRICS_TOKEN; 404 when unset, 401 with a wrong token. */
export const GET: RequestHandler = async ({ request }) => {
  const token = config().metricsToken;
  if (!token) error(404, 'Not found');
  if (!bearerMatches(request.headers.get('authorization'), token)) {
    return new Response('Unauthorized\n', { status: 401, headers: { 'www-authenticate': 'Bearer' } });
  }
  await refreshGauges();
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } });
};
