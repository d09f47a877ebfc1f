// Shapes as a server load hands them to a page (devalue keeps Dates as Dates), from the procedures.
import type { CallerOutputs } from '$lib/server/trpc/router.js';

type P = CallerOutputs['snapshots'];
export type SnapshotView = P['get'];
export type SnapshotComparison = P['compare'];
export type SnapshotSummary = P['list'][number];
export type SnapshotSchedule = P['schedules'][number];
export type ShareLink = P['shareLinks'][number];
/** A snapshot as a share link shows it (no author, change number or hash). */
export type { SharedSnapshotView } from '$lib/server/snapshots/snapshots.service.js';
