// Frozen in time: never import application code here. The domain tables, their enums and the
// invariants the database itself enforces (money never negative, disbursed never above approved,
// only vetted partners funded, stage moves only along the pipeline, stage events append-only).
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
create type country_code as enum ('US', 'CA');
create type partner_kind as enum ('law_enforcement_agency', 'icac_task_force', 'icac_affiliate',
  'forensic_lab', 'aftercare_center', 'education_partner');
create type vetting_status as enum ('pending', 'vetted', 'suspended');
create type funding_category as enum ('forensic_hardware', 'extraction_software', 'detection_k9',
  'training_scholarship', 'lab_equipment', 'lab_facility', 'aftercare_equipment', 'aftercare_facility',
  'survivor_basic_needs', 'outreach_program');
create type funding_stage as enum ('intake', 'vetting', 'approved', 'disbursed', 'reported', 'declined', 'withdrawn');
create type program_area as enum ('law_enforcement', 'forensic_labs', 'aftercare', 'education');
create type need_kind as enum ('equipment', 'building', 'basic_needs');
create type basic_need_type as enum ('housing', 'food', 'clothing', 'hygiene', 'transportation', 'medical',
  'mental_health', 'legal', 'education', 'childcare', 'employment');
create type need_priority as enum ('critical', 'high', 'normal', 'low');
create type need_status as enum ('open', 'in_progress', 'pledged', 'fulfilled', 'cancelled');
create type outreach_format as enum ('school_assembly', 'parent_workshop', 'professional_training',
  'law_enforcement_training', 'community_event', 'webinar', 'conference', 'media');
create type outreach_audience as enum ('students', 'parents', 'educators', 'professionals', 'law_enforcement',
  'faith_community', 'general_public');
create type user_role as enum ('admin', 'leadership', 'coordinator', 'board');

-- Helpers every later object uses. Months are calendar months in UTC.
create function month_start(d date) returns date immutable strict parallel safe language sql
  as 'select $1 - (extract(day from $1)::int - 1)';
create function month_start(t timestamptz) returns date immutable strict parallel safe language sql
  as $$select month_start((t at time zone 'UTC')::date)$$;
create function category_program_area(c funding_category) returns program_area immutable strict parallel safe
  language sql as $$
  select case
    when c in ('forensic_hardware', 'extraction_software', 'detection_k9', 'training_scholarship') then 'law_enforcement'
    when c in ('lab_equipment', 'lab_facility') then 'forensic_labs'
    when c in ('aftercare_equipment', 'aftercare_facility', 'survivor_basic_needs') then 'aftercare'
    else 'education' end::program_area
$$;
create function funding_stage_move_allowed(f funding_stage, t funding_stage) returns boolean immutable strict
  parallel safe language sql as $$
  select f::text || '>' || t::text in (
    'intake>vetting', 'vetting>approved', 'approved>disbursed', 'disbursed>reported',
    'intake>declined', 'vetting>declined', 'approved>declined',
    'intake>withdrawn', 'vetting>withdrawn', 'approved>withdrawn')
$$;
create function need_status_move_allowed(f need_status, t need_status) returns boolean immutable strict
  parallel safe language sql as $$
  select f = t or f::text || '>' || t::text in (
    'open>in_progress', 'in_progress>pledged', 'pledged>fulfilled',
    'in_progress>open', 'pledged>in_progress', 'fulfilled>pledged',
    'open>cancelled', 'in_progress>cancelled', 'pledged>cancelled', 'cancelled>open')
$$;
-- Raised by the append-only tables.
create function refuse_change() returns trigger language plpgsql as $$
begin
  raise exception '% rows are append-only: % is not allowed', TG_TABLE_NAME, lower(TG_OP)
    using errcode = 'restrict_violation', hint = TG_ARGV[0];
end $$;

create table division (
  code text primary key constraint division_code_format check (code ~ '^[a-z][a-z-]*$'),
  name text not null unique,
  country country_code not null
);
create table region (
  code char(2) primary key constraint region_code_format check (code ~ '^[A-Z]{2}$'),
  name text not null unique,
  country country_code not null,
  division_code text not null references division (code)
);
insert into division (code, name, country) values
  ('new-england', 'New England', 'US'),
  ('mid-atlantic', 'Mid-Atlantic', 'US'),
  ('east-north-central', 'East North Central', 'US'),
  ('west-north-central', 'West North Central', 'US'),
  ('south-atlantic', 'South Atlantic', 'US'),
  ('east-south-central', 'East South Central', 'US'),
  ('west-south-central', 'West South Central', 'US'),
  ('mountain', 'Mountain', 'US'),
  ('pacific', 'Pacific', 'US'),
  ('canada-west-north', 'Canada West and North', 'CA'),
  ('canada-east', 'Canada East', 'CA');
insert into region (code, name, country, division_code) values
  ('CT', 'Connecticut', 'US', 'new-england'),
  ('ME', 'Maine', 'US', 'new-england'),
  ('MA', 'Massachusetts', 'US', 'new-england'),
  ('NH', 'New Hampshire', 'US', 'new-england'),
  ('RI', 'Rhode Island', 'US', 'new-england'),
  ('VT', 'Vermont', 'US', 'new-england'),
  ('NJ', 'New Jersey', 'US', 'mid-atlantic'),
  ('NY', 'New York', 'US', 'mid-atlantic'),
  ('PA', 'Pennsylvania', 'US', 'mid-atlantic'),
  ('IL', 'Illinois', 'US', 'east-north-central'),
  ('IN', 'Indiana', 'US', 'east-north-central'),
  ('MI', 'Michigan', 'US', 'east-north-central'),
  ('OH', 'Ohio', 'US', 'east-north-central'),
  ('WI', 'Wisconsin', 'US', 'east-north-central'),
  ('IA', 'Iowa', 'US', 'west-north-central'),
  ('KS', 'Kansas', 'US', 'west-north-central'),
  ('MN', 'Minnesota', 'US', 'west-north-central'),
  ('MO', 'Missouri', 'US', 'west-north-central'),
  ('NE', 'Nebraska', 'US', 'west-north-central'),
  ('ND', 'North Dakota', 'US', 'west-north-central'),
  ('SD', 'South Dakota', 'US', 'west-north-central'),
  ('DE', 'Delaware', 'US', 'south-atlantic'),
  ('DC', 'District of Columbia', 'US', 'south-atlantic'),
  ('FL', 'Florida', 'US', 'south-atlantic'),
  ('GA', 'Georgia', 'US', 'south-atlantic'),
  ('MD', 'Maryland', 'US', 'south-atlantic'),
  ('NC', 'North Carolina', 'US', 'south-atlantic'),
  ('SC', 'South Carolina', 'US', 'south-atlantic'),
  ('VA', 'Virginia', 'US', 'south-atlantic'),
  ('WV', 'West Virginia', 'US', 'south-atlantic'),
  ('AL', 'Alabama', 'US', 'east-south-central'),
  ('KY', 'Kentucky', 'US', 'east-south-central'),
  ('MS', 'Mississippi', 'US', 'east-south-central'),
  ('TN', 'Tennessee', 'US', 'east-south-central'),
  ('AR', 'Arkansas', 'US', 'west-south-central'),
  ('LA', 'Louisiana', 'US', 'west-south-central'),
  ('OK', 'Oklahoma', 'US', 'west-south-central'),
  ('TX', 'Texas', 'US', 'west-south-central'),
  ('AZ', 'Arizona', 'US', 'mountain'),
  ('CO', 'Colorado', 'US', 'mountain'),
  ('ID', 'Idaho', 'US', 'mountain'),
  ('MT', 'Montana', 'US', 'mountain'),
  ('NV', 'Nevada', 'US', 'mountain'),
  ('NM', 'New Mexico', 'US', 'mountain'),
  ('UT', 'Utah', 'US', 'mountain'),
  ('WY', 'Wyoming', 'US', 'mountain'),
  ('AK', 'Alaska', 'US', 'pacific'),
  ('CA', 'California', 'US', 'pacific'),
  ('HI', 'Hawaii', 'US', 'pacific'),
  ('OR', 'Oregon', 'US', 'pacific'),
  ('WA', 'Washington', 'US', 'pacific'),
  ('AB', 'Alberta', 'CA', 'canada-west-north'),
  ('BC', 'British Columbia', 'CA', 'canada-west-north'),
  ('MB', 'Manitoba', 'CA', 'canada-west-north'),
  ('SK', 'Saskatchewan', 'CA', 'canada-west-north'),
  ('YT', 'Yukon', 'CA', 'canada-west-north'),
  ('NT', 'Northwest Territories', 'CA', 'canada-west-north'),
  ('NU', 'Nunavut', 'CA', 'canada-west-north'),
  ('ON', 'Ontario', 'CA', 'canada-east'),
  ('QC', 'Quebec', 'CA', 'canada-east'),
  ('NB', 'New Brunswick', 'CA', 'canada-east'),
  ('NS', 'Nova Scotia', 'CA', 'canada-east'),
  ('PE', 'Prince Edward Island', 'CA', 'canada-east'),
  ('NL', 'Newfoundland and Labrador', 'CA', 'canada-east');

create table app_user (
  id text primary key,
  email text not null unique constraint app_user_email_format check (email = lower(btrim(email)) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  display_name text not null constraint app_user_display_name_length check (length(btrim(display_name)) between 1 and 100),
  role user_role not null,
  password_hash text,
  active boolean not null default true,
  created_at timestamptz not null default now()
);
create table user_region (
  id bigint generated always as identity primary key,
  user_id text not null references app_user (id) on delete cascade,
  division_code text references division (code),
  state char(2) references region (code),
  constraint user_region_one_scope check ((division_code is null) <> (state is null))
);
create unique index user_region_unique on user_region (user_id, coalesce(division_code, ''), coalesce(state, ''));
-- id is the SHA-256 (hex) of the session token: a leaked table yields no usable session.
create table user_session (
  id text primary key constraint user_session_id_is_sha256 check (id ~ '^[0-9a-f]{64}$'),
  user_id text not null references app_user (id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  last_active_at timestamptz not null default now()
);
create index user_session_user on user_session (user_id);

create table partner (
  id bigint generated always as identity primary key,
  name text not null constraint partner_name_length check (length(btrim(name)) between 2 and 200),
  kind partner_kind not null,
  vetting_status vetting_status not null default 'pending',
  state char(2) not null references region (code),
  vetted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index partner_state on partner (state);

create function partner_guard() returns trigger language plpgsql as $$
begin
  if TG_OP = 'INSERT' then
    if new.vetting_status = 'vetted' and new.vetted_at is null then new.vetted_at := new.created_at; end if;
    return new;
  end if;
  if new.kind <> old.kind then
    raise exception 'a partner''s kind cannot change (partner %, % → %)', old.id, old.kind, new.kind
      using errcode = 'check_violation';
  end if;
  if new.vetting_status <> old.vetting_status then
    if new.vetting_status = 'pending' then
      raise exception 'partner % cannot go back to pending vetting', old.id using errcode = 'check_violation';
    end if;
    if new.vetting_status = 'vetted' then new.vetted_at := now(); end if;
  end if;
  new.updated_at := now();
  return new;
end $$;
create trigger partner_guard before insert or update on partner for each row execute function partner_guard();

create table funding_request (
  id bigint generated always as identity primary key,
  partner_id bigint not null references partner (id),
  state char(2) not null references region (code),
  title text not null constraint funding_request_title_length check (length(btrim(title)) between 3 and 200),
  category funding_category not null,
  fiscal_year smallint not null constraint funding_request_fiscal_year_range check (fiscal_year between 2000 and 2100),
  stage funding_stage not null default 'intake',
  requested_cents bigint not null constraint funding_request_requested_not_negative check (requested_cents >= 0),
  approved_cents bigint not null default 0 constraint funding_request_approved_not_negative check (approved_cents >= 0),
  disbursed_cents bigint not null default 0 constraint funding_request_disbursed_not_negative check (disbursed_cents >= 0),
  units integer constraint funding_request_units_not_negative check (units >= 0),
  stage_entered_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  constraint funding_request_disbursed_within_approved check (disbursed_cents <= approved_cents)
);
create index funding_request_partner on funding_request (partner_id);
create index funding_request_stage_entered on funding_request (stage, stage_entered_at);

create table funding_stage_event (
  id bigint generated always as identity primary key,
  request_id bigint not null references funding_request (id),
  from_stage funding_stage,
  to_stage funding_stage not null,
  amount_cents bigint constraint funding_stage_event_amount_not_negative check (amount_cents >= 0),
  actor_id text references app_user (id),
  occurred_at timestamptz not null default now(),
  -- Copied from the request when the event is written, so analytics over events never need a join
  -- and never change when the request is edited later.
  category funding_category not null,
  state char(2) not null,
  fiscal_year smallint not null,
  seconds_in_from_stage bigint
);
create index funding_stage_event_request on funding_stage_event (request_id, occurred_at);

-- A request's stage changes only by recording a stage event; the event trigger moves the request
-- as a compare-and-set on the stage the event says it leaves.
create function funding_stage_event_apply() returns trigger language plpgsql as $$
declare
  r funding_request;
begin
  select * into r from funding_request where id = new.request_id for update;
  if not found then
    raise exception 'funding request % does not exist', new.request_id using errcode = 'foreign_key_violation';
  end if;
  new.category := r.category;
  new.state := r.state;
  new.fiscal_year := r.fiscal_year;
  if new.actor_id is null then new.actor_id := nullif(current_setting('beacon.actor_id', true), ''); end if;
  if new.from_stage is null then
    if new.to_stage <> 'intake' or r.stage <> 'intake'
       or exists (select 1 from funding_stage_event e where e.request_id = new.request_id) then
      raise exception 'only a new funding request gets an opening "intake" event' using errcode = 'check_violation';
    end if;
    return new;
  end if;
  if r.stage <> new.from_stage then
    raise exception 'funding request % is in stage "%", not "%": it was moved by someone else', r.id, r.stage, new.from_stage
      using errcode = 'BC001', detail = r.stage::text;
  end if;
  if not funding_stage_move_allowed(new.from_stage, new.to_stage) then
    raise exception 'a funding request cannot move from "%" to "%": stages go intake → vetting → approved → disbursed → reported, or to declined/withdrawn before disbursed',
      new.from_stage, new.to_stage using errcode = 'BC002';
  end if;
  if new.occurred_at < r.stage_entered_at then
    raise exception 'a stage event cannot predate the request''s current stage (% < %)', new.occurred_at, r.stage_entered_at
      using errcode = 'check_violation';
  end if;
  new.seconds_in_from_stage := floor(extract(epoch from new.occurred_at - r.stage_entered_at));
  return new;
end $$;
-- The request rows move in one UPDATE per statement (not one per event): a bulk of events costs one
-- pass of the request's statement-level rollup and change_log triggers.
create function funding_stage_event_move() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from new_rows where from_stage is not null) then
    return null;
  end if;
  if exists (select 1 from new_rows where from_stage is not null group by request_id having count(*) > 1) then
    raise exception 'one statement may move a funding request only once' using errcode = 'BC002';
  end if;
  perform set_config('beacon.stage_move', '1', true);
  update funding_request f set
    stage = e.to_stage,
    stage_entered_at = e.occurred_at,
    approved_cents = case when e.to_stage = 'approved' then coalesce(e.amount_cents, f.approved_cents) else f.approved_cents end,
    disbursed_cents = case when e.to_stage = 'disbursed' then coalesce(e.amount_cents, f.approved_cents) else f.disbursed_cents end
  from new_rows e
  where f.id = e.request_id and e.from_stage is not null;
  perform set_config('beacon.stage_move', '', true);
  return null;
end $$;
create trigger funding_stage_event_apply before insert on funding_stage_event
  for each row execute function funding_stage_event_apply();
create trigger funding_stage_event_move after insert on funding_stage_event
  referencing new table as new_rows for each statement execute function funding_stage_event_move();
create trigger funding_stage_event_append_only before update or delete on funding_stage_event
  for each row execute function refuse_change('stage events are history: record a new event instead');
create trigger funding_stage_event_no_truncate before truncate on funding_stage_event
  for each statement execute function refuse_change('stage events are history');

create function funding_request_guard() returns trigger language plpgsql as $$
declare
  p partner;
begin
  if TG_OP = 'DELETE' then
    raise exception 'funding requests are never deleted (request %): withdraw or decline it instead', old.id
      using errcode = 'restrict_violation';
  end if;
  select * into p from partner where id = new.partner_id;
  if not found then
    raise exception 'partner % does not exist', new.partner_id using errcode = 'foreign_key_violation';
  end if;
  new.state := p.state;
  if TG_OP = 'INSERT' then
    if new.stage <> 'intake' or new.approved_cents <> 0 or new.disbursed_cents <> 0 then
      raise exception 'a funding request starts at "intake" with nothing approved or disbursed; later stages are reached through stage events'
        using errcode = 'check_violation';
    end if;
    new.stage_entered_at := new.created_at;
    new.updated_at := new.created_at;
    return new;
  end if;
  -- Only the stage-event trigger (one trigger level down) may move the stage; the setting alone is
  -- not enough, since any client could set it.
  if new.stage <> old.stage and (pg_trigger_depth() < 2 or current_setting('beacon.stage_move', true) is distinct from '1') then
    raise exception 'change a funding request''s stage by recording a stage event, not by updating it'
      using errcode = 'check_violation';
  end if;
  if (new.stage <> old.stage and new.stage in ('approved', 'disbursed'))
     or new.approved_cents > old.approved_cents or new.disbursed_cents > old.disbursed_cents
     or (new.partner_id <> old.partner_id and new.stage in ('approved', 'disbursed', 'reported')) then
    if p.vetting_status <> 'vetted' then
      raise exception 'partner "%" is % — only vetted partners can be approved or receive funds', p.name, p.vetting_status
        using errcode = 'BC003';
    end if;
  end if;
  if new.stage = 'approved' and new.stage <> old.stage and new.approved_cents = 0 then
    raise exception 'approving a funding request needs an approved amount above zero' using errcode = 'check_violation';
  end if;
  if new.stage = 'disbursed' and new.stage <> old.stage and new.disbursed_cents = 0 then
    raise exception 'disbursing a funding request needs a disbursed amount above zero' using errcode = 'check_violation';
  end if;
  -- A stage move is dated by its event (which may be back-dated history), other edits by the clock.
  new.updated_at := case when new.stage <> old.stage then new.stage_entered_at else now() end;
  new.version := old.version + 1;
  return new;
end $$;
create trigger funding_request_guard before insert or update or delete on funding_request
  for each row execute function funding_request_guard();

-- Every request opens with its "intake" event, so every request has a full stage history.
create function funding_request_open_history() returns trigger language plpgsql as $$
begin
  insert into funding_stage_event (request_id, from_stage, to_stage, occurred_at, category, state, fiscal_year)
  select n.id, null, 'intake', n.created_at, n.category, n.state, n.fiscal_year from new_rows n order by n.id;
  return null;
end $$;
create trigger funding_request_open_history after insert on funding_request
  referencing new table as new_rows for each statement execute function funding_request_open_history();

-- A partner's home state is copied onto its requests, needs and survivor counts (so rollups by
-- state need no join); when it moves, they move with it and their rollups follow.
create function partner_state_cascade() returns trigger language plpgsql as $$
begin
  update funding_request set state = new.state where partner_id = new.id and state <> new.state;
  update aftercare_need set state = new.state where center_id = new.id and state <> new.state;
  update survivor_count set state = new.state where center_id = new.id and state <> new.state;
  return null;
end $$;

create table budget (
  id bigint generated always as identity primary key,
  fiscal_year smallint not null constraint budget_fiscal_year_range check (fiscal_year between 2000 and 2100),
  program_area program_area not null,
  donor_restriction text constraint budget_donor_restriction_length check (length(btrim(donor_restriction)) between 2 and 200),
  amount_cents bigint not null constraint budget_amount_not_negative check (amount_cents >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index budget_unique on budget (fiscal_year, program_area, coalesce(donor_restriction, ''));

create table aftercare_need (
  id bigint generated always as identity primary key,
  center_id bigint not null references partner (id),
  state char(2) not null references region (code),
  title text not null constraint aftercare_need_title_length check (length(btrim(title)) between 3 and 200),
  kind need_kind not null,
  basic_need_type basic_need_type,
  quantity integer not null default 1 constraint aftercare_need_quantity_positive check (quantity > 0),
  estimated_cost_cents bigint not null default 0 constraint aftercare_need_cost_not_negative check (estimated_cost_cents >= 0),
  priority need_priority not null default 'normal',
  status need_status not null default 'open',
  needed_by date,
  version integer not null default 1,
  created_by text references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  closed_at timestamptz,
  constraint aftercare_need_basic_type_iff_basic_needs check ((kind = 'basic_needs') = (basic_need_type is not null))
);
create index aftercare_need_center on aftercare_need (center_id);
create index aftercare_need_state_status on aftercare_need (state, status);
create index aftercare_need_open_critical on aftercare_need (created_at)
  where priority = 'critical' and status in ('open', 'in_progress', 'pledged');

create function aftercare_need_guard() returns trigger language plpgsql as $$
declare
  p partner;
begin
  select * into p from partner where id = new.center_id;
  if not found then
    raise exception 'aftercare center % does not exist', new.center_id using errcode = 'foreign_key_violation';
  end if;
  if p.kind <> 'aftercare_center' then
    raise exception 'partner "%" is a %, not an aftercare center', p.name, p.kind using errcode = 'check_violation';
  end if;
  new.state := p.state;
  if TG_OP = 'INSERT' then
    new.version := 1;
    -- A need recorded as already closed keeps the closing time given (e.g. imported history).
    new.closed_at := case when new.status in ('fulfilled', 'cancelled') then coalesce(new.closed_at, new.created_at) end;
    if new.closed_at < new.created_at then
      raise exception 'a need cannot close (%) before it was created (%)', new.closed_at, new.created_at
        using errcode = 'check_violation';
    end if;
    return new;
  end if;
  if not need_status_move_allowed(old.status, new.status) then
    raise exception 'a need cannot move from "%" to "%"', old.status, new.status using errcode = 'BC002';
  end if;
  if new.status <> old.status then
    new.closed_at := case when new.status in ('fulfilled', 'cancelled') then now() end;
  end if;
  new.version := old.version + 1;
  new.updated_at := now();
  return new;
end $$;
create trigger aftercare_need_guard before insert or update on aftercare_need
  for each row execute function aftercare_need_guard();

create trigger partner_state_cascade after update of state on partner
  for each row when (new.state is distinct from old.state) execute function partner_state_cascade();

create table need_comment (
  id bigint generated always as identity primary key,
  need_id bigint not null references aftercare_need (id) on delete cascade,
  author_id text not null references app_user (id),
  body text not null constraint need_comment_body_length check (length(btrim(body)) between 1 and 4000),
  created_at timestamptz not null default now()
);
create index need_comment_need on need_comment (need_id, created_at);
create table funding_comment (
  id bigint generated always as identity primary key,
  request_id bigint not null references funding_request (id),
  author_id text not null references app_user (id),
  body text not null constraint funding_comment_body_length check (length(btrim(body)) between 1 and 4000),
  created_at timestamptz not null default now()
);
create index funding_comment_request on funding_comment (request_id, created_at);

-- Aggregate counts only. Beacon stores nothing about an individual survivor: no names, dates of
-- birth, case notes or free text. Do not add such a column (a test checks the catalog).
create table survivor_count (
  id bigint generated always as identity primary key,
  center_id bigint not null references partner (id),
  state char(2) not null references region (code),
  month date not null constraint survivor_count_month_is_first_day check (extract(day from month) = 1),
  served integer not null constraint survivor_count_served_not_negative check (served >= 0),
  new_intakes integer not null constraint survivor_count_new_intakes_not_negative check (new_intakes >= 0),
  bed_nights integer not null constraint survivor_count_bed_nights_not_negative check (bed_nights >= 0),
  reported_at timestamptz not null default now(),
  constraint survivor_count_one_per_month unique (center_id, month),
  constraint survivor_count_intakes_within_served check (new_intakes <= served)
);
create function survivor_count_guard() returns trigger language plpgsql as $$
declare
  p partner;
begin
  select * into p from partner where id = new.center_id;
  if not found or p.kind <> 'aftercare_center' then
    raise exception 'survivor counts are reported by aftercare centers only (partner %)', new.center_id
      using errcode = 'check_violation';
  end if;
  new.state := p.state;
  return new;
end $$;
create trigger survivor_count_guard before insert or update on survivor_count
  for each row execute function survivor_count_guard();

create table outreach_event (
  id bigint generated always as identity primary key,
  occurred_on date not null,
  state char(2) not null references region (code),
  format outreach_format not null,
  audience outreach_audience not null,
  title text constraint outreach_event_title_length check (length(btrim(title)) between 3 and 200),
  attendees integer not null constraint outreach_event_attendees_not_negative check (attendees >= 0),
  partner_professionals integer not null default 0 constraint outreach_event_professionals_not_negative check (partner_professionals >= 0),
  follow_up_requests integer not null default 0 constraint outreach_event_follow_ups_not_negative check (follow_up_requests >= 0),
  partner_id bigint references partner (id),
  version integer not null default 1,
  created_by text references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index outreach_event_occurred on outreach_event (occurred_on desc);
create function bump_version() returns trigger language plpgsql as $$
begin
  new.version := old.version + 1;
  new.updated_at := now();
  return new;
end $$;
create trigger outreach_event_version before update on outreach_event for each row execute function bump_version();

create table outreach_goal (
  id bigint generated always as identity primary key,
  division_code text not null references division (code),
  period_start date not null,
  period_end date not null,
  people_goal integer not null constraint outreach_goal_people_positive check (people_goal > 0),
  events_goal integer constraint outreach_goal_events_not_negative check (events_goal >= 0),
  constraint outreach_goal_whole_months check (extract(day from period_start) = 1 and extract(day from period_end) = 1
    and period_end > period_start),
  constraint outreach_goal_unique unique (division_code, period_start, period_end)
);

create table audit_log (
  id bigint generated always as identity primary key,
  actor_id text references app_user (id),
  at timestamptz not null default now(),
  action text not null constraint audit_log_action_format check (action ~ '^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$'),
  entity text not null,
  entity_id text,
  before jsonb,
  after jsonb
);
create index audit_log_at on audit_log (at desc);
create index audit_log_entity on audit_log (entity, entity_id);
create index audit_log_actor on audit_log (actor_id, at desc);
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function refuse_change('the audit trail is never rewritten');
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function refuse_change('the audit trail is never rewritten');
`;

const DOWN = String.raw`
drop table if exists audit_log, outreach_goal, outreach_event, survivor_count, funding_comment, need_comment,
  aftercare_need, budget, funding_stage_event, funding_request, partner, user_session, user_region, app_user,
  region, division cascade;
drop function if exists partner_state_cascade, bump_version, survivor_count_guard, aftercare_need_guard, funding_request_open_history,
  funding_request_guard, funding_stage_event_move, funding_stage_event_apply, partner_guard, refuse_change, need_status_move_allowed,
  funding_stage_move_allowed, category_program_area, month_start(date), month_start(timestamptz) cascade;
drop type if exists user_role, outreach_audience, outreach_format, need_status, need_priority, basic_need_type,
  need_kind, program_area, funding_stage, funding_category, vetting_status, partner_kind, country_code;
`;
