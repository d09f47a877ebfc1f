import { router, procedureFor, signedInProcedure, adminProcedure } from '../trpc/t.js';
import { config } from '../config.js';
import { SNAPSHOT_MAKERS } from '../auth/access.js';
import * as s from './snapshots.schemas.js';
import * as service from './snapshots.service.js';

// Every signed-in role (the board above all) may list, open and compare; making and scheduling is
// leadership's and admins'; share links are admins'.
const makerProcedure = procedureFor(...SNAPSHOT_MAKERS);
const options = () => ({ fiscalYearStartMonth: config().fiscalYearStartMonth });

export const snapshotsRouter = router({
  list: signedInProcedure.input(s.listSnapshotsInput).query(({ ctx, input }) => service.listSnapshots(ctx.db, ctx.user, input.limit)),
  get: signedInProcedure.input(s.snapshotIdInput).query(({ ctx, input }) => service.getSnapshot(ctx.db, ctx.user, input.id)),
  compare: signedInProcedure.input(s.compareInput).query(({ ctx, input }) => service.compareSnapshots(ctx.db, ctx.user, input)),
  create: makerProcedure.input(s.createSnapshotInput).mutation(({ ctx, input }) => service.createSnapshot(ctx.db, ctx.user, input, options())),
  updateNotes: makerProcedure.input(s.updateNotesInput).mutation(({ ctx, input }) => service.updateSnapshotNotes(ctx.db, ctx.user, input)),
  schedules: makerProcedure.query(({ ctx }) => service.listSchedules(ctx.db, ctx.user)),
  setSchedule: makerProcedure.input(s.setScheduleInput).mutation(({ ctx, input }) => service.setSchedule(ctx.db, ctx.user, input)),
  deleteSchedule: makerProcedure.input(s.scheduleIdInput).mutation(({ ctx, input }) => service.deleteSchedule(ctx.db, ctx.user, input.id)),
  shareLinks: adminProcedure.input(s.shareLinksInput).query(({ ctx, input }) => service.listShareLinks(ctx.db, ctx.user, input.snapshotId)),
  createShareLink: adminProcedure.input(s.createShareLinkInput).mutation(({ ctx, input }) => service.createShareLink(ctx.db, ctx.user, input)),
  revokeShareLink: adminProcedure.input(s.revokeShareLinkInput).mutation(({ ctx, input }) => service.revokeShareLink(ctx.db, ctx.user, input.id))
});
