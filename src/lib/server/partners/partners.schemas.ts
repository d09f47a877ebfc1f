import { z } from 'zod';
import { divisionCodes, regionCodes } from '../../regions.js';
import { enums } from '../db/schema.js';
import { id, isoDate, text } from '../../validation.js';

/** An aftercare center's location is confidential: a city, never a street address (no digits). */
export const CITY_ONLY_MESSAGE = "An aftercare center's location is confidential: enter the city only, never a street address.";

const fields = {
  name: text({ min: 2, max: 200, tooShort: 'A name has at least 2 characters.', tooLong: 'A name has at most 200 characters.' }),
  kind: z.enum(enums.partner_kind, { errorMap: () => ({ message: 'Choose what kind of partner this is.' }) }),
  state: z.enum(regionCodes, { errorMap: () => ({ message: 'Choose a state or province.' }) }),
  city: text({ min: 2, max: 100, tooShort: 'A city has at least 2 characters.', tooLong: 'A city has at most 100 characters.' }).nullable()
};

/** `division` absent: every division. */
export const partnerListInput = z.object({ division: z.enum(divisionCodes).optional() }).strict();

export const partnerCreateInput = z
  .object({ ...fields, city: fields.city.default(null) })
  .strict()
  .superRefine((p, ctx) => {
    if (p.kind === 'aftercare_center' && p.city && /\d/.test(p.city)) ctx.addIssue({ code: 'custom', path: ['city'], message: CITY_ONLY_MESSAGE });
  });

export const partnerUpdateInput = z
  .object({
    id: id(),
    changes: z.object({ name: fields.name, state: fields.state, city: fields.city }).partial().strict()
      .refine((c) => Object.values(c).some((v) => v !== undefined), 'Change at least one field.')
  })
  .strict();

export const partnerVetInput = z
  .object({
    id: id(),
    status: z.enum(['vetted', 'suspended'], { errorMap: () => ({ message: 'Choose vetted or suspended.' }) }),
    /** What the vetting rests on (documents seen, references called), or why the partner is suspended. */
    note: text({ min: 3, max: 2000, tooShort: 'Write what the vetting rests on (at least 3 characters).', tooLong: 'Use at most 2,000 characters.' }),
    /** Required when vetting: the last day the vetting is good for. */
    vettedUntil: isoDate().nullable().default(null)
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.status === 'vetted' && !v.vettedUntil) ctx.addIssue({ code: 'custom', path: ['vettedUntil'], message: 'Enter the date the vetting is good until.' });
  });

export type PartnerCreateInput = z.infer<typeof partnerCreateInput>;
export type PartnerUpdateInput = z.infer<typeof partnerUpdateInput>;
export type PartnerVetInput = z.infer<typeof partnerVetInput>;
