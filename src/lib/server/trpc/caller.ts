import type { RequestEvent } from '@sveltejs/kit';
import { createCallerFactory } from './t.js';
import { appRouter } from './router.js';
import { createContext } from './context.js';

const createCaller = createCallerFactory(appRouter);

/** Load functions call procedures in-process, through the same input validation and guards. */
export async function serverCaller(event: RequestEvent) {
  return createCaller(await createContext(event));
}
