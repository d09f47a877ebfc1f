import { z } from 'zod';
import { router, operationalProcedure } from '../trpc/t.js';
import { id } from '../../validation.js';
import { listNotifications, markNotificationsRead, notificationSettings, setNotificationMail } from './notifications.service.js';

// Every procedure reads or changes the caller's own rows only (the service filters by ctx.user.id).
export const notificationsRouter = router({
  list: operationalProcedure
    .input(z.object({
      limit: z.number().int().min(1).max(100).default(20),
      unreadOnly: z.boolean().default(false),
      /** Older than this notification (the next page). */
      before: id().optional()
    }).strict().default({}))
    .query(({ ctx, input }) => listNotifications(ctx.db, ctx.user, input)),
  markRead: operationalProcedure
    .input(z.union([
      z.object({ ids: z.array(id()).min(1, 'Say which notifications.').max(100) }).strict(),
      z.object({ all: z.literal(true) }).strict()
    ]))
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.db, ctx.user, input)),
  settings: operationalProcedure.query(({ ctx }) => notificationSettings(ctx.db, ctx.user)),
  setMail: operationalProcedure
    .input(z.object({ mail: z.enum(['instant', 'digest', 'off'], { errorMap: () => ({ message: 'Choose instant, daily digest or off.' }) }) }).strict())
    .mutation(({ ctx, input }) => setNotificationMail(ctx.db, ctx.user, input.mail))
});
