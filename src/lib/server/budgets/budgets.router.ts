import { router, procedureFor } from '../trpc/t.js';
import { config } from '../config.js';
import { budgetSetInput, budgetsListInput, goalSetInput } from './budgets.schemas.js';
import { listBudgets, setBudget, setGoal } from './budgets.service.js';

const planning = procedureFor('leadership', 'admin');
const options = () => ({ fiscalYearStartMonth: config().fiscalYearStartMonth });

export const budgetsRouter = router({
  list: planning.input(budgetsListInput).query(({ ctx, input }) => listBudgets(ctx.db, ctx.user, input, options())),
  set: planning.input(budgetSetInput).mutation(({ ctx, input }) => setBudget(ctx.db, ctx.user, input))
});

export const goalsRouter = router({
  set: planning.input(goalSetInput).mutation(({ ctx, input }) => setGoal(ctx.db, ctx.user, input, options()))
});
