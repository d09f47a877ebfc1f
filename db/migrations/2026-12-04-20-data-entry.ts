// Frozen in time: never import application code here. Data entry for partners, budgets, goals and
// survivor counts (issue 16, items 4–6):
// - a partner's vetting has an evidence note and a vetted-until date; an approval dated after that
//   date (or for a partner with none) is refused, whoever writes it (BC004). A vetting recorded
//   without a date (older rows, scripts, the seed) is good for a year from when it is recorded;
// - a partner may name its city; an aftercare center's location is confidential, so its city may
//   not look like a street address (no digits) and no address column exists at all;
// - survivor counts also carry exits to safe housing (an aggregate count, never more than served),
//   and a month that has not begun yet (in the organisation's time zone) cannot be reported.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}

const UP = String.raw`
alter table partner
  add column city text constraint partner_city_length check (length(btrim(city)) between 2 and 100),
  add column vetted_until date,
  add column vetting_note text constraint partner_vetting_note_length check (length(btrim(vetting_note)) between 3 and 2000),
  add constraint partner_aftercare_city_only check (kind <> 'aftercare_center' or city is null or city !~ '[0-9]');

create function partner_vetting_period() returns trigger language plpgsql as $$
begin
  -- Only a vetting being recorded gets the default: clearing the date of a vetted partner leaves it
  -- without one (and unapprovable until renewed).
  if new.vetting_status = 'vetted' and new.vetted_until is null and (TG_OP = 'INSERT' or old.vetting_status <> 'vetted') then
    new.vetted_until := (local_day(now()) + interval '1 year')::date;
  end if;
  return new;
end $$;
create trigger partner_vetting_period before insert or update on partner
  for each row execute function partner_vetting_period();
update partner set vetted_until = (local_day(now()) + interval '1 year')::date where vetting_status = 'vetted' and vetted_until is null;

-- Runs after funding_request_guard (trigger names fire in order), which already refuses partners
-- that are not vetted at all (BC003).
create function funding_request_vetting_current() returns trigger language plpgsql as $$
declare
  p partner;
  approved_on date;
begin
  if new.stage <> 'approved' or old.stage = 'approved' then return new; end if;
  select * into p from partner where id = new.partner_id;
  approved_on := local_day(new.stage_entered_at);
  if p.vetting_status <> 'vetted' or p.vetted_until is null or p.vetted_until < approved_on then
    raise exception 'partner "%"''s vetting %', p.name,
      case when p.vetting_status <> 'vetted' then 'is ' || p.vetting_status::text
           when p.vetted_until is null then 'has no vetted-until date'
           else 'expired on ' || to_char(p.vetted_until, 'FMMonth FMDD, YYYY') end
      using errcode = 'BC004', detail = coalesce(to_char(p.vetted_until, 'YYYY-MM-DD'), ''),
        hint = 'renew the partner''s vetting (evidence and a new vetted-until date) before approving';
  end if;
  return new;
end $$;
create trigger funding_request_vetting_current before update on funding_request
  for each row execute function funding_request_vetting_current();

alter table survivor_count
  add column exits_to_safe_housing integer constraint survivor_count_exits_not_negative check (exits_to_safe_housing >= 0),
  add constraint survivor_count_exits_within_served check (exits_to_safe_housing <= served);

create function survivor_count_not_future() returns trigger language plpgsql as $$
begin
  if new.month > month_start(local_day(now())) then
    raise exception 'survivor counts are reported for months that have begun: % is in the future', to_char(new.month, 'YYYY-MM')
      using errcode = 'check_violation', constraint = 'survivor_count_month_not_future';
  end if;
  return new;
end $$;
create trigger survivor_count_not_future before insert or update on survivor_count
  for each row execute function survivor_count_not_future();
`;

const DOWN = String.raw`
drop trigger if exists survivor_count_not_future on survivor_count;
drop function if exists survivor_count_not_future();
alter table survivor_count drop constraint if exists survivor_count_exits_within_served, drop column if exists exits_to_safe_housing;
drop trigger if exists funding_request_vetting_current on funding_request;
drop function if exists funding_request_vetting_current();
drop trigger if exists partner_vetting_period on partner;
drop function if exists partner_vetting_period();
alter table partner drop constraint if exists partner_aftercare_city_only, drop column if exists vetting_note,
  drop column if exists vetted_until, drop column if exists city;
`;
