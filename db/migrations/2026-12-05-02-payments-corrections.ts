// Frozen in time: never import application code here. Money is recorded as events, never rewritten
// (issue 16, items 2 and 3). A stage event now has a kind:
// - `move`: a stage move, as before (the first payment is the move to `disbursed`);
// - `payment`: a further payment of a disbursed request (amount, day paid, reference). The request's
//   disbursed amount is the sum of its payments; the table constraint disbursed ≤ approved refuses a
//   payment that would pay more than was approved, whoever writes it;
// - `correction`: a corrected amount of one approval or payment (`corrects_event_id`), with the figure
//   it should have been (`corrected_to_cents`) and a reason (refused without one). The database writes
//   the difference onto the event (`amount_cents`, which may be negative) and dates it on the corrected
//   event's own moment, with that event's state, category and fiscal year: every figure that sums
//   amounts by period and place follows the corrected figure where the money belongs, and the history
//   keeps both (`recorded_at` says when the correction was made).
// Counts follow moves and payments, never corrections (`moves` counts a payment; a correction moves
// nothing). Units paid (K9s funded, officers trained…) and partners paid count the first payment
// (the move to disbursed) only, so a request paid in two payments counts its units once.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

interface Rollup {
  name: string;
  fn: string;
  keys: string[];
  measures: string[];
  source: string;
}

function upsert(r: Rollup, parts: string[]): string {
  const keys = r.keys.join(', ');
  return `insert into ${r.name} as r (${keys}, ${r.measures.join(', ')})
    select ${keys}, ${r.measures.map((m) => `sum(sign * ${m})`).join(', ')}
    from (${parts.join(' union all ')}) d
    group by ${keys} order by ${keys}
    on conflict (${keys}) do update set ${r.measures.map((m) => `${m} = r.${m} + excluded.${m}`).join(', ')};`;
}

const part = (r: Rollup, sign: 1 | -1, table: string) => `select ${sign} as sign, s.* from (${r.source.replaceAll('{src}', table)}) s`;

const fnSql = (r: Rollup) => `
create or replace function ${r.fn}() returns trigger language plpgsql as $fn$
begin
  if TG_OP = 'INSERT' then
    ${upsert(r, [part(r, 1, 'new_rows')])}
  elsif TG_OP = 'DELETE' then
    ${upsert(r, [part(r, -1, 'old_rows')])}
  else
    ${upsert(r, [part(r, 1, 'new_rows'), part(r, -1, 'old_rows')])}
  end if;
  return null;
end $fn$;`;

const SCOPES_X = `cross join lateral (values ('*'), ('d:' || r.division_code), ('s:' || x.state)) sc(scope)`;
const SCOPES_E = `cross join lateral (values ('*'), ('d:' || r.division_code), ('s:' || e.state)) sc(scope)
  cross join lateral (values (e.category::text), ('*')) c(category)`;

/** The rollups over stage events that count or sum them; `moves` and `paid` differ before and after. */
function rollups(moves: (alias: string) => string, paid: (alias: string) => string): Rollup[] {
  return [
    {
      name: 'rollup_stage_throughput', fn: 'rollup_stage_throughput_apply',
      keys: ['month', 'to_stage', 'fiscal_year', 'category', 'state'], measures: ['moves', 'amount_cents'],
      source: `select month_start(occurred_at) as month, to_stage, fiscal_year, category, state, ${moves('')} as moves,
      coalesce(amount_cents, 0) as amount_cents from {src}`
    },
    {
      name: 'rollup_throughput_scope', fn: 'rollup_throughput_scope_apply',
      keys: ['month', 'scope', 'to_stage', 'category'], measures: ['moves', 'amount_cents'],
      source: `select month_start(x.occurred_at) as month, sc.scope, x.to_stage, c.category, ${moves('x.')} as moves,
      coalesce(x.amount_cents, 0)::bigint as amount_cents
      from {src} x join region r on r.code = x.state ${SCOPES_X}
      cross join lateral (values (x.category::text), ('*')) c(category)`
    },
    {
      name: 'rollup_move_month', fn: 'rollup_move_month_apply',
      keys: ['scope', 'category', 'month', 'to_stage'], measures: ['moves', 'amount_cents'],
      source: `select sc.scope, c.category, month_start(x.occurred_at) as month, x.to_stage, ${moves('x.')} as moves,
      coalesce(x.amount_cents, 0)::bigint as amount_cents
      from {src} x join region r on r.code = x.state ${SCOPES_X}
      cross join lateral (values (x.category::text), ('*')) c(category)`
    },
    {
      name: 'rollup_paid_month', fn: 'rollup_paid_month_funding_stage_event',
      keys: ['scope', 'category', 'month', 'partner_id'], measures: ['payments', 'units'],
      source: `select sc.scope, c.category, month_start(e.occurred_at) as month, f.partner_id, 1::bigint as payments,
          coalesce(f.units, 0)::bigint as units
          from {src} e join funding_request f on f.id = e.request_id join region r on r.code = e.state ${SCOPES_E}
          where e.to_stage = 'disbursed'${paid('e.')}`
    },
    {
      name: 'rollup_paid_month', fn: 'rollup_paid_month_funding_request',
      keys: ['scope', 'category', 'month', 'partner_id'], measures: ['payments', 'units'],
      source: `select sc.scope, c.category, month_start(e.occurred_at) as month, f.partner_id, 1::bigint as payments,
          coalesce(f.units, 0)::bigint as units
          from {src} f join funding_stage_event e on e.request_id = f.id and e.to_stage = 'disbursed'${paid('e.')}
          join region r on r.code = e.state ${SCOPES_E}`
    },
    {
      name: 'rollup_paid_units_month', fn: 'rollup_paid_units_month_funding_stage_event',
      keys: ['scope', 'category', 'month'], measures: ['payments', 'units'],
      source: `select sc.scope, c.category, month_start(e.occurred_at) as month, 1::bigint as payments, coalesce(f.units, 0)::bigint as units
        from {src} e join funding_request f on f.id = e.request_id join region r on r.code = e.state ${SCOPES_E}
        where e.to_stage = 'disbursed'${paid('e.')}`
    },
    {
      name: 'rollup_paid_units_month', fn: 'rollup_paid_units_month_funding_request',
      keys: ['scope', 'category', 'month'], measures: ['payments', 'units'],
      source: `select sc.scope, c.category, month_start(e.occurred_at) as month, 1::bigint as payments, coalesce(f.units, 0)::bigint as units
        from {src} f join funding_stage_event e on e.request_id = f.id and e.to_stage = 'disbursed'${paid('e.')}
        join region r on r.code = e.state ${SCOPES_E}`
    }
  ];
}

const NOW = rollups((a) => `(${a}kind <> 'correction')::int::bigint`, (a) => ` and ${a}kind = 'move'`);
const BEFORE = rollups(() => '1::bigint', () => '');

/** Refills, from the events, the rollups whose meaning this migration changes (stage events only). */
const refill = (list: Rollup[]) => {
  const byTable = new Map<string, Rollup>();
  for (const r of list) if (!byTable.has(r.name) && !r.fn.endsWith('_funding_request')) byTable.set(r.name, r);
  return [...byTable.values()].map((r) => `delete from ${r.name};\n  ${upsert(r, [part(r, 1, 'funding_stage_event')])}`).join('\n  ');
};

const UP = String.raw`
alter table funding_stage_event
  add column kind text not null default 'move' constraint funding_stage_event_kind check (kind in ('move', 'payment', 'correction')),
  add column corrects_event_id bigint references funding_stage_event (id),
  add column corrected_to_cents bigint constraint funding_stage_event_corrected_to_not_negative check (corrected_to_cents >= 0),
  add column reference text constraint funding_stage_event_reference_length check (length(btrim(reference)) between 1 and 200),
  add column recorded_at timestamptz not null default now(),
  drop constraint funding_stage_event_amount_not_negative,
  add constraint funding_stage_event_amount_not_negative check (kind = 'correction' or amount_cents >= 0),
  add constraint funding_stage_event_correction_target check ((kind = 'correction') = (corrects_event_id is not null)),
  add constraint funding_stage_event_correction_reason check (kind <> 'correction' or reason is not null),
  add constraint funding_stage_event_correction_amount check (kind <> 'correction' or corrected_to_cents is not null);
create index funding_stage_event_corrects on funding_stage_event (corrects_event_id) where corrects_event_id is not null;

-- Stage moves keep their triggers; payments and corrections have their own.
drop trigger funding_stage_event_apply on funding_stage_event;
create trigger funding_stage_event_apply before insert on funding_stage_event
  for each row when (new.kind = 'move') execute function funding_stage_event_apply();
drop trigger funding_stage_event_fill_amount on funding_stage_event;
create trigger funding_stage_event_fill_amount before insert on funding_stage_event
  for each row when (new.kind = 'move') execute function funding_stage_event_fill_amount();

create function funding_stage_event_money() returns trigger language plpgsql as $$
declare
  r funding_request;
  c funding_stage_event;
  current_cents bigint;
begin
  select * into r from funding_request where id = new.request_id for update;
  if not found then
    raise exception 'funding request % does not exist', new.request_id using errcode = 'foreign_key_violation';
  end if;
  if new.actor_id is null then new.actor_id := nullif(current_setting('beacon.actor_id', true), ''); end if;
  new.from_stage := null;
  new.seconds_in_from_stage := null;
  new.recorded_at := now();
  if new.kind = 'payment' then
    if r.stage not in ('disbursed', 'reported') then
      raise exception 'a further payment is recorded on a disbursed request: this request is %', r.stage
        using errcode = 'check_violation', constraint = 'funding_stage_event_payment_after_first';
    end if;
    new.to_stage := 'disbursed';
    new.category := r.category;
    new.state := r.state;
    new.fiscal_year := r.fiscal_year;
    new.amount_cents := coalesce(new.amount_cents, r.approved_cents - r.disbursed_cents);
    if new.amount_cents <= 0 then
      raise exception 'a payment needs an amount above zero' using errcode = 'check_violation', constraint = 'funding_stage_event_payment_positive';
    end if;
    return new;
  end if;
  if new.reason is null or length(btrim(new.reason)) < 3 then
    raise exception 'a correction needs a reason: write why the amount changes'
      using errcode = 'check_violation', constraint = 'funding_stage_event_correction_reason';
  end if;
  select * into c from funding_stage_event where id = new.corrects_event_id;
  if not found or c.request_id <> new.request_id or c.kind = 'correction' or c.to_stage not in ('approved', 'disbursed') then
    raise exception 'only an approval or a payment of this request can be corrected'
      using errcode = 'check_violation', constraint = 'funding_stage_event_correction_target';
  end if;
  if new.corrected_to_cents is null or new.corrected_to_cents <= 0 then
    raise exception 'a corrected amount is above zero (to undo an approval, decline or withdraw the request)'
      using errcode = 'check_violation', constraint = 'funding_stage_event_correction_amount';
  end if;
  select c.amount_cents + coalesce(sum(x.amount_cents), 0) into current_cents
    from funding_stage_event x where x.corrects_event_id = c.id;
  new.amount_cents := new.corrected_to_cents - current_cents;
  if new.amount_cents = 0 then
    raise exception 'the amount is already that figure: nothing to correct'
      using errcode = 'check_violation', constraint = 'funding_stage_event_correction_changes';
  end if;
  new.to_stage := c.to_stage;
  new.occurred_at := c.occurred_at;
  new.category := c.category;
  new.state := c.state;
  new.fiscal_year := c.fiscal_year;
  return new;
end $$;
create trigger funding_stage_event_money before insert on funding_stage_event
  for each row when (new.kind <> 'move') execute function funding_stage_event_money();

-- The request's amounts follow its payments and corrections (the stage move sets them at approval and
-- at the first payment). The request's own guard refuses more money for a partner no longer vetted,
-- and its constraint refuses disbursed above approved.
create function funding_stage_event_money_apply() returns trigger language plpgsql as $$
begin
  update funding_request f set
    approved_cents = f.approved_cents + m.approved,
    disbursed_cents = f.disbursed_cents + m.disbursed
  from (select request_id,
          coalesce(sum(amount_cents) filter (where to_stage = 'approved'), 0) as approved,
          coalesce(sum(amount_cents) filter (where to_stage = 'disbursed'), 0) as disbursed
        from new_rows where kind <> 'move' group by request_id) m
  where f.id = m.request_id;
  return null;
end $$;
create trigger funding_stage_event_money_apply after insert on funding_stage_event
  referencing new table as new_rows for each statement execute function funding_stage_event_money_apply();

${NOW.map(fnSql).join('\n')}

create or replace view v_move_days as
  select e.occurred_at, local_day(e.occurred_at) as day, e.to_stage, e.category, category_program_area(e.category) as program_area,
    e.state, r.division_code, coalesce(e.amount_cents, 0)::bigint as amount_cents, (e.kind <> 'correction')::int::bigint as moves
  from funding_stage_event e join region r on r.code = e.state;
create or replace view v_paid_days as
  select e.occurred_at, local_day(e.occurred_at) as day, e.category, e.state, r.division_code, f.partner_id,
    coalesce(f.units, 0)::bigint as units
  from funding_stage_event e join funding_request f on f.id = e.request_id join region r on r.code = e.state
  where e.to_stage = 'disbursed' and e.kind = 'move';

alter function beacon_rebuild_time_rollups() rename to beacon_rebuild_time_rollups_2026_12_05;
create function beacon_rebuild_time_rollups() returns void language plpgsql as $fn$
begin
  perform beacon_rebuild_time_rollups_2026_12_05();
  ${refill(NOW)}
end $fn$;
`;

const DOWN = String.raw`
drop function if exists beacon_rebuild_time_rollups();
alter function beacon_rebuild_time_rollups_2026_12_05() rename to beacon_rebuild_time_rollups;
drop view v_move_days;
create view v_move_days as
  select e.occurred_at, local_day(e.occurred_at) as day, e.to_stage, e.category, category_program_area(e.category) as program_area,
    e.state, r.division_code, coalesce(e.amount_cents, 0)::bigint as amount_cents
  from funding_stage_event e join region r on r.code = e.state;
create or replace view v_paid_days as
  select e.occurred_at, local_day(e.occurred_at) as day, e.category, e.state, r.division_code, f.partner_id,
    coalesce(f.units, 0)::bigint as units
  from funding_stage_event e join funding_request f on f.id = e.request_id join region r on r.code = e.state
  where e.to_stage = 'disbursed';
${BEFORE.map(fnSql).join('\n')}
drop trigger if exists funding_stage_event_money_apply on funding_stage_event;
drop function if exists funding_stage_event_money_apply();
drop trigger if exists funding_stage_event_money on funding_stage_event;
drop function if exists funding_stage_event_money();
drop trigger funding_stage_event_apply on funding_stage_event;
create trigger funding_stage_event_apply before insert on funding_stage_event
  for each row execute function funding_stage_event_apply();
drop trigger funding_stage_event_fill_amount on funding_stage_event;
create trigger funding_stage_event_fill_amount before insert on funding_stage_event
  for each row execute function funding_stage_event_fill_amount();
drop index if exists funding_stage_event_corrects;
alter table funding_stage_event
  drop constraint funding_stage_event_amount_not_negative,
  drop constraint funding_stage_event_correction_target,
  drop constraint funding_stage_event_correction_reason,
  drop constraint funding_stage_event_correction_amount,
  drop column kind, drop column corrects_event_id, drop column corrected_to_cents, drop column reference, drop column recorded_at,
  add constraint funding_stage_event_amount_not_negative check (amount_cents >= 0);
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}
