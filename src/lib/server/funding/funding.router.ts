import { router, operationalProcedure } from '../trpc/t.js';
import { fundingAdvanceInput, fundingListInput } from './funding.schemas.js';
import { advanceFunding, listFunding } from './funding.service.js';

export const fundingRouter = router({
  list: operationalProcedure.input(fundingListInput).query(({ ctx, input }) => listFunding(ctx.db, ctx.user, input)),
  advance: operationalProcedure.input(fundingAdvanceInput).mutation(({ ctx, input }) => advanceFunding(ctx.db, ctx.user, input))
});
