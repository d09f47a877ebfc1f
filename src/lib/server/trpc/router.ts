import { router } from './t.js';
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

export const appRouter = router({
  activity: activityRouter,
  auth: authRouter,
  comments: commentsRouter,
  audit: auditRouter,
  dashboard: dashboardRouter,
  funding: fundingRouter,
  needs: needsRouter,
  outreach: outreachRouter,
  partners: partnersRouter,
  snapshots: snapshotsRouter,
  sync: syncRouter,
  undo: undoRouter,
  users: usersRouter
});

export type AppRouter = typeof appRouter;
