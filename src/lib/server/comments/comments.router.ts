import { z } from 'zod';
import { router, operationalProcedure } from '../trpc/t.js';
import { addComment, listComments, mentionable } from './comments.service.js';

const target = { entity: z.enum(['need', 'funding']), id: z.number().int().positive() };

export const commentsRouter = router({
  list: operationalProcedure.input(z.object(target).strict()).query(({ ctx, input }) => listComments(ctx.db, ctx.user, input)),
  mentionable: operationalProcedure.input(z.object(target).strict()).query(({ ctx, input }) => mentionable(ctx.db, ctx.user, input)),
  add: operationalProcedure
    .input(z.object({
      ...target,
      body: z.string().trim().min(1, 'Write something first.').max(4000, 'Keep comments under 4,000 characters.'),
      /** User ids of colleagues @mentioned in the body. */
      mentions: z.array(z.string().min(1).max(64)).max(20).default([])
    }).strict())
    .mutation(({ ctx, input }) => addComment(ctx.db, ctx.user, input))
});
