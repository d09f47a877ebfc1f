import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { readiness } from '$lib/server/ops/readiness.js';

/** 200 when this instance may take traffic, 503 with the reasons when not (a load balancer's check). */
export const GET: RequestHandler = async () => {
  const r = await readiness();
  return json(r, { status: r.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
};
