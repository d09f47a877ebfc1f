import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/runtime.js';
import { ping } from '$lib/server/db/index.js';
import { componentLog } from '$lib/server/log.js';

const started = Date.now();

export const GET: RequestHandler = async () => {
  try {
    const { db, kind } = await database();
    await ping(db);
    return json({ ok: true, db: kind, uptimeSeconds: Math.round((Date.now() - started) / 1000) });
  } catch (err) {
    componentLog('http').error({ err }, 'healthz: database unreachable');
    return json({ ok: false, reason: 'database unreachable' }, { status: 503 });
  }
};
