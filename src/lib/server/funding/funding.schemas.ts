import { z } from 'zod';
import { divisionCodes } from '../../regions.js';
import { enums } from '../db/schema.js';
import { cents, count, id, isoDate, text, version } from '../../validation.js';
import { IN_KIND_ITEMS } from '../../funding-labels.js';

/** `division` absent: every division. */
export const fundingListInput = z.object({ division: z.enum(divisionCodes).optional(), limit: count({ min: 1, max: 1000 }).default(300) }).strict();

export const fundingAdvanceInput = z
  .object({
    id: id(),
    /** The stage the caller saw: the move is a compare-and-set on it. */
    from: z.enum(enums.funding_stage),
    to: z.enum(enums.funding_stage),
    /** Approved amount (to approved) or disbursed amount (to disbursed), in cents. */
    amountCents: cents().optional(),
    /**
     * Why: required to decline or withdraw, and to approve above the amount requested or above the
     * program area's remaining budget for the fiscal year.
     */
    reason: text({ min: 3, max: 2000, tooShort: 'Write the reason (at least 3 characters).', tooLong: 'Use at most 2,000 characters.' }).optional(),
    /** Disbursing: the day the payment was made (default today) and its reference (cheque, wire). */
    paidOn: isoDate().optional(),
    reference: text({ min: 1, max: 200, tooLong: 'A reference has at most 200 characters.' }).optional(),
    /** Disbursing: the day the grantee's report is due. */
    reportDueOn: isoDate().optional()
  })
  .strict();

export const inKindLineInput = z
  .object({
    item: z.enum(IN_KIND_ITEMS, { errorMap: () => ({ message: 'Choose what is given in kind.' }) }),
    units: count({ min: 1, max: 100_000, tooSmall: 'Enter at least 1 unit.', tooLarge: 'Use at most 100,000 units.' }),
    unitCostCents: cents('The unit cost cannot be negative.')
  })
  .strict();

const requestFields = {
  partnerId: id(),
  title: text({ min: 3, max: 200, tooShort: 'A title has at least 3 characters.', tooLong: 'A title has at most 200 characters.' }),
  category: z.enum(enums.funding_category, { errorMap: () => ({ message: 'Choose a category.' }) }),
  programArea: z.enum(enums.program_area, { errorMap: () => ({ message: 'Choose a program area.' }) }),
  requestedCents: cents().refine((c) => c > 0, 'Enter the amount requested (above zero).'),
  purpose: text({ min: 3, max: 4000, tooShort: 'Describe the purpose (at least 3 characters).', tooLong: 'Use at most 4,000 characters.' }),
  inKind: z.array(inKindLineInput).max(20, 'Use at most 20 in-kind lines.'),
  needIds: z.array(id()).max(20, 'Link at most 20 needs.')
};

export const fundingCreateInput = z
  .object({ ...requestFields, inKind: requestFields.inKind.default([]), needIds: requestFields.needIds.default([]) })
  .strict();

export const fundingUpdateInput = z
  .object({
    id: id(),
    /** The version the edit is based on: a compare-and-set. */
    version: version(),
    changes: z.object(requestFields).partial().strict()
      .refine((c) => Object.values(c).some((v) => v !== undefined), 'Change at least one field.')
  })
  .strict();

export const fundingGetInput = z.object({ id: id() }).strict();

export type FundingAdvanceInput = z.infer<typeof fundingAdvanceInput>;
export type FundingCreateInput = z.infer<typeof fundingCreateInput>;
export type FundingUpdateInput = z.infer<typeof fundingUpdateInput>;
export type InKindLineInput = z.infer<typeof inKindLineInput>;

const reasonText = (tooShort: string) => text({ min: 3, max: 2000, tooShort, tooLong: 'Use at most 2,000 characters.' });

export const fundingPayInput = z
  .object({
    id: id(),
    amountCents: cents().refine((c) => c > 0, 'Enter the amount paid (above zero).'),
    paidOn: isoDate(),
    reference: text({ min: 1, max: 200, tooLong: 'A reference has at most 200 characters.' }).optional()
  })
  .strict();

export const fundingCorrectInput = z
  .object({
    id: id(),
    /** The approval or payment corrected. */
    eventId: id(),
    /** What the amount should have been. */
    amountCents: cents().refine((c) => c > 0, 'Enter the corrected amount (above zero).'),
    reason: reasonText('A correction needs a reason: write why the amount changes (at least 3 characters).')
  })
  .strict();

export const fundingDeliverInput = z
  .object({
    lineId: id(),
    deliveredOn: isoDate(),
    note: reasonText('Write what was delivered (at least 3 characters), like "K9 deployed with the task force".')
  })
  .strict();

export const fundingOverdueInput = z.object({ division: z.enum(divisionCodes).optional(), limit: count({ min: 1, max: 500 }).default(100) }).strict();

export type FundingPayInput = z.infer<typeof fundingPayInput>;
export type FundingCorrectInput = z.infer<typeof fundingCorrectInput>;
export type FundingDeliverInput = z.infer<typeof fundingDeliverInput>;
