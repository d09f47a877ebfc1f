import { router, signedInProcedure, enrolmentProcedure } from '../trpc/t.js';
import { changeNameInput, changePasswordInput, sessionRefInput, totpCodeInput } from './auth.schemas.js';
import * as account from './account.service.js';
import * as twoFactor from './two-factor.service.js';

export const authRouter = router({
  /** Who am I (any signed-in role): what the browser may show; the server re-checks everything. */
  me: signedInProcedure.query(({ ctx }) => ctx.user),
  changeName: signedInProcedure.input(changeNameInput).mutation(({ ctx, input }) => account.changeName(ctx.db, ctx.user, input.displayName)),
  changePassword: signedInProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => account.changePassword(ctx.db, ctx.user, ctx.sessionId ?? null, input)),
  sessions: signedInProcedure.query(({ ctx }) => account.listSessions(ctx.db, ctx.user, ctx.sessionId ?? null)),
  revokeSession: signedInProcedure.input(sessionRefInput).mutation(({ ctx, input }) => account.revokeSession(ctx.db, ctx.user, input.sessionId)),
  revokeOtherSessions: signedInProcedure.mutation(({ ctx }) => account.revokeOtherSessions(ctx.db, ctx.user, ctx.sessionId ?? null)),
  secondFactor: signedInProcedure.query(({ ctx }) => twoFactor.secondFactorStatus(ctx.db, ctx.user)),
  // These two answer while BEACON_REQUIRE_2FA still owes an enrolment (and nothing else does).
  totpEnroll: enrolmentProcedure.mutation(({ ctx }) => twoFactor.totpEnroll(ctx.db, ctx.user)),
  totpConfirm: enrolmentProcedure.input(totpCodeInput).mutation(({ ctx, input }) => twoFactor.totpConfirm(ctx.db, ctx.user, input.code))
});
