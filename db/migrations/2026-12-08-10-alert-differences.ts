// Frozen in time: never import application code here. Alert evaluation in one call (issue 21: ≤ 2 ms
// per committed change with 200 rules). beacon_alert_differences() takes the evaluation lock, then for
// each kind asked re-computes its rules' true conditions and sets them against the kind's open alerts,
// returning only the differences: a true condition without an open alert ('fire'), an open alert whose
// condition is gone or whose rule is off ('resolve'). Most committed changes return nothing, so the
// evaluator's usual pass is this one statement. Its queries are static, so each connection plans them
// once (a generic plan) instead of on every change.
//
// Conditions, as the alert kinds define them ($lib/alert-kinds.ts, docs/figures.md "Alerts"):
// - budget_commitment: per program area, the current fiscal year's committed amount (v_budget) above
//   the rule's share of the area's budget (no budget, no alert);
// - critical_need_overdue: a critical need not fulfilled or cancelled whose needed-by day passed more
//   than N days ago;
// - request_stage_too_long: a request in intake, vetting, approved or disbursed more than N days
//   after it entered that stage;
// - survivor_counts_missing: the latest month whose last day is at least N days ago, each vetted
//   aftercare center existing by the month's end without a count for it;
// - report_overdue: a disbursed request whose grantee report was due more than N days ago;
// - outreach_pace: a goal whose period holds today, its division's people reached (period start to
//   today) behind the pace (goal × share of the period's days gone, today included) by more than the
//   rule's share.
// Rows to re-check (null = all): needs, requests (two kinds), centers, and the centers of some
// changed survivor count rows. Rules: null = every rule; else only these.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, 'drop function beacon_alert_differences(text[], bigint[], bigint[], bigint[], bigint[], bigint[], bigint[], timestamptz, int)');
}

/** The kind's open alerts (of some rows only when `rows` is not null), read per rule through the open-alert index. */
const open = (kind: string, rows: string | null) => `o as materialized (
      select a.id, a.rule_id, a.condition_key, a.state::text as state, a.division_code, a.message
      from alert a
      where a.resolved_at is null
        and a.rule_id = any(array(select r.id from alert_rule r where r.kind = '${kind}' and (p_rule_ids is null or r.id = any(p_rule_ids))))
        ${rows ? `and a.subject_id = any(${rows})` : ''})`;

/**
 * A per-row kind's statement twice: for every row (the timer's pass) and for some rows (a change's),
 * so each has a plan of its own that fits (a generic plan cannot choose between a scan and a lookup).
 */
const perRow = (rows: string, statement: (filter: (column: string) => string, open: string | null) => string) => `
    if ${rows} is null then
      return query ${statement(() => 'true', null)};
    else
      return query ${statement((column) => `${column} in (select unnest(${rows}))`, rows)};
    end if;`;

/** The differences between the kind's conditions (c) and open alerts (o), in a stable order. */
const diff = (kind: string) => `
    select '${kind}'::text, 'fire'::text, c.rule_id, c.condition_key, c.subject_id, c.state, c.division_code, c.figures, null::bigint, null::text
    from c where not exists (select 1 from o where o.rule_id = c.rule_id and o.condition_key = c.condition_key)
    union all
    select '${kind}'::text, 'resolve'::text, o.rule_id, o.condition_key, null::bigint, o.state, o.division_code, null::jsonb, o.id, o.message
    from o where not exists (select 1 from c where c.rule_id = o.rule_id and c.condition_key = o.condition_key)
    order by 2, 3, 5, 4`;

const RULES = `r.enabled and (p_rule_ids is null or r.id = any(p_rule_ids))`;

const UP = String.raw`
create function beacon_alert_differences(
  p_kinds text[], p_need_ids bigint[], p_stage_ids bigint[], p_report_ids bigint[], p_center_ids bigint[], p_count_rows bigint[],
  p_rule_ids bigint[], p_now timestamptz, p_fy_start int)
returns table (kind text, action text, rule_id bigint, condition_key text, subject_id bigint, state text, division_code text,
  figures jsonb, alert_id bigint, message text)
language plpgsql volatile
-- Static statements planned once per connection (generic plans), not on every change.
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_today date := local_day(p_now);
  v_fy int;
  v_centers bigint[] := p_center_ids;
begin
  perform pg_advisory_xact_lock(hashtext('beacon.alerts.evaluate'));
  v_fy := case when p_fy_start = 1 then extract(year from v_today)::int
               else extract(year from v_today + make_interval(months => 13 - p_fy_start))::int end;

  if 'budget_commitment' = any(p_kinds) then
    return query
    with b as materialized (select v.* from v_budget v where v.fiscal_year = v_fy),
    c as materialized (
      select r.id as rule_id, 'budget:' || b.fiscal_year || ':' || b.program_area as condition_key, null::bigint as subject_id,
        null::text as state, null::text as division_code,
        jsonb_build_object('programArea', b.program_area, 'fiscalYear', b.fiscal_year, 'budgetCents', b.budget_cents,
          'committedCents', b.committed_cents, 'threshold', r.threshold_percent) as figures
      from alert_rule r
      join b on r.program_area is null or r.program_area = b.program_area
      where r.kind = 'budget_commitment' and ${RULES}
        and b.budget_cents > 0 and b.committed_cents * 100 > r.threshold_percent * b.budget_cents),
    ${open('budget_commitment', null)}
    ${diff('budget_commitment')};
  end if;

  if 'critical_need_overdue' = any(p_kinds) then
    ${perRow('p_need_ids', (rows, subjects) => `
    with c as materialized (
      select r.id as rule_id, 'need:' || n.id as condition_key, n.id as subject_id, n.state::text as state, g.division_code,
        jsonb_build_object('title', n.title, 'center', p.name, 'neededBy', to_char(n.needed_by, 'YYYY-MM-DD'),
          'daysPast', v_today - n.needed_by) as figures
      from alert_rule r
      join aftercare_need n on n.priority = 'critical' and n.status in ('open', 'in_progress', 'pledged') and n.needed_by is not null
        and v_today - n.needed_by > r.threshold_days
      join region g on g.code = n.state
      join partner p on p.id = n.center_id
      where r.kind = 'critical_need_overdue' and ${RULES}
        and (r.division_code is null or r.division_code = g.division_code) and ${rows('n.id')}),
    ${open('critical_need_overdue', subjects)}
    ${diff('critical_need_overdue')}`)}
  end if;

  if 'request_stage_too_long' = any(p_kinds) then
    ${perRow('p_stage_ids', (rows, subjects) => `
    with c as materialized (
      select r.id as rule_id, 'request:' || f.id || ':' || f.stage::text as condition_key, f.id as subject_id, f.state::text as state, g.division_code,
        jsonb_build_object('title', f.title, 'partner', p.name, 'stage', f.stage::text,
          'daysInStage', floor(extract(epoch from (p_now - f.stage_entered_at)) / 86400)::int) as figures
      from alert_rule r
      join funding_request f on f.stage in ('intake', 'vetting', 'approved', 'disbursed')
        and p_now - f.stage_entered_at > make_interval(days => r.threshold_days)
      join region g on g.code = f.state
      join partner p on p.id = f.partner_id
      where r.kind = 'request_stage_too_long' and ${RULES}
        and (r.division_code is null or r.division_code = g.division_code) and ${rows('f.id')}),
    ${open('request_stage_too_long', subjects)}
    ${diff('request_stage_too_long')}`)}
  end if;

  if 'survivor_counts_missing' = any(p_kinds) then
    -- A changed count re-checks its center.
    if v_centers is not null and cardinality(p_count_rows) > 0 then
      v_centers := v_centers || array(select distinct s.center_id from survivor_count s where s.id = any(p_count_rows));
    end if;
    ${perRow('v_centers', (rows, subjects) => `
    with c as materialized (
      select r.id as rule_id, 'counts:' || p.id || ':' || to_char(m.month, 'YYYY-MM') as condition_key, p.id as subject_id, p.state::text as state, g.division_code,
        jsonb_build_object('center', p.name, 'month', to_char(m.month, 'YYYY-MM'),
          'daysAfter', v_today - (m.month + interval '1 month' - interval '1 day')::date) as figures
      from alert_rule r
      cross join lateral (select (month_start((v_today - r.threshold_days) + 1) - interval '1 month')::date as month) m
      join partner p on p.kind = 'aftercare_center' and p.vetting_status = 'vetted' and local_day(p.created_at) < m.month + interval '1 month'
      join region g on g.code = p.state
      where r.kind = 'survivor_counts_missing' and ${RULES}
        and (r.division_code is null or r.division_code = g.division_code)
        and not exists (select 1 from survivor_count s where s.center_id = p.id and s.month = m.month)
        and ${rows('p.id')}),
    ${open('survivor_counts_missing', subjects)}
    ${diff('survivor_counts_missing')}`)}
  end if;

  if 'report_overdue' = any(p_kinds) then
    ${perRow('p_report_ids', (rows, subjects) => `
    with c as materialized (
      select r.id as rule_id, 'report:' || f.id as condition_key, f.id as subject_id, f.state::text as state, g.division_code,
        jsonb_build_object('title', f.title, 'partner', p.name, 'dueOn', to_char(f.report_due_on, 'YYYY-MM-DD'),
          'daysOverdue', v_today - f.report_due_on) as figures
      from alert_rule r
      join funding_request f on f.stage = 'disbursed' and f.report_due_on is not null
        and v_today - f.report_due_on > r.threshold_days
      join region g on g.code = f.state
      join partner p on p.id = f.partner_id
      where r.kind = 'report_overdue' and ${RULES}
        and (r.division_code is null or r.division_code = g.division_code) and ${rows('f.id')}),
    ${open('report_overdue', subjects)}
    ${diff('report_overdue')}`)}
  end if;

  if 'outreach_pace' = any(p_kinds) then
    return query
    with goals as materialized (
      select o.id, o.division_code, o.period_start, o.period_end, o.people_goal,
        o.people_goal::float8 * ((v_today - o.period_start) + 1) / (o.period_end - o.period_start) as pace,
        -- Whole months before this one from the month × state rollup; this month's events to today from the table.
        ((select coalesce(sum(m.attendees), 0) from rollup_outreach_reach m join region x on x.code = m.state
           where x.division_code = o.division_code and m.month >= o.period_start and m.month < month_start(v_today))
         + (select coalesce(sum(e.attendees), 0) from outreach_event e join region x on x.code = e.state
           where x.division_code = o.division_code and e.occurred_on >= greatest(o.period_start, month_start(v_today)) and e.occurred_on <= v_today))::bigint as reached
      from outreach_goal o where o.period_start <= v_today and v_today < o.period_end),
    c as materialized (
      select r.id as rule_id, 'pace:' || o.id as condition_key, o.id as subject_id, null::text as state, o.division_code,
        jsonb_build_object('division', d.name, 'periodStart', to_char(o.period_start, 'YYYY-MM-DD'), 'periodLast', to_char(o.period_end - 1, 'YYYY-MM-DD'),
          'peopleGoal', o.people_goal, 'pace', o.pace, 'reached', o.reached, 'threshold', r.threshold_percent) as figures
      from alert_rule r
      join goals o on r.division_code is null or r.division_code = o.division_code
      join division d on d.code = o.division_code
      where r.kind = 'outreach_pace' and ${RULES}
        and o.pace > 0 and (o.pace - o.reached) * 100 > r.threshold_percent * o.pace),
    ${open('outreach_pace', null)}
    ${diff('outreach_pace')};
  end if;
end
$$;
`;
