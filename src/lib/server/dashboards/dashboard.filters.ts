import { z } from 'zod';
import { enums } from '../db/schema.js';
import { divisionCodes, regionCodes, divisionOf } from '$lib/regions.js';

export const dashboardFilterInput = z
  .object({
    fiscalYear: z.number().int().min(2000).max(2100).optional(),
    division: z.enum(divisionCodes).optional(),
    state: z.enum(regionCodes).optional(),
    category: z.enum(enums.funding_category).optional()
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.division && f.state && divisionOf(f.state) !== f.division) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['state'],
        message: `${f.state} is not in the ${f.division} division`
      });
    }
  });

export type DashboardFilterInput = z.infer<typeof dashboardFilterInput>;
