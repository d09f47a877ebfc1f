import { z } from 'zod';
import { divisionCodes } from '../../regions.js';
import { count, id, isoMonth } from '../../validation.js';

const measure = (what: string) => count({ max: 1_000_000, tooSmall: `${what} cannot be negative.`, tooLarge: `${what}: use at most 1,000,000.` });

export const survivorCountsListInput = z.object({ division: z.enum(divisionCodes), month: isoMonth() }).strict();

export const survivorCountSetInput = z
  .object({
    centerId: id(),
    month: isoMonth(),
    served: measure('Survivors served'),
    newIntakes: measure('New intakes'),
    bedNights: measure('Bed nights'),
    exitsToSafeHousing: measure('Exits to safe housing'),
    /** Values far above the center's usual months are saved only once the person confirms them. */
    confirmed: z.boolean({ invalid_type_error: 'Choose yes or no.' }).default(false)
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.newIntakes > v.served) ctx.addIssue({ code: 'custom', path: ['newIntakes'], message: 'New intakes cannot be more than survivors served.' });
    if (v.exitsToSafeHousing > v.served) ctx.addIssue({ code: 'custom', path: ['exitsToSafeHousing'], message: 'Exits to safe housing cannot be more than survivors served.' });
    if (v.bedNights > v.served * 31) ctx.addIssue({ code: 'custom', path: ['bedNights'], message: 'Bed nights cannot be more than 31 for each survivor served.' });
  });

export type SurvivorCountSetInput = z.infer<typeof survivorCountSetInput>;
