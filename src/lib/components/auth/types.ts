// Shapes of procedure outputs as load functions receive them (in-process: Dates stay Dates), taken
// from the router itself, never hand-copied.
import type { CallerOutputs } from '$lib/server/trpc/router.js';

export type AdminUser = CallerOutputs['users']['list'][number];
export type AuditEntry = CallerOutputs['audit']['list']['entries'][number];
