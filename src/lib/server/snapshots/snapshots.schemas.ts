// Input shapes for snapshots (tRPC inputs; the /snapshots forms post the same fields).
import { z } from 'zod';
import { enums } from '../db/schema.js';
import { divisionCodes, regionCodes, divisionOf } from '../../regions.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-09-30.');
const fiscalYear = z.number({ invalid_type_error: 'Enter a fiscal year.' }).int().min(2000).max(2100);

/** Dashboard filters a snapshot is made for (its period sets the fiscal year). */
export const snapshotFilterInput = z
  .object({
    division: z.enum(divisionCodes).optional(),
    state: z.enum(regionCodes).optional(),
    category: z.enum(enums.funding_category).optional()
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.division && f.state && divisionOf(f.state) !== f.division) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['state'], message: `${f.state} is not in the ${f.division} division` });
    }
  });
export type SnapshotFilters = z.infer<typeof snapshotFilterInput>;

export const periodInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fiscal_year'), fiscalYear }).strict(),
  z.object({ kind: z.literal('fiscal_quarter'), fiscalYear, quarter: z.number().int().min(1, 'Quarter 1 to 4.').max(4, 'Quarter 1 to 4.') }).strict(),
  z.object({ kind: z.literal('dates'), from: isoDate, to: isoDate }).strict()
]).superRefine((p, ctx) => {
  if (p.kind === 'dates' && p.to < p.from) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['to'], message: 'The last day must not be before the first.' });
});
export type PeriodInput = z.infer<typeof periodInput>;

const title = z.string().trim().min(1, 'Enter a title.').max(200, 'Use at most 200 characters.');
const notes = z.string().max(20000, 'Use at most 20,000 characters.');
const id = z.number().int().positive();

export const createSnapshotInput = z
  .object({ title, notes: notes.default(''), period: periodInput, filters: snapshotFilterInput.default({}) })
  .strict();
export type CreateSnapshotInput = z.infer<typeof createSnapshotInput>;

export const snapshotIdInput = z.object({ id }).strict();
export const listSnapshotsInput = z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict().default({});
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
    nextRunAt: z.coerce.date({ invalid_type_error: 'Enter the first run time.' }),
    filters: snapshotFilterInput.default({})
  })
  .strict();
export type SetScheduleInput = z.infer<typeof setScheduleInput>;
export const scheduleIdInput = z.object({ id }).strict();

export const createShareLinkInput = z
  .object({ snapshotId: id, expiresInDays: z.number().int().min(1, 'At least 1 day.').max(365, 'At most 365 days.').default(30) })
  .strict();
export const shareLinksInput = z.object({ snapshotId: id }).strict();
export const revokeShareLinkInput = z.object({ id }).strict();
