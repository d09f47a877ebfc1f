import { router } from './t.js';
import { dashboardRouter } from '../dashboards/dashboard.router.js';

export const appRouter = router({
  dashboard: dashboardRouter
});

export type AppRouter = typeof appRouter;
