// Each dashboard's charts as specs (what a chart shows, independent of Chart.js): the laptop pages
// and the wall screens (kiosk) draw the same charts from the same functions.
import { label } from '$lib/format.js';
import { divisionName } from '$lib/regions.js';
import type { DashboardViews } from '$lib/realtime/events.js';
import { CATEGORIES } from '$lib/dashboard-filters.js';
import { dollars, monthLabel, type ChartSpec } from './chart-spec.js';

type Overview = DashboardViews['overview'];
type Funding = DashboardViews['funding'];
type Aftercare = DashboardViews['aftercare'];
type Outreach = DashboardViews['outreach'];

// ── overview ──
const STAGES_IN_FUNNEL = ['intake', 'vetting', 'approved', 'disbursed', 'reported'];

export function funnelSpec(o: Overview): ChartSpec {
  const stages = o.pipeline.filter((s) => STAGES_IN_FUNNEL.includes(s.stage));
  return {
    type: 'bar', horizontal: true, labelHeader: 'Stage', format: 'count',
    labels: stages.map((s) => label(s.stage)),
    series: [{ label: 'Requests', values: stages.map((s) => s.requests) }]
  };
}
export function categorySpec(o: Overview): ChartSpec {
  return {
    type: 'bar', labelHeader: 'Category', format: 'dollars',
    labels: o.byCategory.map((c) => label(c.category)),
    series: [
      { label: 'Requested', values: o.byCategory.map((c) => dollars(c.requestedCents)) },
      { label: 'Committed', values: o.byCategory.map((c) => dollars(c.committedCents)) },
      { label: 'Disbursed', values: o.byCategory.map((c) => dollars(c.disbursedCents)) }
    ]
  };
}

// ── funding ──
const STAGES = ['intake', 'vetting', 'approved', 'disbursed', 'reported', 'declined', 'withdrawn'];
/** In the pipeline = still open: intake, vetting or approved (not disbursed, reported, declined or withdrawn). */
export const OPEN_STAGES: string[] = ['intake', 'vetting', 'approved'];

export function stageCategorySpec(f: Funding): ChartSpec {
  const cats = CATEGORIES.filter((c) => f.pipeline.some((p) => p.category === c));
  return {
    type: 'bar', stacked: true, labelHeader: 'Stage', format: 'count',
    labels: STAGES.map(label),
    series: cats.map((c) => ({ label: label(c), stack: 'requests', values: STAGES.map((s) => f.pipeline.find((p) => p.stage === s && p.category === c)?.requests ?? 0) }))
  };
}
export const timeSpec = (f: Funding): ChartSpec => ({
  type: 'bar', labelHeader: 'Stage', format: 'days',
  labels: f.timeInStage.map((t) => label(t.stage)),
  series: [
    { label: 'Median days', values: f.timeInStage.map((t) => t.medianDays) },
    { label: 'p90 days', values: f.timeInStage.map((t) => t.p90Days) }
  ]
});
export const throughputSpec = (f: Funding): ChartSpec => ({
  type: 'bar', labelHeader: 'Month', format: 'dollars',
  labels: f.throughput.map((t) => monthLabel(t.month)),
  series: [
    { label: 'Approved', values: f.throughput.map((t) => dollars(t.approvedCents)) },
    { label: 'Disbursed', values: f.throughput.map((t) => dollars(t.disbursedCents)) }
  ]
});
export const budgetSpec = (f: Funding): ChartSpec => ({
  type: 'bar', labelHeader: 'Program area', format: 'dollars',
  labels: f.budget.map((b) => label(b.programArea)),
  series: [
    // A level line per program area: its budget, over its committed and disbursed bars.
    { label: 'Budget', values: f.budget.map((b) => dollars(b.budgetCents)), level: 'budget' },
    { label: 'Committed', values: f.budget.map((b) => dollars(b.committedCents)) },
    { label: 'Disbursed', values: f.budget.map((b) => dollars(b.disbursedCents)) }
  ]
});
export const partnerSpec = (f: Funding): ChartSpec => ({
  type: 'bar', horizontal: true, labelHeader: 'Partner', format: 'count',
  labels: f.topPartners.map((p) => p.name),
  series: [{ label: 'Funded requests', values: f.topPartners.map((p) => p.fundedRequests) }]
});

// ── aftercare ──
export function needsSpec(a: Aftercare): ChartSpec {
  const kinds = [...new Set(a.openNeeds.map((n) => n.kind))].sort();
  const priorities = a.openByPriority.map((p) => p.priority);
  return {
    type: 'bar', stacked: true, labelHeader: 'Priority', format: 'count',
    labels: priorities.map(label),
    series: kinds.map((k) => ({ label: label(k), stack: 'needs', values: priorities.map((p) => a.openNeeds.filter((n) => n.priority === p && n.kind === k).reduce((s, n) => s + n.needs, 0)) }))
  };
}
export function needsDivisionSpec(a: Aftercare): ChartSpec {
  const divs = [...new Set(a.openNeeds.map((n) => n.division))].sort();
  const priorities = a.openByPriority.map((p) => p.priority);
  return {
    type: 'bar', stacked: true, horizontal: true, labelHeader: 'Division', format: 'count',
    labels: divs.map(divisionName),
    series: priorities.map((p) => ({ label: label(p), stack: 'needs', values: divs.map((d) => a.openNeeds.filter((n) => n.division === d && n.priority === p).reduce((s, n) => s + n.needs, 0)) }))
  };
}
export const costSpec = (a: Aftercare): ChartSpec => ({
  type: 'bar', labelHeader: 'Priority', format: 'dollars',
  labels: a.openByPriority.map((p) => label(p.priority)),
  series: [{ label: 'Estimated cost', values: a.openByPriority.map((p) => dollars(p.estimatedCostCents)) }]
});
export const fulfilmentSpec = (a: Aftercare): ChartSpec => ({
  type: 'line', labelHeader: 'Month', format: 'percent',
  labels: a.fulfilment.map((m) => monthLabel(m.month)),
  series: [{ label: 'Fulfilled of closed (%)', values: a.fulfilment.map((m) => m.ratePercent) }]
});
export const flowSpec = (a: Aftercare): ChartSpec => ({
  type: 'bar', labelHeader: 'Month', format: 'count',
  labels: a.fulfilment.map((m) => monthLabel(m.month)),
  series: [
    { label: 'Opened', values: a.fulfilment.map((m) => m.created) },
    { label: 'Fulfilled', values: a.fulfilment.map((m) => m.fulfilled) },
    { label: 'Cancelled', values: a.fulfilment.map((m) => m.cancelled) }
  ]
});
export const survivorsSpec = (a: Aftercare): ChartSpec => ({
  type: 'bar', labelHeader: 'Month', format: 'count',
  labels: a.survivorsMonthly.map((m) => monthLabel(m.month)),
  series: [
    { label: 'Survivors served', values: a.survivorsMonthly.map((m) => m.served) },
    { label: 'New intakes', values: a.survivorsMonthly.map((m) => m.newIntakes) }
  ]
});

// ── outreach ──
export const reachSpec = (o: Outreach): ChartSpec => ({
  type: 'bar', labelHeader: 'Month', format: 'count',
  labels: o.monthly.map((m) => monthLabel(m.month)),
  series: [
    { label: 'People reached', values: o.monthly.map((m) => m.peopleReached) },
    { label: 'Goal', values: o.monthly.map((m) => m.peopleGoal), line: true }
  ]
});
export const reachDivisionSpec = (o: Outreach): ChartSpec => ({
  type: 'bar', horizontal: true, labelHeader: 'Division', format: 'count',
  labels: o.byDivision.map((d) => divisionName(d.division)),
  series: [
    { label: 'People reached', values: o.byDivision.map((d) => d.months.reduce((s, m) => s + m.peopleReached, 0)) },
    // A level line per division with a goal: the goal's share of the period, across its reach bar.
    { label: 'Goal (pro rata)', values: o.byDivision.map((d) => d.months.reduce((s, m) => s + m.peopleGoal, 0)), level: 'goal' }
  ]
});
export const formatSpec = (o: Outreach): ChartSpec => ({
  type: 'bar', horizontal: true, labelHeader: 'Format', format: 'count',
  labels: o.byFormat.map((f) => label(f.format)),
  series: [{ label: 'People reached', values: o.byFormat.map((f) => f.peopleReached) }, { label: 'Events', values: o.byFormat.map((f) => f.events) }]
});
export const audienceSpec = (o: Outreach): ChartSpec => ({
  type: 'bar', horizontal: true, labelHeader: 'Audience', format: 'count',
  labels: o.byAudience.map((a) => label(a.audience)),
  series: [{ label: 'People reached', values: o.byAudience.map((a) => a.peopleReached) }, { label: 'Events', values: o.byAudience.map((a) => a.events) }]
});
export const eventsSpec = (o: Outreach): ChartSpec => ({
  type: 'bar', labelHeader: 'Month', format: 'count',
  labels: o.monthly.map((m) => monthLabel(m.month)),
  series: [
    { label: 'Events', values: o.monthly.map((m) => m.events) },
    { label: 'Follow-up requests', values: o.monthly.map((m) => m.followUpRequests) }
  ]
});
