import { z } from 'zod';
import { cleanText, count, id, instant, text } from '../../validation.js';

const timestamp = instant('a date (2026-11-28) or a date and time');

export const auditListInput = z
  .object({
    actorId: text({ min: 1, max: 64 }).optional(),
    entity: cleanText().trim().regex(/^[a-z][a-z_]{0,62}$/, 'Entity names are lower-case table names, e.g. app_user.').optional(),
    entityId: text({ min: 1, max: 100 }).optional(),
    from: timestamp.optional(),
    to: timestamp.optional(),
    beforeId: id().optional(),
    limit: count({ min: 1, max: 500 }).default(100)
  })
  .strict()
  .refine((f) => !f.from || !f.to || f.from < f.to, { message: '"from" must be before "to".', path: ['to'] });

export type AuditListInput = z.infer<typeof auditListInput>;
