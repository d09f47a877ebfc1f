// Input shapes for device links (tRPC inputs; the /admin form posts the same fields).
import { z } from 'zod';
import { count, id, text } from '../../validation.js';
import { dashboardTopics } from '../../realtime/events.js';

export const kioskDashboard = z.enum(dashboardTopics, { errorMap: () => ({ message: 'Choose one of the four dashboards.' }) });

export const createKioskLinkInput = z
  .object({
    label: text({ min: 1, max: 80, tooShort: 'Name the screen (e.g. "Lobby wall").', tooLong: 'Use at most 80 characters.' }),
    dashboards: z
      .array(kioskDashboard, { invalid_type_error: 'Choose at least one dashboard.', required_error: 'Choose at least one dashboard.' })
      .min(1, 'Choose at least one dashboard.')
      .max(4, 'Choose at most the four dashboards.')
      .refine((list) => new Set(list).size === list.length, 'Choose each dashboard once.'),
    rotateSeconds: count({ min: 10, max: 3600, tooSmall: 'Use at least 10 seconds.', tooLarge: 'Use at most 3,600 seconds (an hour).' })
  })
  .strict();
export type CreateKioskLinkInput = z.infer<typeof createKioskLinkInput>;

export const revokeKioskLinkInput = z.object({ id: id() }).strict();
