import { router, signedInProcedure } from '../trpc/t.js';

export const authRouter = router({
  /** Who am I (any signed-in role): what the browser may show; the server re-checks everything. */
  me: signedInProcedure.query(({ ctx }) => ctx.user)
});
