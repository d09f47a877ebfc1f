// Dashboard topics the hub can push: which change topics make each one dirty, and how it is read.
// A filtered variant is the same topic with other filters (its own room, its own cache).
import type { Db } from '../db/index.js';
import type { ChangeTopic, DashboardTopic, DashboardViews } from '$lib/realtime/events.js';
import { overviewDataset as dashboardOverview } from '../dashboards/overview.dataset.js';
import type { DashboardFilterInput } from '../dashboards/dashboard.filters.js';
import { aftercareDataset, fundingDataset, outreachDataset } from '../dashboards/datasets.js';

export interface DashboardRead<T extends DashboardTopic = DashboardTopic> {
  seq: number;
  view: DashboardViews[T];
}

// Every dashboard also follows 'periods' (monthly sign-offs): its "Provisional" marker changes with them.
export interface DashboardSource<T extends DashboardTopic> {
  /** change_log topics whose rows feed the views this dashboard reads. */
  dependsOn: readonly ChangeTopic[];
  read(db: Db, filters: Record<string, string | number>, options: { fiscalYearStartMonth: number }): Promise<DashboardRead<T>>;
}

export const dashboardSources: { [T in DashboardTopic]: DashboardSource<T> } = {
  overview: {
    // Pipeline, budget, needs, survivors, outreach and partners supported: every logged topic.
    dependsOn: ['partner', 'funding', 'budget', 'needs', 'survivors', 'outreach', 'periods'],
    async read(db, filters, options) {
      // Filters were validated by the room check (dashboardFilterInput) before any read.
      const view = await dashboardOverview(db, filters as DashboardFilterInput, options);
      // The contract types the view as it arrives (JSON: Dates as ISO strings, like tRPC's outputs);
      // Socket.IO serialises this object exactly that way.
      return { seq: view.seq, view: view as unknown as DashboardViews['overview'] };
    }
  },
  funding: {
    // v_pipeline, v_stage_duration, v_stage_throughput, v_open_request_age (funding_request,
    // funding_stage_event), v_budget (budget + pipeline), v_partner_funded (partner names and kinds).
    dependsOn: ['partner', 'funding', 'budget', 'periods'],
    async read(db, filters, options) {
      const view = await fundingDataset(db, filters as DashboardFilterInput, options);
      return { seq: view.seq, view };
    }
  },
  aftercare: {
    // v_needs, v_need_flow, v_oldest_open_critical_needs (aftercare_need + center names), v_survivors_monthly.
    dependsOn: ['partner', 'needs', 'survivors', 'periods'],
    async read(db, filters, options) {
      const view = await aftercareDataset(db, filters as DashboardFilterInput, options);
      return { seq: view.seq, view };
    }
  },
  outreach: {
    // v_outreach_reach, v_outreach_monthly, v_outreach_goal_progress (outreach events and goals).
    dependsOn: ['outreach', 'periods'],
    async read(db, filters, options) {
      const view = await outreachDataset(db, filters as DashboardFilterInput, options);
      return { seq: view.seq, view };
    }
  }
};
