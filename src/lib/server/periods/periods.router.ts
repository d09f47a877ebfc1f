import { router, operationalProcedure, procedureFor, adminProcedure } from '../trpc/t.js';
import { periodsLockInput, periodsStatusInput, periodsUnlockInput } from './periods.schemas.js';
import { lockPeriod, periodsStatus, SIGN_OFF_ROLES, unlockPeriod } from './periods.service.js';

export const periodsRouter = router({
  status: operationalProcedure.input(periodsStatusInput).query(({ ctx, input }) => periodsStatus(ctx.db, ctx.user, input)),
  lock: procedureFor(...SIGN_OFF_ROLES).input(periodsLockInput).mutation(({ ctx, input }) => lockPeriod(ctx.db, ctx.user, input)),
  unlock: adminProcedure.input(periodsUnlockInput).mutation(({ ctx, input }) => unlockPeriod(ctx.db, ctx.user, input))
});
