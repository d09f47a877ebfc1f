import { router, operationalProcedure } from '../trpc/t.js';
import { needsListInput } from './needs.schemas.js';
import { listNeeds } from './needs.service.js';

export const needsRouter = router({
  list: operationalProcedure.input(needsListInput).query(({ ctx, input }) => listNeeds(ctx.db, ctx.user, input))
});
