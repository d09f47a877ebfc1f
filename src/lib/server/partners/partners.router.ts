import { z } from 'zod';
import { router, operationalProcedure } from '../trpc/t.js';
import { divisionCodes } from '../../regions.js';
import { listPartners, vetPartner } from './partners.service.js';
import { id } from '../../validation.js';

export const partnersRouter = router({
  list: operationalProcedure.input(z.object({ division: z.enum(divisionCodes) }).strict())
    .query(({ ctx, input }) => listPartners(ctx.db, ctx.user, input.division)),
  vet: operationalProcedure.input(z.object({ id: id(), status: z.enum(['vetted', 'suspended']) }).strict())
    .mutation(({ ctx, input }) => vetPartner(ctx.db, ctx.user, input))
});
