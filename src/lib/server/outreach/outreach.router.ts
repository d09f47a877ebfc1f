import { router, operationalProcedure } from '../trpc/t.js';
import { outreachCreateInput, outreachDeleteInput, outreachListInput, outreachUpdateInput } from './outreach.schemas.js';
import { createOutreach, deleteOutreach, listOutreach, updateOutreach } from './outreach.service.js';

export const outreachRouter = router({
  list: operationalProcedure.input(outreachListInput).query(({ ctx, input }) => listOutreach(ctx.db, ctx.user, input)),
  create: operationalProcedure.input(outreachCreateInput).mutation(({ ctx, input }) => createOutreach(ctx.db, ctx.user, input)),
  update: operationalProcedure.input(outreachUpdateInput).mutation(({ ctx, input }) => updateOutreach(ctx.db, ctx.user, input)),
  delete: operationalProcedure.input(outreachDeleteInput).mutation(({ ctx, input }) => deleteOutreach(ctx.db, ctx.user, input))
});
