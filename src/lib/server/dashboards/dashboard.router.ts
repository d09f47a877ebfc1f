import { router, dashboardProcedure } from '../trpc/t.js';
import { config } from '../config.js';
import { dashboardFilterInput } from './dashboard.filters.js';
import { aftercareDataset, fundingDataset, outreachDataset, overviewDataset } from './datasets.js';

const options = () => ({ fiscalYearStartMonth: config().fiscalYearStartMonth, timeZone: config().timeZone });

export const dashboardRouter = router({
  overview: dashboardProcedure('overview').input(dashboardFilterInput).query(({ ctx, input }) => overviewDataset(ctx.db, input, options())),
  funding: dashboardProcedure('funding').input(dashboardFilterInput).query(({ ctx, input }) => fundingDataset(ctx.db, input, options())),
  aftercare: dashboardProcedure('aftercare').input(dashboardFilterInput).query(({ ctx, input }) => aftercareDataset(ctx.db, input, options())),
  outreach: dashboardProcedure('outreach').input(dashboardFilterInput).query(({ ctx, input }) => outreachDataset(ctx.db, input, options()))
});
