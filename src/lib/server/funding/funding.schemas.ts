import { z } from 'zod';
import { divisionCodes } from '../../regions.js';
import { enums } from '../db/schema.js';
import { cents, count, id } from '../../validation.js';

export const fundingListInput = z.object({ division: z.enum(divisionCodes), limit: count({ min: 1, max: 1000 }).default(300) }).strict();

export const fundingAdvanceInput = z
  .object({
    id: id(),
    /** The stage the caller saw: the move is a compare-and-set on it. */
    from: z.enum(enums.funding_stage),
    to: z.enum(enums.funding_stage),
    /** Approved amount (to approved) or disbursed amount (to disbursed), in cents. */
    amountCents: cents().optional()
  })
  .strict();

export type FundingAdvanceInput = z.infer<typeof fundingAdvanceInput>;
