import { z } from 'zod';
import { router, operationalProcedure } from '../trpc/t.js';
import { divisionCodes } from '../../regions.js';
import {
  needAssignInput, needCreateInput, needFulfilInput, needGetInput, needMoveInput, needPledgeInput, needsListInput, needsPageInput, needUpdateInput
} from './needs.schemas.js';
import { assignNeed, createNeed, fulfilNeed, getNeed, listCenters, listNeeds, moveNeed, pageNeeds, pledgeNeed, updateNeed } from './needs.service.js';

// Region checks for writes live in the service (one statement with the write, no extra round trip).
export const needsRouter = router({
  list: operationalProcedure.input(needsListInput).query(({ ctx, input }) => listNeeds(ctx.db, ctx.user, input)),
  page: operationalProcedure.input(needsPageInput).query(({ ctx, input }) => pageNeeds(ctx.db, ctx.user, input)),
  get: operationalProcedure.input(needGetInput).query(({ ctx, input }) => getNeed(ctx.db, ctx.user, input.id)),
  centers: operationalProcedure
    .input(z.object({ division: z.enum(divisionCodes).optional() }).strict())
    .query(({ ctx, input }) => listCenters(ctx.db, ctx.user, input.division)),
  create: operationalProcedure.input(needCreateInput).mutation(({ ctx, input }) => createNeed(ctx.db, ctx.user, input)),
  update: operationalProcedure.input(needUpdateInput).mutation(({ ctx, input }) => updateNeed(ctx.db, ctx.user, input)),
  assign: operationalProcedure.input(needAssignInput).mutation(({ ctx, input }) => assignNeed(ctx.db, ctx.user, input)),
  move: operationalProcedure.input(needMoveInput).mutation(({ ctx, input }) => moveNeed(ctx.db, ctx.user, input)),
  pledge: operationalProcedure.input(needPledgeInput).mutation(({ ctx, input }) => pledgeNeed(ctx.db, ctx.user, input)),
  fulfil: operationalProcedure.input(needFulfilInput).mutation(({ ctx, input }) => fulfilNeed(ctx.db, ctx.user, input))
});
