import { z } from 'zod';
import { regionCodes, divisionCodes } from '../../regions.js';
import { enums } from '../db/schema.js';

export const needsListInput = z
  .object({
    /** Only these states/provinces; absent = everywhere. */
    states: z.array(z.enum(regionCodes)).min(1, 'Name at least one state, or leave the filter out.').max(regionCodes.length).optional(),
    division: z.enum(divisionCodes).optional(),
    includeClosed: z.boolean().default(false),
    limit: z.number().int().min(1).max(1000).default(500)
  })
  .strict();

export type NeedsListInput = z.infer<typeof needsListInput>;

/** YYYY-MM-DD, a real calendar day. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-12-31 (year-month-day).')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'That day does not exist.');

const id = z.number().int().positive();
const version = z.number().int().positive('Send the version your edit is based on.');

/** The fields a coordinator edits on a need (camelCase; the repository maps them to columns). */
export const needFields = {
  title: z.string().trim().min(3, 'Give the need a title (at least 3 characters).').max(200, 'Keep the title under 200 characters.'),
  centerId: id,
  kind: z.enum(enums.need_kind),
  basicNeedType: z.enum(enums.basic_need_type).nullable(),
  quantity: z.number().int('Quantity is a whole number.').min(1, 'Quantity must be at least 1.').max(1_000_000),
  priority: z.enum(enums.need_priority),
  neededBy: isoDate.nullable(),
  estimatedCostCents: z.number().int().min(0, 'The estimated cost cannot be negative.').max(1e12)
};
export type NeedField = keyof typeof needFields;
export const needFieldNames = Object.keys(needFields) as NeedField[];

const partialFields = z.object(needFields).partial().strict();

export const needGetInput = z.object({ id }).strict();

export const needCreateInput = z
  .object({
    ...needFields,
    basicNeedType: needFields.basicNeedType.default(null),
    quantity: needFields.quantity.default(1),
    priority: needFields.priority.default('normal'),
    neededBy: needFields.neededBy.default(null),
    estimatedCostCents: needFields.estimatedCostCents.default(0)
  })
  .strict();

export const needUpdateInput = z
  .object({
    id,
    version,
    changes: partialFields.refine((c) => Object.keys(c).length > 0, 'Change at least one field.'),
    /** The values of the changed fields as the caller last saw them: with it, a stale version still
     *  succeeds when no one else changed those fields in between (field-level merge). */
    base: partialFields.optional()
  })
  .strict();

export const needMoveInput = z.object({ id, version, to: z.enum(enums.need_status) }).strict();

export const needPledgeInput = z
  .object({
    id,
    version,
    pledgedBy: z.string().trim().min(2, 'Name who pledged (at least 2 characters).').max(200),
    amountCents: z.number().int().min(0, 'The pledged amount cannot be negative.').max(1e12),
    expectedOn: isoDate.nullable().default(null)
  })
  .strict();

export const needFulfilInput = z
  .object({ id, version, quantity: z.number().int().min(1, 'Fulfil at least 1.').max(1_000_000) })
  .strict();

export type NeedCreateInput = z.infer<typeof needCreateInput>;
export type NeedUpdateInput = z.infer<typeof needUpdateInput>;
export type NeedMoveInput = z.infer<typeof needMoveInput>;
export type NeedPledgeInput = z.infer<typeof needPledgeInput>;
export type NeedFulfilInput = z.infer<typeof needFulfilInput>;
export type NeedChanges = z.infer<typeof partialFields>;
