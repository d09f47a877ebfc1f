import { router, operationalProcedure } from '../trpc/t.js';
import { config } from '../config.js';
import { fundingAdvanceInput, fundingCreateInput, fundingGetInput, fundingListInput, fundingUpdateInput } from './funding.schemas.js';
import { advanceFunding, createFunding, getFunding, listFunding, updateFunding } from './funding.service.js';

const options = () => ({ fiscalYearStartMonth: config().fiscalYearStartMonth });

export const fundingRouter = router({
  list: operationalProcedure.input(fundingListInput).query(({ ctx, input }) => listFunding(ctx.db, ctx.user, input)),
  get: operationalProcedure.input(fundingGetInput).query(({ ctx, input }) => getFunding(ctx.db, ctx.user, input.id)),
  create: operationalProcedure.input(fundingCreateInput).mutation(({ ctx, input }) => createFunding(ctx.db, ctx.user, input, options())),
  update: operationalProcedure.input(fundingUpdateInput).mutation(({ ctx, input }) => updateFunding(ctx.db, ctx.user, input)),
  advance: operationalProcedure.input(fundingAdvanceInput).mutation(({ ctx, input }) => advanceFunding(ctx.db, ctx.user, input))
});
