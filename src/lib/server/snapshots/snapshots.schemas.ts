// Input shapes for snapshots (tRPC inputs; the /snapshots forms post the same fields).
import { z } from 'zod';
import { regionFilterFields, refuseStateOutsideDivision } from '../dashboards/dashboard.filters.js';
import { count, id as idRule, instant, isoDate as isoDateRule, text, year } from '../../validation.js';

const isoDate = isoDateRule();
const fiscalYear = year('a fiscal year');

/** Dashboard filters a snapshot is made for (its period sets the fiscal year). */
export const snapshotFilterInput = z.object(regionFilterFields).strict().superRefine(refuseStateOutsideDivision);
export type SnapshotFilters = z.infer<typeof snapshotFilterInput>;

export const periodInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fiscal_year'), fiscalYear }).strict(),
  z.object({ kind: z.literal('fiscal_quarter'), fiscalYear, quarter: count({ min: 1, max: 4, tooSmall: 'Quarter 1 to 4.', tooLarge: 'Quarter 1 to 4.' }) }).strict(),
  z.object({ kind: z.literal('dates'), from: isoDate, to: isoDate }).strict()
]).superRefine((p, ctx) => {
  if (p.kind === 'dates' && p.to < p.from) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['to'], message: 'The last day must not be before the first.' });
});
export type PeriodInput = z.infer<typeof periodInput>;

const title = text({ min: 1, max: 200, tooShort: 'Enter a title.' });
const notes = text({ max: 20000 });
const id = idRule();

export const createSnapshotInput = z
  .object({ title, notes: notes.default(''), period: periodInput, filters: snapshotFilterInput.default({}) })
  .strict();
export type CreateSnapshotInput = z.infer<typeof createSnapshotInput>;

export const snapshotIdInput = z.object({ id }).strict();
export const listSnapshotsInput = z.object({ limit: count({ min: 1, max: 500 }).default(100) }).strict().default({});
export const updateNotesInput = z.object({ id, title: title.optional(), notes: notes.optional() }).strict();
export const compareInput = z
  .object({ a: id, b: id })
  .strict()
  .refine((c) => c.a !== c.b, { path: ['b'], message: 'Choose two different snapshots.' });

export const setScheduleInput = z
  .object({
    id: id.optional(),
    title,
    frequency: z.enum(['monthly', 'quarterly']),
    nextRunAt: instant('the first run time'),
    filters: snapshotFilterInput.default({}),
    /** Users mailed each run's PDF and link (their email addresses); absent = unchanged (none for a new schedule). */
    subscribers: z
      .array(z.string().trim().toLowerCase().max(254, 'An email address has at most 254 characters.').email('Enter email addresses like name@example.org.'))
      .max(50, 'At most 50 subscribers.')
      .optional()
  })
  .strict();
export type SetScheduleInput = z.infer<typeof setScheduleInput>;
export const scheduleIdInput = z.object({ id }).strict();

export const createShareLinkInput = z
  .object({ snapshotId: id, expiresInDays: count({ min: 1, max: 365, tooSmall: 'At least 1 day.', tooLarge: 'At most 365 days.' }).default(30) })
  .strict();
export const shareLinksInput = z.object({ snapshotId: id }).strict();
export const revokeShareLinkInput = z.object({ id }).strict();
