import { router, operationalProcedure } from '../trpc/t.js';
import { config } from '../config.js';
import { dashboardFilterInput } from './dashboard.filters.js';
import { aftercareDataset, fundingDataset, outreachDataset, overviewDataset } from './datasets.js';

const options = () => ({ fiscalYearStartMonth: config().fiscalYearStartMonth, timeZone: config().timeZone });

export const dashboardRouter = router({
  overview: operationalProcedure.input(dashboardFilterInput).query(({ ctx, input }) => overviewDataset(ctx.db, input, options())),
  funding: operationalProcedure.input(dashboardFilterInput).query(({ ctx, input }) => fundingDataset(ctx.db, input, options())),
  aftercare: operationalProcedure.input(dashboardFilterInput).query(({ ctx, input }) => aftercareDataset(ctx.db, input, options())),
  outreach: operationalProcedure.input(dashboardFilterInput).query(({ ctx, input }) => outreachDataset(ctx.db, input, options()))
});
