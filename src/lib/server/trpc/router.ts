import { router } from './t.js';
import { authRouter } from '../auth/auth.router.js';
import { auditRouter } from '../audit/audit.router.js';
import { dashboardRouter } from '../dashboards/dashboard.router.js';
import { needsRouter } from '../needs/needs.router.js';
import { usersRouter } from '../users/users.router.js';
import { syncRouter } from '../live/sync.router.js';
import { fundingRouter } from '../funding/funding.router.js';
import { partnersRouter } from '../partners/partners.router.js';

export const appRouter = router({
  auth: authRouter,
  audit: auditRouter,
  dashboard: dashboardRouter,
  funding: fundingRouter,
  needs: needsRouter,
  partners: partnersRouter,
  sync: syncRouter,
  users: usersRouter
});

export type AppRouter = typeof appRouter;
