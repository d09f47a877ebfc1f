// Frozen in time: never import application code here. Alerts (issue 21): rules leadership sets
// (what to watch, a threshold, a scope) and the alerts they open. At most ONE open alert per rule and
// condition (a partial unique index: the last line of defence when several instances evaluate at
// once); an alert closes by itself (resolved_at) when its condition clears. Figures in `details` are
// plain numbers and labels (dollars, percentages, days, names), never personal data.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
create table alert_rule (
  id bigint generated always as identity primary key,
  kind text not null constraint alert_rule_kind check (kind in
    ('budget_commitment', 'critical_need_overdue', 'request_stage_too_long', 'survivor_counts_missing', 'report_overdue', 'outreach_pace')),
  -- A share in percent (budget committed above it; outreach behind its pace by more than it).
  threshold_percent numeric(6, 1) constraint alert_rule_percent_range check (threshold_percent > 0 and threshold_percent <= 1000),
  -- A number of days (grace after a date; longest time in one stage; days after a month ends).
  threshold_days integer constraint alert_rule_days_range check (threshold_days between 0 and 3650),
  -- Scope: a division, a program area, or neither (everything).
  division_code text references division (code),
  program_area program_area,
  enabled boolean not null default true,
  created_by text references app_user (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint alert_rule_one_scope check (division_code is null or program_area is null),
  constraint alert_rule_threshold_fits_kind check (case
    when kind in ('budget_commitment', 'outreach_pace') then threshold_percent is not null and threshold_days is null
    else threshold_days is not null and threshold_percent is null end),
  -- Budgets are organisation-wide (a program area, never a division); the other kinds have a place.
  constraint alert_rule_scope_fits_kind check (case
    when kind = 'budget_commitment' then division_code is null
    else program_area is null end)
);

create table alert (
  id bigint generated always as identity primary key,
  rule_id bigint not null references alert_rule (id) on delete cascade,
  -- What exactly is wrong, as a stable key ('need:42', 'budget:2027:forensic_labs', …).
  condition_key text not null constraint alert_condition_key_length check (length(condition_key) between 1 and 120),
  -- The row it is about (a need, a request, a center, a goal), when there is one.
  subject_id bigint,
  -- Where it is (for who is told and who sees it): a state, else a division, else organisation-wide.
  state character(2) references region (code),
  division_code text references division (code),
  -- The sentence people read, in plain words, and where in Beacon to look.
  message text not null constraint alert_message_length check (length(btrim(message)) between 1 and 500),
  link text not null constraint alert_link_is_local check (link ~ '^/[^/\\]' or link = '/'),
  details jsonb not null default '{}'::jsonb,
  opened_at timestamptz not null default now(),
  resolved_at timestamptz,
  constraint alert_resolved_after_opened check (resolved_at is null or resolved_at >= opened_at)
);
create unique index alert_one_open on alert (rule_id, condition_key) where resolved_at is null;
create index alert_recent on alert (opened_at desc);
create index alert_open_subject on alert (subject_id) where resolved_at is null;
`;

const DOWN = String.raw`
drop table if exists alert;
drop table if exists alert_rule;
`;
