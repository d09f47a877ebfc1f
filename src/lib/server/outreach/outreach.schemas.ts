import { z } from 'zod';
import { divisionCodes, regionCodes } from '../../regions.js';
import { enums } from '../db/schema.js';
import { count as countRule, id, isoDate, text, version } from '../../validation.js';

const count = (what: string) => countRule({ max: 1_000_000, tooSmall: `${what} cannot be negative.` });

export const outreachFields = {
  occurredOn: isoDate(),
  state: z.enum(regionCodes, { errorMap: () => ({ message: 'Pick a state or province.' }) }),
  format: z.enum(enums.outreach_format),
  audience: z.enum(enums.outreach_audience),
  title: text({ min: 3, max: 200, tooShort: 'A title has at least 3 characters.' }).nullable(),
  attendees: count('Attendees'),
  partnerProfessionals: count('Partner professionals'),
  followUpRequests: count('Follow-ups')
};

/** `division` absent: every division. The newest events first. */
export const outreachListInput = z.object({ division: z.enum(divisionCodes).optional(), limit: countRule({ min: 1, max: 2000 }).default(30) }).strict();
export const outreachCreateInput = z.object({
  ...outreachFields,
  title: outreachFields.title.default(null),
  partnerProfessionals: outreachFields.partnerProfessionals.default(0),
  followUpRequests: outreachFields.followUpRequests.default(0)
}).strict();
const partial = z.object(outreachFields).partial().strict();
export const outreachUpdateInput = z.object({
  id: id(),
  version: version(),
  changes: partial.refine((c) => Object.keys(c).length > 0, 'Change at least one field.')
}).strict();
export const outreachDeleteInput = z.object({ id: id(), version: version() }).strict();

export type OutreachCreateInput = z.infer<typeof outreachCreateInput>;
export type OutreachUpdateInput = z.infer<typeof outreachUpdateInput>;
export type OutreachChanges = z.infer<typeof partial>;
