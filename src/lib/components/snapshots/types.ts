// Shapes as a server load hands them to a page (devalue keeps Dates as Dates), from the procedures.
import type { inferProcedureOutput } from '@trpc/server';
import type { AppRouter } from '$lib/server/trpc/router.js';

type P = AppRouter['snapshots'];
export type SnapshotView = inferProcedureOutput<P['get']>;
export type SnapshotComparison = inferProcedureOutput<P['compare']>;
export type SnapshotSummary = inferProcedureOutput<P['list']>[number];
export type SnapshotSchedule = inferProcedureOutput<P['schedules']>[number];
export type ShareLink = inferProcedureOutput<P['shareLinks']>[number];
/** A snapshot as a share link shows it (no author, change number or hash). */
export type { SharedSnapshotView } from '$lib/server/snapshots/snapshots.service.js';
