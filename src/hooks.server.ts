import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { createTRPCHandle } from 'trpc-sveltekit';
import { appRouter } from '$lib/server/trpc/router.js';
import { createContext } from '$lib/server/trpc/context.js';
import { database } from '$lib/server/runtime.js';

/** Start-up work: open the database, migrate, seed demo data on a first embedded start. */
export const init: ServerInit = async () => {
  await database();
};

const securityHeaders: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  response.headers.set('X-Content-Type-Options', 'nosniff');
  response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  response.headers.set('X-Frame-Options', 'DENY');
  return response;
};

const trpc = createTRPCHandle({
  router: appRouter,
  createContext,
  onError: ({ error, path }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path}:`, error.cause ?? error);
  }
});

export const handle: Handle = sequence(securityHeaders, trpc);
