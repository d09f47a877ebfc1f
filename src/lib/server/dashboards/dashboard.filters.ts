import { z } from 'zod';
import { enums } from '../db/schema.js';
import { divisionCodes, regionCodes, divisionOf } from '$lib/regions.js';
import { isoDate as isoDateRule, year } from '$lib/validation.js';

const isoDate = isoDateRule();

/** The region and category filters a dashboard and a snapshot share: a division or a state, a funding category. */
export const regionFilterFields = {
  division: z.enum(divisionCodes).optional(),
  state: z.enum(regionCodes).optional(),
  category: z.enum(enums.funding_category).optional()
};

/** A state outside the chosen division would match nothing: refused, beside the state field. */
export function refuseStateOutsideDivision(f: { division?: string; state?: (typeof regionCodes)[number] }, ctx: z.RefinementCtx): void {
  if (f.division && f.state && divisionOf(f.state) !== f.division) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['state'], message: `${f.state} is not in the ${f.division} division` });
  }
}

/**
 * Every dashboard's filters: a fiscal year OR a date range (`from`..`to`, both days included; the
 * monthly figures take every month the range touches), a division or state, a funding category.
 */
export const dashboardFilterInput = z
  .object({
    fiscalYear: year('a fiscal year').optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    ...regionFilterFields
  })
  .strict()
  .superRefine((f, ctx) => {
    refuseStateOutsideDivision(f, ctx);
    if (f.fiscalYear !== undefined && (f.from || f.to)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['fiscalYear'], message: 'Choose a fiscal year or a date range, not both' });
    }
    if (Boolean(f.from) !== Boolean(f.to)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [f.from ? 'to' : 'from'], message: 'A date range needs both from and to' });
    }
    if (f.from && f.to && f.from > f.to) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['to'], message: 'The range ends before it starts' });
    }
    if (f.from && f.to && Number(f.to.slice(0, 4)) - Number(f.from.slice(0, 4)) > 10) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['to'], message: 'A date range spans at most ten years' });
    }
  });

export type DashboardFilterInput = z.infer<typeof dashboardFilterInput>;
