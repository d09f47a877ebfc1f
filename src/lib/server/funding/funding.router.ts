import { router, operationalProcedure, procedureFor } from '../trpc/t.js';
import { config } from '../config.js';
import {
  fundingAdvanceInput, fundingCorrectInput, fundingCreateInput, fundingDeliverInput, fundingGetInput, fundingListInput, fundingOverdueInput,
  fundingPayInput, fundingUpdateInput
} from './funding.schemas.js';
import {
  advanceFunding, correctFunding, createFunding, deliverInKind, getFunding, listFunding, listOverdueReports, payFunding, updateFunding
} from './funding.service.js';

const options = () => ({ fiscalYearStartMonth: config().fiscalYearStartMonth });

export const fundingRouter = router({
  list: operationalProcedure.input(fundingListInput).query(({ ctx, input }) => listFunding(ctx.db, ctx.user, input)),
  get: operationalProcedure.input(fundingGetInput).query(({ ctx, input }) => getFunding(ctx.db, ctx.user, input.id)),
  overdueReports: operationalProcedure.input(fundingOverdueInput).query(({ ctx, input }) => listOverdueReports(ctx.db, ctx.user, input)),
  create: operationalProcedure.input(fundingCreateInput).mutation(({ ctx, input }) => createFunding(ctx.db, ctx.user, input, options())),
  update: operationalProcedure.input(fundingUpdateInput).mutation(({ ctx, input }) => updateFunding(ctx.db, ctx.user, input)),
  advance: operationalProcedure.input(fundingAdvanceInput).mutation(({ ctx, input }) => advanceFunding(ctx.db, ctx.user, input)),
  pay: operationalProcedure.input(fundingPayInput).mutation(({ ctx, input }) => payFunding(ctx.db, ctx.user, input)),
  deliver: operationalProcedure.input(fundingDeliverInput).mutation(({ ctx, input }) => deliverInKind(ctx.db, ctx.user, input)),
  correct: procedureFor('leadership', 'admin').input(fundingCorrectInput).mutation(({ ctx, input }) => correctFunding(ctx.db, ctx.user, input))
});
