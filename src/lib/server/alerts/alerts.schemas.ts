import { z } from 'zod';
import { divisionCodes } from '../../regions.js';
import { enums } from '../db/schema.js';
import { id } from '../../validation.js';
import { ALERT_KINDS, KIND_INFO } from '../../alert-kinds.js';

/**
 * A rule, new (no id) or changed (with its id). The threshold is a share in percent or a number of
 * days depending on the kind; the scope is a division, a program area (budgets only) or neither.
 */
export const setRuleInput = z
  .object({
    id: id().optional(),
    kind: z.enum(ALERT_KINDS, { errorMap: () => ({ message: 'Choose what to watch.' }) }),
    threshold: z.number({ invalid_type_error: 'Enter a number.', required_error: 'Enter a number.' }).finite('Enter a number.'),
    division: z.enum(divisionCodes, { errorMap: () => ({ message: 'Choose a division, or every division.' }) }).nullable().default(null),
    programArea: z.enum(enums.program_area, { errorMap: () => ({ message: 'Choose a program area, or every program area.' }) }).nullable().default(null),
    enabled: z.boolean({ invalid_type_error: 'Say whether the rule is on.' }).default(true)
  })
  .strict()
  .superRefine((r, ctx) => {
    const info = KIND_INFO[r.kind];
    const unit = info.threshold === 'percent' ? '%' : ' days';
    if (info.threshold === 'days' && !Number.isInteger(r.threshold)) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'Enter a whole number of days.' });
    } else if (info.threshold === 'percent' && Math.round(r.threshold * 10) !== r.threshold * 10) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'Use at most one decimal place, e.g. 90 or 92.5.' });
    } else if (r.threshold < info.min) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `Use at least ${info.min}${unit}.` });
    } else if (r.threshold > info.max) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `Use at most ${info.max.toLocaleString('en-US')}${unit}.` });
    }
    if (info.scope === 'program_area' && r.division !== null) {
      ctx.addIssue({ code: 'custom', path: ['division'], message: 'Budgets are organisation-wide: scope this rule by program area, not by division.' });
    }
    if (info.scope === 'division' && r.programArea !== null) {
      ctx.addIssue({ code: 'custom', path: ['programArea'], message: 'Only budget rules are scoped by program area: choose a division, or every division.' });
    }
  });

export type SetRuleInput = z.infer<typeof setRuleInput>;

export const listAlertsInput = z
  .object({
    /** Resolved alerts are listed for this many days after they closed. */
    recentDays: z.number().int('Enter a whole number of days.').min(0, 'Cannot be negative.').max(365, 'Use at most 365 days.').default(30),
    limit: z.number().int().min(1).max(200).default(100)
  })
  .strict()
  .default({});
