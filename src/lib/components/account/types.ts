// Shapes of account procedure outputs as load functions receive them, taken from the router.
import type { CallerOutputs } from '$lib/server/trpc/router.js';

export type AccountSession = CallerOutputs['auth']['sessions'][number];
