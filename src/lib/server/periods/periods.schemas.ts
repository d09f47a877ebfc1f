import { z } from 'zod';
import { divisionCodes } from '../../regions.js';
import { count, isoMonth, text } from '../../validation.js';

/** The sign-off grid: `months` months ending with `to` (default: the current month), newest first. */
export const periodsStatusInput = z
  .object({ to: isoMonth().optional(), months: count({ min: 1, max: 24, tooSmall: 'Show at least 1 month.', tooLarge: 'Show at most 24 months.' }).default(6) })
  .strict();

export const periodsLockInput = z.object({ division: z.enum(divisionCodes), month: isoMonth() }).strict();

export const periodsUnlockInput = z
  .object({
    division: z.enum(divisionCodes),
    month: isoMonth(),
    reason: text({ min: 3, max: 2000, tooShort: 'Write why the month is reopened (at least 3 characters).', tooLong: 'Write the reason in at most 2,000 characters.' })
  })
  .strict();

export type PeriodsStatusInput = z.infer<typeof periodsStatusInput>;
export type PeriodsLockInput = z.infer<typeof periodsLockInput>;
export type PeriodsUnlockInput = z.infer<typeof periodsUnlockInput>;
