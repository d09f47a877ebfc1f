import { router, adminProcedure } from '../trpc/t.js';
import * as s from './kiosk.schemas.js';
import * as service from './kiosk.service.js';

// Device links for wall screens: admins only. The screens themselves call no procedure over HTTP;
// their page load reads their dashboards in-process with the kiosk identity (dashboard.router.ts).
export const kioskRouter = router({
  list: adminProcedure.query(({ ctx }) => service.listKioskLinks(ctx.db, ctx.user)),
  create: adminProcedure.input(s.createKioskLinkInput).mutation(({ ctx, input }) => service.createKioskLink(ctx.db, ctx.user, input)),
  revoke: adminProcedure.input(s.revokeKioskLinkInput).mutation(({ ctx, input }) => service.revokeKioskLink(ctx.db, ctx.user, input.id))
});
