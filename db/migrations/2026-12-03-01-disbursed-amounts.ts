// Frozen in time: never import application code here. The amount a stage event moves is stored on
// the event itself. Migration 01 let an `approved` or `disbursed` event without an amount take the
// request's approved amount, but the throughput rollups (02 and 08) summed `coalesce(amount_cents, 0)`
// and counted such a disbursement as nothing paid. From here on the database writes the amount it
// applies onto the event row (a BEFORE INSERT trigger), existing events get theirs, and the rollups
// that sum event amounts are rebuilt from the events, so every figure reads the one stored amount.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

const UP = String.raw`
-- Runs after funding_stage_event_apply (triggers fire in name order), which has checked the move and
-- locked the request: the amount is the one funding_stage_event_move applies to the request. Only
-- approving and disbursing move money, so any other move carrying an amount is refused (the rollups
-- sum amount_cents over every move).
create function funding_stage_event_fill_amount() returns trigger language plpgsql as $$
begin
  if new.to_stage not in ('approved', 'disbursed') then
    if new.amount_cents is not null then
      raise exception 'only approving or disbursing moves money: a move to "%" carries no amount', new.to_stage
        using errcode = 'check_violation';
    end if;
  elsif new.amount_cents is null then
    select f.approved_cents into new.amount_cents from funding_request f where f.id = new.request_id;
  end if;
  return new;
end $$;
create trigger funding_stage_event_fill_amount before insert on funding_stage_event
  for each row execute function funding_stage_event_fill_amount();

-- Events are append-only (a trigger refuses UPDATE); this one correction fills in what the request
-- recorded when the event was applied, and drops amounts written on moves that move no money. A request is approved once and disbursed once, so its
-- approved_cents / disbursed_cents are exactly what that event moved.
alter table funding_stage_event disable trigger user;
update funding_stage_event e
  set amount_cents = case when e.to_stage = 'disbursed' then f.disbursed_cents else f.approved_cents end
  from funding_request f
  where f.id = e.request_id and e.amount_cents is null and e.to_stage in ('approved', 'disbursed');
update funding_stage_event set amount_cents = null where amount_cents is not null and to_stage not in ('approved', 'disbursed');
alter table funding_stage_event enable trigger user;

-- Rebuild the two rollups that sum event amounts from the events themselves.
delete from rollup_stage_throughput;
insert into rollup_stage_throughput (month, to_stage, fiscal_year, category, state, moves, amount_cents)
  select month_start(occurred_at), to_stage, fiscal_year, category, state, count(*), coalesce(sum(amount_cents), 0)
  from funding_stage_event
  group by 1, 2, 3, 4, 5;

delete from rollup_throughput_scope;
insert into rollup_throughput_scope (month, scope, to_stage, category, moves, amount_cents)
  select month_start(x.occurred_at), sc.scope, x.to_stage, c.category, count(*), coalesce(sum(x.amount_cents), 0)
  from funding_stage_event x join region r on r.code = x.state
  cross join lateral (values ('*'), ('d:' || r.division_code), ('s:' || x.state)) sc(scope)
  cross join lateral (values (x.category::text), ('*')) c(category)
  group by 1, 2, 3, 4;
analyze rollup_stage_throughput;
analyze rollup_throughput_scope;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

// The amounts filled in stay: they are what was applied to the requests, and the rollups now agree
// with them either way.
export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, 'drop trigger if exists funding_stage_event_fill_amount on funding_stage_event; drop function if exists funding_stage_event_fill_amount();');
}
