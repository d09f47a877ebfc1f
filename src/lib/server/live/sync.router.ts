// sync.since over HTTP: the catch-up a live client gets when it re-joins a room, for callers without
// a socket.
import { z } from 'zod';
import { router, operationalProcedure } from '../trpc/t.js';
import { config } from '../config.js';
import { liveEngine } from './index.js';
import { syncSince } from './sync.service.js';
import { dashboardSources } from './dashboard-sources.js';
import { text } from '../../validation.js';

export const syncRouter = router({
  since: operationalProcedure
    .input(z.object({ topic: text({ min: 1, max: 300 }), seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }).strict())
    .query(async ({ ctx, input }) => {
      const engine = await liveEngine();
      return syncSince(
        {
          db: ctx.db,
          // The hub's cached, shared read when it runs here; else a direct read of the same view.
          readDashboard: (room, spec) =>
            engine ? engine.hub.readDashboard(room, spec) : dashboardSources[spec.topic].read(ctx.db, spec.filters, { fiscalYearStartMonth: config().fiscalYearStartMonth })
        },
        ctx.user,
        input
      );
    })
});
