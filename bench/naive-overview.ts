// The overview's figures computed the naive way: GROUP BY over the base tables, no rollups or views.
// The benchmark times it against dashboard.overview; tests/integration/naive-overview.test.ts checks
// both give the same figures, so the comparison is like for like.
import { sql } from 'kysely';
import type { Db } from '../src/lib/server/db/index.js';
import { fiscalYearOf, fiscalYearRange } from '../src/lib/server/fiscal-year.js';
import type { DashboardFilterInput } from '../src/lib/server/dashboards/dashboard.filters.js';

export async function naiveOverview(db: Db, filters: DashboardFilterInput, fiscalYearStartMonth: number, now = new Date()) {
  const fy = filters.fiscalYear ?? fiscalYearOf(now, fiscalYearStartMonth);
  const { start, end } = fiscalYearRange(fy, fiscalYearStartMonth);
  const division = filters.division ?? null;
  const state = filters.state ?? null;
  const category = filters.category ?? null;
  const region = (alias: string) =>
    sql`(${division}::text is null or ${sql.ref(`${alias}.division_code`)} = ${division}) and (${state}::text is null or ${sql.ref(`${alias}.code`)} = ${state})`;

  // Requests created in the period, and approvals / payments dated in it (days in the organisation's zone).
  const inPeriod = (col: string) => sql`(${sql.ref(col)} at time zone beacon_tz())::date >= ${start}::date and (${sql.ref(col)} at time zone beacon_tz())::date < ${end}::date`;
  const categoryIs = (col: string) => sql`(${category}::funding_category is null or ${sql.ref(col)} = ${category}::funding_category)`;
  const created = await sql<{ requests: number; requested: number }>`
    select count(*)::bigint as requests, coalesce(sum(f.requested_cents), 0)::bigint as requested
    from funding_request f join region r on r.code = f.state
    where ${inPeriod('f.created_at')} and ${region('r')} and ${categoryIs('f.category')}
  `.execute(db);
  const moved = await sql<{ committed: number; disbursed: number }>`
    select coalesce(sum(e.amount_cents) filter (where e.to_stage = 'approved'), 0)::bigint as committed,
      coalesce(sum(e.amount_cents) filter (where e.to_stage = 'disbursed'), 0)::bigint as disbursed
    from funding_stage_event e join region r on r.code = e.state
    where ${inPeriod('e.occurred_at')} and ${region('r')} and ${categoryIs('e.category')}
  `.execute(db);
  // Units: requests whose payment is dated in the period (the payment's place and category).
  const units = await sql<{ k9s: number; officers: number; licenses: number; devices: number }>`
    select coalesce(sum(f.units) filter (where e.category = 'detection_k9'), 0)::bigint as k9s,
      coalesce(sum(f.units) filter (where e.category = 'training_scholarship'), 0)::bigint as officers,
      coalesce(sum(f.units) filter (where e.category = 'extraction_software'), 0)::bigint as licenses,
      coalesce(sum(f.units) filter (where e.category = 'forensic_hardware'), 0)::bigint as devices
    from funding_stage_event e join funding_request f on f.id = e.request_id join region r on r.code = e.state
    where e.to_stage = 'disbursed' and ${inPeriod('e.occurred_at')} and ${region('r')} and ${categoryIs('e.category')}
  `.execute(db);
  const funding = { rows: [{ ...created.rows[0], ...moved.rows[0], ...units.rows[0] }] };

  const stages = await sql<{ stage: string; requests: number; requested: number }>`
    select f.stage, count(*)::bigint as requests, sum(f.requested_cents)::bigint as requested
    from funding_request f join region r on r.code = f.state
    where ${inPeriod('f.created_at')} and ${region('r')} and ${categoryIs('f.category')}
    group by f.stage order by f.stage
  `.execute(db);

  const byCategory = await sql<{ category: string; requested: number; disbursed: number }>`
    select category, sum(requested)::bigint as requested, sum(disbursed)::bigint as disbursed from (
      select f.category, f.requested_cents as requested, 0 as disbursed
      from funding_request f join region r on r.code = f.state
      where ${inPeriod('f.created_at')} and ${region('r')} and ${categoryIs('f.category')}
      union all
      select e.category, 0, case when e.to_stage = 'disbursed' then coalesce(e.amount_cents, 0) else 0 end
      from funding_stage_event e join region r on r.code = e.state
      where e.to_stage in ('approved', 'disbursed') and ${inPeriod('e.occurred_at')} and ${region('r')} and ${categoryIs('e.category')}
    ) x group by category order by category
  `.execute(db);

  const budget = await sql<{ budget: number }>`
    select coalesce(sum(amount_cents), 0)::bigint as budget from budget
    where fiscal_year = ${fy} and (${category}::funding_category is null or program_area = category_program_area(${category}::funding_category))
  `.execute(db);

  const needs = await sql<{ open: number; critical: number; cost: number }>`
    select count(*)::bigint as open, (count(*) filter (where n.priority = 'critical'))::bigint as critical,
      coalesce(sum(n.estimated_cost_cents), 0)::bigint as cost
    from aftercare_need n join region r on r.code = n.state
    where n.status in ('open', 'in_progress', 'pledged') and ${region('r')}
  `.execute(db);

  const survivors = await sql<{ served: number; intakes: number; nights: number }>`
    select coalesce(sum(s.served), 0)::bigint as served, coalesce(sum(s.new_intakes), 0)::bigint as intakes,
      coalesce(sum(s.bed_nights), 0)::bigint as nights
    from survivor_count s join region r on r.code = s.state
    where s.month >= ${start}::date and s.month < ${end}::date and ${region('r')}
  `.execute(db);

  const outreach = await sql<{ events: number; people: number; followups: number }>`
    select count(*)::bigint as events, coalesce(sum(o.attendees), 0)::bigint as people,
      coalesce(sum(o.follow_up_requests), 0)::bigint as followups
    from outreach_event o join region r on r.code = o.state
    where o.occurred_on >= ${start}::date and o.occurred_on < ${end}::date and ${region('r')}
  `.execute(db);

  const partners = await sql<{ kind: string; partners: number }>`
    select p.kind, count(distinct p.id)::bigint as partners
    from funding_stage_event e join funding_request f on f.id = e.request_id join partner p on p.id = f.partner_id
      join region r on r.code = e.state
    where e.to_stage = 'disbursed' and ${inPeriod('e.occurred_at')} and ${region('r')} and ${categoryIs('e.category')}
    group by p.kind order by p.kind
  `.execute(db);

  const f = funding.rows[0];
  return {
    fiscalYear: fy,
    requests: f.requests,
    requestedCents: f.requested,
    approvedCents: f.committed,
    disbursedCents: f.disbursed,
    budgetCents: budget.rows[0].budget,
    stages: stages.rows,
    byCategory: byCategory.rows,
    openNeeds: needs.rows[0].open,
    openCriticalNeeds: needs.rows[0].critical,
    openNeedsCostCents: needs.rows[0].cost,
    survivorsServed: survivors.rows[0].served,
    newIntakes: survivors.rows[0].intakes,
    bedNights: survivors.rows[0].nights,
    outreachEvents: outreach.rows[0].events,
    peopleReached: outreach.rows[0].people,
    followUpRequests: outreach.rows[0].followups,
    k9sFunded: f.k9s,
    officersTrained: f.officers,
    extractionLicenses: f.licenses,
    forensicDevices: f.devices,
    partnersSupported: partners.rows
  };
}
