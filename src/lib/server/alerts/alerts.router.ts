import { router, operationalProcedure, procedureFor } from '../trpc/t.js';
import { config } from '../config.js';
import { listAlertsInput, setRuleInput } from './alerts.schemas.js';
import { listAlerts, listRules, setRule } from './alerts.service.js';

// Rules: every operational role reads (coordinators those covering their divisions); leadership and
// admins set them. Alerts: leadership and admins all, coordinators those of their regions, board none.
export const alertsRouter = router({
  rules: operationalProcedure.query(({ ctx }) => listRules(ctx.db, ctx.user)),
  setRule: procedureFor('leadership', 'admin')
    .input(setRuleInput)
    .mutation(({ ctx, input }) => setRule(ctx.db, ctx.user, input, { fiscalYearStartMonth: config().fiscalYearStartMonth })),
  list: operationalProcedure.input(listAlertsInput).query(({ ctx, input }) => listAlerts(ctx.db, ctx.user, input))
});
