import { z } from 'zod';
import { divisionCodes } from '../../regions.js';
import { enums } from '../db/schema.js';

export const fundingListInput = z.object({ division: z.enum(divisionCodes), limit: z.number().int().min(1).max(1000).default(300) }).strict();

export const fundingAdvanceInput = z
  .object({
    id: z.number().int().positive(),
    /** The stage the caller saw: the move is a compare-and-set on it. */
    from: z.enum(enums.funding_stage),
    to: z.enum(enums.funding_stage),
    /** Approved amount (to approved) or disbursed amount (to disbursed), in cents. */
    amountCents: z.number().int().min(0, 'The amount cannot be negative.').max(1e12).optional()
  })
  .strict();

export type FundingAdvanceInput = z.infer<typeof fundingAdvanceInput>;
