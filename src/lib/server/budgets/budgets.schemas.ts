import { z } from 'zod';
import { divisionCodes } from '../../regions.js';
import { enums } from '../db/schema.js';
import { cents, count, text, year } from '../../validation.js';

export const budgetsListInput = z.object({ fiscalYear: year('a fiscal year') }).strict();

export const budgetSetInput = z
  .object({
    fiscalYear: year('a fiscal year'),
    programArea: z.enum(enums.program_area, { errorMap: () => ({ message: 'Choose a program area.' }) }),
    /** The part of the budget any program cost may use. */
    amountCents: cents('A budget cannot be negative.'),
    /** Donor-restricted lines: who gave it for what, and how much (each adds to the area's budget). */
    restrictions: z
      .array(
        z.object({
          restriction: text({ min: 2, max: 200, tooShort: 'Describe the restriction (donor and purpose) in at least 2 characters.', tooLong: 'Describe the restriction in at most 200 characters.' }),
          amountCents: cents('A restricted amount cannot be negative.')
        }).strict(),
        { errorMap: () => ({ message: 'Send the restricted lines as a list.' }) }
      )
      .max(20, 'Use at most 20 restricted lines per program area.')
      .default([])
  })
  .strict()
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.restrictions.forEach((r, i) => {
      const key = r.restriction.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['restrictions', i, 'restriction'], message: `"${r.restriction}" is listed twice: combine the two lines.` });
      seen.add(key);
    });
  });

export const goalSetInput = z
  .object({
    division: z.enum(divisionCodes, { errorMap: () => ({ message: 'Choose a division.' }) }),
    fiscalYear: year('a fiscal year'),
    peopleGoal: count({ min: 1, max: 10_000_000, tooSmall: 'The goal for people reached must be at least 1.', tooLarge: 'Use at most 10,000,000 people.' }),
    eventsGoal: count({ max: 100_000, tooSmall: 'The goal for events cannot be negative.', tooLarge: 'Use at most 100,000 events.' }).nullable().default(null)
  })
  .strict();

export type BudgetSetInput = z.infer<typeof budgetSetInput>;
export type GoalSetInput = z.infer<typeof goalSetInput>;
