import { router, adminProcedure } from '../trpc/t.js';
import { inviteUserInput, updateUserInput, userRefInput } from './users.schemas.js';
import * as users from './users.service.js';
import { issueResetLink } from '../auth/password-reset.service.js';
import { resetSecondFactor } from '../auth/two-factor.service.js';

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => users.listUsers(ctx.db, ctx.user)),
  invite: adminProcedure.input(inviteUserInput).mutation(({ ctx, input }) => users.inviteUser(ctx.db, ctx.user, input)),
  reissueInvite: adminProcedure.input(userRefInput).mutation(({ ctx, input }) => users.reissueInvitation(ctx.db, ctx.user, input.userId)),
  update: adminProcedure.input(updateUserInput).mutation(({ ctx, input }) => users.updateUser(ctx.db, ctx.user, input)),
  deactivate: adminProcedure.input(userRefInput).mutation(({ ctx, input }) => users.deactivateUser(ctx.db, ctx.user, input.userId)),
  reactivate: adminProcedure.input(userRefInput).mutation(({ ctx, input }) => users.reactivateUser(ctx.db, ctx.user, input.userId)),
  resetLink: adminProcedure.input(userRefInput).mutation(({ ctx, input }) => issueResetLink(ctx.db, ctx.user, input.userId)),
  resetSecondFactor: adminProcedure.input(userRefInput).mutation(({ ctx, input }) => resetSecondFactor(ctx.db, ctx.user, input.userId))
});
