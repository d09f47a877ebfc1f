import { router, operationalProcedure } from '../trpc/t.js';
import { createPartner, listPartners, updatePartner, vetPartner } from './partners.service.js';
import { partnerCreateInput, partnerListInput, partnerUpdateInput, partnerVetInput } from './partners.schemas.js';

export const partnersRouter = router({
  list: operationalProcedure.input(partnerListInput).query(({ ctx, input }) => listPartners(ctx.db, ctx.user, input.division)),
  create: operationalProcedure.input(partnerCreateInput).mutation(({ ctx, input }) => createPartner(ctx.db, ctx.user, input)),
  update: operationalProcedure.input(partnerUpdateInput).mutation(({ ctx, input }) => updatePartner(ctx.db, ctx.user, input)),
  vet: operationalProcedure.input(partnerVetInput).mutation(({ ctx, input }) => vetPartner(ctx.db, ctx.user, input))
});
