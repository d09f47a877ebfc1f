import { operationalProcedure, procedureFor, router } from '../trpc/t.js';
import { annotationCreateInput, annotationRemoveInput, annotationsListInput } from './annotations.schemas.js';
import { createAnnotation, listAnnotations, removeAnnotation } from './annotations.service.js';

const annotators = procedureFor('leadership', 'admin', 'coordinator');

export const annotationsRouter = router({
  list: operationalProcedure.input(annotationsListInput).query(({ ctx, input }) => listAnnotations(ctx.db, ctx.user, input)),
  create: annotators.input(annotationCreateInput).mutation(({ ctx, input }) => createAnnotation(ctx.db, ctx.user, input)),
  remove: annotators.input(annotationRemoveInput).mutation(({ ctx, input }) => removeAnnotation(ctx.db, ctx.user, input))
});
