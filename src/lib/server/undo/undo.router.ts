import { router, operationalProcedure } from '../trpc/t.js';
import { undoLast } from './undo.service.js';

export const undoRouter = router({
  last: operationalProcedure.mutation(({ ctx }) => undoLast(ctx.db, ctx.user))
});
