// Frozen in time: never import application code here. Monthly sign-off (issue 21, item 4).
//
// - period_approval: per division and month, whether leadership signed the month off (and so locked
//   it), who and when; an admin reopens it with a reason (the row keeps the last reopening; the
//   audit trail keeps every one). Only a month that has ended (in the organisation's zone) can be
//   locked. Changes are logged to change_log (topic 'periods') so dashboards drop or show their
//   "Provisional" marker live.
// - The database refuses any INSERT, UPDATE or DELETE of a row dated in a locked month of its
//   division (SQLSTATE BC005, whoever writes it: forms, imports, scripts), on every table whose dates
//   bucket the monthly figures: funding stage events (by the moment they occurred; corrections are
//   dated on the corrected event), funding requests (by the moment they were created, for requests
//   added, removed, re-dated or moved to another state), aftercare needs (by when they were opened,
//   and by when they were closed with how they closed), survivor counts (by their month) and
//   outreach events (by their day). A request created in a locked month may still move through its
//   stages: each move is dated when it happens.
// - The checks are per statement over the transition tables (an import writes thousands of rows in
//   one statement): nothing at all while no month is locked, otherwise one join of the statement's
//   distinct (state, month) keys with the locked periods.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

/** Per table: the (state, month) keys a statement touches, from `new_rows` / `old_rows`. */
interface Guard {
  table: string;
  insert: string;
  delete: string;
  update: string;
}

const ts = (col: string) => `month_start(local_day(${col}))`;

const guards: Guard[] = [
  {
    table: 'funding_stage_event',
    insert: `select state, ${ts('occurred_at')} as month from new_rows`,
    delete: `select state, ${ts('occurred_at')} as month from old_rows`,
    update: `select state, ${ts('occurred_at')} as month from new_rows union select state, ${ts('occurred_at')} from old_rows`
  },
  {
    table: 'funding_request',
    insert: `select state, ${ts('created_at')} as month from new_rows`,
    delete: `select state, ${ts('created_at')} as month from old_rows`,
    // Only a request re-dated or moved to another state changes what its creation month counts.
    update: `select k.state, k.month from new_rows n join old_rows o on o.id = n.id
      cross join lateral (values (n.state, ${ts('n.created_at')}), (o.state, ${ts('o.created_at')})) k(state, month)
      where (n.state, n.created_at, n.category) is distinct from (o.state, o.created_at, o.category)`
  },
  {
    table: 'aftercare_need',
    insert: `select state, ${ts('created_at')} as month from new_rows
      union select state, ${ts('closed_at')} from new_rows where closed_at is not null`,
    delete: `select state, ${ts('created_at')} as month from old_rows
      union select state, ${ts('closed_at')} from old_rows where closed_at is not null`,
    // Opened: by state, kind and moment; closed: also by how it closed. A need opened in a locked
    // month may be fulfilled now; one closed in a locked month may not be reopened.
    update: `select k.state, k.month from new_rows n join old_rows o on o.id = n.id
      cross join lateral (values
        (n.state, ${ts('n.created_at')}, (n.state, n.kind, n.created_at) is distinct from (o.state, o.kind, o.created_at)),
        (o.state, ${ts('o.created_at')}, (n.state, n.kind, n.created_at) is distinct from (o.state, o.kind, o.created_at)),
        (n.state, ${ts('n.closed_at')}, (n.state, n.kind, n.closed_at, n.status) is distinct from (o.state, o.kind, o.closed_at, o.status)),
        (o.state, ${ts('o.closed_at')}, (n.state, n.kind, n.closed_at, n.status) is distinct from (o.state, o.kind, o.closed_at, o.status))
      ) k(state, month, changed)
      where k.changed and k.month is not null`
  },
  {
    table: 'survivor_count',
    insert: `select state, month from new_rows`,
    delete: `select state, month from old_rows`,
    update: `select state, month from new_rows union select state, month from old_rows`
  },
  {
    table: 'outreach_event',
    insert: `select state, month_start(occurred_on) as month from new_rows`,
    delete: `select state, month_start(occurred_on) as month from old_rows`,
    update: `select state, month_start(occurred_on) as month from new_rows union select state, month_start(occurred_on) from old_rows`
  }
];

const check = (keys: string) => `
    select p.division_code, p.month into hit
      from (select distinct state, month from (${keys}) k0) k
      join region r on r.code = k.state
      join period_approval p on p.division_code = r.division_code and p.month = k.month and p.locked
      order by p.month, p.division_code limit 1;`;

function guardSql(g: Guard): string {
  const fn = `period_lock_${g.table}`;
  return `
create function ${fn}() returns trigger language plpgsql as $fn$
declare
  hit record;
begin
  if not exists (select 1 from period_approval where locked) then
    return null;
  end if;
  if TG_OP = 'INSERT' then${check(g.insert)}
  elsif TG_OP = 'DELETE' then${check(g.delete)}
  else${check(g.update)}
  end if;
  if hit.division_code is not null then
    perform period_locked_refusal(hit.division_code, hit.month);
  end if;
  return null;
end $fn$;
create trigger period_lock_insert after insert on ${g.table}
  referencing new table as new_rows for each statement execute function ${fn}();
create trigger period_lock_update after update on ${g.table}
  referencing old table as old_rows new table as new_rows for each statement execute function ${fn}();
create trigger period_lock_delete after delete on ${g.table}
  referencing old table as old_rows for each statement execute function ${fn}();`;
}

const UP = String.raw`
create table period_approval (
  id bigint generated always as identity primary key,
  division_code text not null references division (code),
  month date not null constraint period_approval_first_of_month check (extract(day from month) = 1),
  locked boolean not null default true,
  approved_by text references app_user (id),
  approved_at timestamptz not null default now(),
  reopened_by text references app_user (id),
  reopened_at timestamptz,
  reopen_reason text constraint period_approval_reopen_reason_length check (length(btrim(reopen_reason)) between 3 and 2000),
  updated_at timestamptz not null default now(),
  constraint period_approval_division_month unique (division_code, month),
  constraint period_approval_reopen_has_reason check (reopened_at is null or reopen_reason is not null)
);
create index period_approval_locked on period_approval (month) where locked;

-- Only a month that has ended can be signed off: its figures are complete.
create function period_approval_month_ended() returns trigger language plpgsql as $$
begin
  if new.locked and new.month >= month_start(local_day(now())) then
    raise exception '% has not ended yet: only a month that has ended can be signed off', to_char(new.month, 'FMMonth YYYY')
      using errcode = 'check_violation', constraint = 'period_approval_month_ended';
  end if;
  new.updated_at := now();
  return new;
end $$;
create trigger period_approval_month_ended before insert or update on period_approval
  for each row execute function period_approval_month_ended();

create function period_locked_refusal(p_division text, p_month date) returns void language plpgsql as $$
begin
  raise exception '% is signed off and locked for the % division; an admin must reopen it before anything dated in it changes.',
    to_char(p_month, 'FMMonth YYYY'), (select d.name from division d where d.code = p_division)
    using errcode = 'BC005', detail = p_division || ' ' || to_char(p_month, 'YYYY-MM');
end $$;

create trigger period_approval_log_insert after insert on period_approval referencing new table as new_rows
  for each statement execute function log_change('periods');
create trigger period_approval_log_update after update on period_approval referencing new table as new_rows
  for each statement execute function log_change('periods');
create trigger period_approval_log_delete after delete on period_approval referencing old table as old_rows
  for each statement execute function log_change('periods');
${guards.map(guardSql).join('\n')}
`;

const DOWN = String.raw`
${guards
  .map((g) => `drop trigger if exists period_lock_insert on ${g.table};
drop trigger if exists period_lock_update on ${g.table};
drop trigger if exists period_lock_delete on ${g.table};
drop function if exists period_lock_${g.table}();`)
  .join('\n')}
drop table if exists period_approval;
drop function if exists period_locked_refusal(text, date);
drop function if exists period_approval_month_ended();
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, DOWN);
}
