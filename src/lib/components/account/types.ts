// Shapes of account procedure outputs as load functions receive them, taken from the router.
import type { inferProcedureOutput } from '@trpc/server';
import type { AppRouter } from '$lib/server/trpc/router.js';

export type AccountSession = inferProcedureOutput<AppRouter['auth']['sessions']>[number];
