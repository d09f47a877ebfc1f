import { z } from 'zod';

const timestamp = z.coerce
  .date({ errorMap: () => ({ message: 'Use a date like 2026-11-28 or an ISO timestamp.' }) })
  .refine((d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100, 'Use a date between the years 2000 and 2100.');

export const auditListInput = z
  .object({
    actorId: z.string().trim().min(1).max(64).optional(),
    entity: z.string().trim().regex(/^[a-z][a-z_]{0,62}$/, 'Entity names are lower-case table names, e.g. app_user.').optional(),
    entityId: z.string().trim().min(1).max(100).optional(),
    from: timestamp.optional(),
    to: timestamp.optional(),
    beforeId: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(500).default(100)
  })
  .strict()
  .refine((f) => !f.from || !f.to || f.from < f.to, { message: '"from" must be before "to".', path: ['to'] });

export type AuditListInput = z.infer<typeof auditListInput>;
