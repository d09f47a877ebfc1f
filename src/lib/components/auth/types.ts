// Shapes of procedure outputs as load functions receive them (in-process: Dates stay Dates), taken
// from the router itself, never hand-copied.
import type { inferProcedureOutput } from '@trpc/server';
import type { AppRouter } from '$lib/server/trpc/router.js';

export type AdminUser = inferProcedureOutput<AppRouter['users']['list']>[number];
export type AuditEntry = inferProcedureOutput<AppRouter['audit']['list']>['entries'][number];
