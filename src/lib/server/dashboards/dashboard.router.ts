import { router, operationalProcedure } from '../trpc/t.js';
import { config } from '../config.js';
import { dashboardFilterInput } from './dashboard.filters.js';
import { dashboardOverview } from './dashboard.service.js';

export const dashboardRouter = router({
  overview: operationalProcedure
    .input(dashboardFilterInput)
    .query(({ ctx, input }) => dashboardOverview(ctx.db, input, { fiscalYearStartMonth: config().fiscalYearStartMonth }))
});
