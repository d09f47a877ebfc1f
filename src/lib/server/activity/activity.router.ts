import { z } from 'zod';
import { router, operationalProcedure } from '../trpc/t.js';
import { divisionCodes } from '../../regions.js';
import { listActivity } from './activity.service.js';
import { count, id } from '../../validation.js';

export const activityRouter = router({
  list: operationalProcedure
    .input(z.object({
      /** Absent: every division. */
      division: z.enum(divisionCodes).optional(),
      /** Only this need's history. */
      needId: id().optional(),
      limit: count({ min: 1, max: 200 }).default(50),
      beforeId: id().optional()
    }).strict())
    .query(({ ctx, input }) => listActivity(ctx.db, ctx.user, input))
});
