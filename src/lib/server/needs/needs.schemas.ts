import { z } from 'zod';
import { regionCodes, divisionCodes } from '../../regions.js';
import { enums } from '../db/schema.js';
import { cents, cleanText, count, id as idRule, isoDate as isoDateRule, text, version as versionRule } from '../../validation.js';

export const needsListInput = z
  .object({
    /** Only these states/provinces; absent = everywhere. */
    states: z.array(z.enum(regionCodes)).min(1, 'Name at least one state, or leave the filter out.').max(regionCodes.length).optional(),
    division: z.enum(divisionCodes).optional(),
    includeClosed: z.boolean().default(false),
    limit: count({ min: 1, max: 5000 }).default(500)
  })
  .strict();

export type NeedsListInput = z.infer<typeof needsListInput>;

/** The chips of the needs table: the open ones ('active'), each status, or all. */
export const NEED_STATUS_FILTERS = ['active', 'all', ...enums.need_status] as const;
export const NEED_SORT_KEYS = ['title', 'centerName', 'status', 'priority', 'quantity', 'neededBy', 'estimatedCostCents'] as const;

/** One page of the needs table: search, chip, filters and order answered in the database (a division may hold thousands). */
export const needsPageInput = z
  .object({
    division: z.enum(divisionCodes).optional(),
    text: cleanText().max(200, 'Search with at most 200 characters.').default(''),
    status: z.enum(NEED_STATUS_FILTERS).default('active'),
    priority: z.enum(enums.need_priority).optional(),
    kind: z.enum(enums.need_kind).optional(),
    sort: z.enum(NEED_SORT_KEYS).default('status'),
    dir: z.enum(['asc', 'desc']).default('asc'),
    offset: count({ min: 0, max: 1_000_000 }).default(0),
    limit: count({ min: 1, max: 200 }).default(50)
  })
  .strict();

export type NeedsPageInput = z.infer<typeof needsPageInput>;

const isoDate = isoDateRule();
const id = idRule();
const version = versionRule();

/** The fields a coordinator edits on a need (camelCase; the repository maps them to columns). */
export const needFields = {
  title: text({ min: 3, max: 200, tooShort: 'Give the need a title (at least 3 characters).', tooLong: 'Keep the title under 200 characters.' }),
  centerId: id,
  kind: z.enum(enums.need_kind),
  basicNeedType: z.enum(enums.basic_need_type).nullable(),
  quantity: count({ min: 1, max: 1_000_000, tooSmall: 'Quantity must be at least 1.' }),
  priority: z.enum(enums.need_priority),
  neededBy: isoDate.nullable(),
  estimatedCostCents: cents('The estimated cost cannot be negative.')
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
/** Who works on a need: a colleague's user id, or null for nobody. */
export const needAssignInput = z.object({ id, version, assigneeId: text({ min: 1, max: 64 }).nullable() }).strict();

export const needPledgeInput = z
  .object({
    id,
    version,
    pledgedBy: text({ min: 2, max: 200, tooShort: 'Name who pledged (at least 2 characters).' }),
    amountCents: cents('The pledged amount cannot be negative.'),
    expectedOn: isoDate.nullable().default(null)
  })
  .strict();

export const needFulfilInput = z
  .object({ id, version, quantity: count({ min: 1, max: 1_000_000, tooSmall: 'Fulfil at least 1.' }) })
  .strict();

export type NeedCreateInput = z.infer<typeof needCreateInput>;
export type NeedUpdateInput = z.infer<typeof needUpdateInput>;
export type NeedMoveInput = z.infer<typeof needMoveInput>;
export type NeedAssignInput = z.infer<typeof needAssignInput>;
export type NeedPledgeInput = z.infer<typeof needPledgeInput>;
export type NeedFulfilInput = z.infer<typeof needFulfilInput>;
export type NeedChanges = z.infer<typeof partialFields>;
