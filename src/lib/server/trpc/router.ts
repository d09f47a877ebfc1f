import type { AnyProcedure, AnyRouter, inferProcedureOutput, inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { router } from './t.js';
import { annotationsRouter } from '../annotations/annotations.router.js';
import { authRouter } from '../auth/auth.router.js';
import { auditRouter } from '../audit/audit.router.js';
import { dashboardRouter } from '../dashboards/dashboard.router.js';
import { needsRouter } from '../needs/needs.router.js';
import { usersRouter } from '../users/users.router.js';
import { syncRouter } from '../live/sync.router.js';
import { fundingRouter } from '../funding/funding.router.js';
import { partnersRouter } from '../partners/partners.router.js';
import { commentsRouter } from '../comments/comments.router.js';
import { activityRouter } from '../activity/activity.router.js';
import { outreachRouter } from '../outreach/outreach.router.js';
import { undoRouter } from '../undo/undo.router.js';
import { snapshotsRouter } from '../snapshots/snapshots.router.js';
import { budgetsRouter, goalsRouter } from '../budgets/budgets.router.js';
import { survivorCountsRouter } from '../survivors/survivors.router.js';
import { kioskRouter } from '../kiosk/kiosk.router.js';
import { notificationsRouter } from '../notifications/notifications.router.js';
import { importsRouter } from '../imports/imports.router.js';
import { periodsRouter } from '../periods/periods.router.js';
import { alertsRouter } from '../alerts/alerts.router.js';

export const appRouter = router({
  activity: activityRouter,
  alerts: alertsRouter,
  annotations: annotationsRouter,
  auth: authRouter,
  comments: commentsRouter,
  audit: auditRouter,
  budgets: budgetsRouter,
  dashboard: dashboardRouter,
  funding: fundingRouter,
  goals: goalsRouter,
  imports: importsRouter,
  kiosk: kioskRouter,
  needs: needsRouter,
  notifications: notificationsRouter,
  outreach: outreachRouter,
  partners: partnersRouter,
  periods: periodsRouter,
  snapshots: snapshotsRouter,
  survivorCounts: survivorCountsRouter,
  sync: syncRouter,
  undo: undoRouter,
  users: usersRouter
});

export type AppRouter = typeof appRouter;

// Every procedure's input and outputs by path (`RouterInputs['needs']['update']`): the one source call
// sites take their types from (type-only imports, erased, so client code may use them too).
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Outputs as the browser's client and the socket receive them: JSON (a Date arrives as a string). */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
/** Outputs as an in-process caller returns them, and so as a page load hands them on (devalue keeps Dates). */
export type CallerOutputs = OutputsOf<AppRouter>;
type OutputsOf<R extends AnyRouter> = {
  [K in keyof R['_def']['record']]: R['_def']['record'][K] extends AnyRouter
    ? OutputsOf<R['_def']['record'][K]>
    : R['_def']['record'][K] extends AnyProcedure
      ? inferProcedureOutput<R['_def']['record'][K]>
      : never;
};
