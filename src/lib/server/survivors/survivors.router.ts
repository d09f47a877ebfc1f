import { router, operationalProcedure } from '../trpc/t.js';
import { survivorCountSetInput, survivorCountsListInput } from './survivors.schemas.js';
import { listSurvivorCounts, setSurvivorCount } from './survivors.service.js';

export const survivorCountsRouter = router({
  list: operationalProcedure.input(survivorCountsListInput).query(({ ctx, input }) => listSurvivorCounts(ctx.db, ctx.user, input)),
  set: operationalProcedure.input(survivorCountSetInput).mutation(({ ctx, input }) => setSurvivorCount(ctx.db, ctx.user, input))
});
