import { z } from 'zod';
import { router, operationalProcedure } from '../trpc/t.js';
import { addComment, listComments, mentionable } from './comments.service.js';
import { id, text } from '../../validation.js';

const target = { entity: z.enum(['need', 'funding']), id: id() };

export const commentsRouter = router({
  list: operationalProcedure.input(z.object(target).strict()).query(({ ctx, input }) => listComments(ctx.db, ctx.user, input)),
  mentionable: operationalProcedure.input(z.object(target).strict()).query(({ ctx, input }) => mentionable(ctx.db, ctx.user, input)),
  add: operationalProcedure
    .input(z.object({
      ...target,
      body: text({ min: 1, max: 4000, tooShort: 'Write something first.', tooLong: 'Keep comments under 4,000 characters.' }),
      /** User ids of colleagues @mentioned in the body. */
      mentions: z.array(text({ min: 1, max: 64 })).max(20).default([])
    }).strict())
    .mutation(({ ctx, input }) => addComment(ctx.db, ctx.user, input))
});
