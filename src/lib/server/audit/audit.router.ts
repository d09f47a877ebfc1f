import { router, adminProcedure } from '../trpc/t.js';
import { auditListInput } from './audit.schemas.js';
import { auditEntities, listAuditLog } from './audit.service.js';

export const auditRouter = router({
  list: adminProcedure.input(auditListInput).query(({ ctx, input }) => listAuditLog(ctx.db, ctx.user, input)),
  entities: adminProcedure.query(({ ctx }) => auditEntities(ctx.db, ctx.user))
});
