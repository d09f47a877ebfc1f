import { z } from 'zod';
import { divisionCodes, regionCodes } from '../../regions.js';
import { id, isoDate, text } from '../../validation.js';
import { NOTE_MAX, NOTE_MIN } from '../../annotations.js';

/** Who an annotation is for, as the form's one select sends it: everyone, a division or a state/province. */
export const annotationScope = z
  .string({ invalid_type_error: 'Choose who the note is for.', required_error: 'Choose who the note is for.' })
  .transform((s, ctx) => {
    if (s === 'all') return { division: null, state: null };
    const [kind, code] = s.split(':');
    if (kind === 'division' && (divisionCodes as readonly string[]).includes(code)) return { division: code, state: null };
    if (kind === 'state' && (regionCodes as readonly string[]).includes(code)) return { division: null, state: code };
    ctx.addIssue({ code: 'custom', message: 'Choose who the note is for: everyone, a division or a state.' });
    return z.NEVER;
  });

export const annotationsListInput = z
  .object({
    from: isoDate(),
    to: isoDate(),
    division: z.enum(divisionCodes, { errorMap: () => ({ message: 'Choose a division.' }) }).optional(),
    state: z.enum(regionCodes, { errorMap: () => ({ message: 'Choose a state or province.' }) }).optional()
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'The last day cannot be before the first.' });
  });

export const annotationCreateInput = z
  .object({
    day: isoDate(),
    note: text({
      min: NOTE_MIN,
      max: NOTE_MAX,
      tooShort: `Write the note in at least ${NOTE_MIN} characters.`,
      tooLong: `Keep the note to ${NOTE_MAX} characters or fewer.`
    }),
    scope: annotationScope
  })
  .strict();

export const annotationRemoveInput = z.object({ id: id() }).strict();

export type AnnotationsListInput = z.infer<typeof annotationsListInput>;
export type AnnotationCreateInput = z.infer<typeof annotationCreateInput>;
