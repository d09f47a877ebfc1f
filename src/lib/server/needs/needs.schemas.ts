import { z } from 'zod';
import { regionCodes } from '../../regions.js';

export const needsListInput = z
  .object({
    /** Only these states/provinces; absent = everywhere. */
    states: z.array(z.enum(regionCodes)).min(1, 'Name at least one state, or leave the filter out.').max(regionCodes.length).optional(),
    includeClosed: z.boolean().default(false),
    limit: z.number().int().min(1).max(1000).default(500)
  })
  .strict();

export type NeedsListInput = z.infer<typeof needsListInput>;
