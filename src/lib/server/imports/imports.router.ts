import { router, procedureFor } from '../trpc/t.js';
import { config } from '../config.js';
import { importInput } from './imports.schemas.js';
import { commitImport, previewImport } from './imports.service.js';

// Leadership and admins import anything; coordinators only rows of their regions (checked per row).
const importProcedure = procedureFor('leadership', 'admin', 'coordinator');
const options = () => ({ fiscalYearStartMonth: config().fiscalYearStartMonth });

export const importsRouter = router({
  preview: importProcedure.input(importInput).mutation(({ ctx, input }) => previewImport(ctx.db, ctx.user, input, options())),
  commit: importProcedure.input(importInput).mutation(({ ctx, input }) => commitImport(ctx.db, ctx.user, input, options()))
});
