// Frozen in time: never import application code here. The locked-month checks of
// 2026-12-07-10-sign-off, same rule, cheaper: a statement's rows are joined with the locked periods
// by division and by the period's bounds (a moment between the month's first instant and the next
// month's in the organisation's zone; a day between the month's first day and the next month's),
// instead of computing every row's local month. On PGlite, 100,000 stage events cost ~40 ms to check
// this way against ~450 ms before, while some month is locked (nothing at all while none is).
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

/** Per table: the rows a statement touches as (state, at timestamptz) or (state, day date). */
interface Guard {
  table: string;
  kind: 'moment' | 'day';
  insert: string;
  delete: string;
  update: string;
}

const guards: Guard[] = [
  {
    table: 'funding_stage_event',
    kind: 'moment',
    insert: 'select state, occurred_at as at from new_rows',
    delete: 'select state, occurred_at as at from old_rows',
    update: 'select state, occurred_at as at from new_rows union all select state, occurred_at from old_rows'
  },
  {
    table: 'funding_request',
    kind: 'moment',
    insert: 'select state, created_at as at from new_rows',
    delete: 'select state, created_at as at from old_rows',
    // Only a request re-dated or moved to another state changes what its creation month counts.
    update: `select k.state, k.at from new_rows n join old_rows o on o.id = n.id
      cross join lateral (values (n.state, n.created_at), (o.state, o.created_at)) k(state, at)
      where (n.state, n.created_at, n.category) is distinct from (o.state, o.created_at, o.category)`
  },
  {
    table: 'aftercare_need',
    kind: 'moment',
    insert: 'select state, created_at as at from new_rows union all select state, closed_at from new_rows where closed_at is not null',
    delete: 'select state, created_at as at from old_rows union all select state, closed_at from old_rows where closed_at is not null',
    // Opened: by state, kind and moment; closed: also by how it closed. A need opened in a locked
    // month may be fulfilled now; one closed in a locked month may not be reopened.
    update: `select k.state, k.at from new_rows n join old_rows o on o.id = n.id
      cross join lateral (values
        (n.state, n.created_at, (n.state, n.kind, n.created_at) is distinct from (o.state, o.kind, o.created_at)),
        (o.state, o.created_at, (n.state, n.kind, n.created_at) is distinct from (o.state, o.kind, o.created_at)),
        (n.state, n.closed_at, (n.state, n.kind, n.closed_at, n.status) is distinct from (o.state, o.kind, o.closed_at, o.status)),
        (o.state, o.closed_at, (n.state, n.kind, n.closed_at, n.status) is distinct from (o.state, o.kind, o.closed_at, o.status))
      ) k(state, at, changed)
      where k.changed and k.at is not null`
  },
  {
    table: 'survivor_count',
    kind: 'day',
    insert: 'select state, month as day from new_rows',
    delete: 'select state, month as day from old_rows',
    update: 'select state, month as day from new_rows union all select state, month from old_rows'
  },
  {
    table: 'outreach_event',
    kind: 'day',
    insert: 'select state, occurred_on as day from new_rows',
    delete: 'select state, occurred_on as day from old_rows',
    update: 'select state, occurred_on as day from new_rows union all select state, occurred_on from old_rows'
  }
];

const check = (g: Guard, keys: string) => `
    select p.division_code, p.month into hit
      from (${keys}) k
      join region r on r.code = k.state
      join (select division_code, month, (month::timestamp at time zone beacon_tz()) as starts,
          ((month + interval '1 month')::timestamp at time zone beacon_tz()) as ends, (month + interval '1 month')::date as next
        from period_approval where locked) p
        on p.division_code = r.division_code and ${g.kind === 'moment' ? 'k.at >= p.starts and k.at < p.ends' : 'k.day >= p.month and k.day < p.next'}
      order by p.month, p.division_code limit 1;`;

function guardSql(g: Guard): string {
  return `
create or replace function period_lock_${g.table}() returns trigger language plpgsql as $fn$
declare
  hit record;
begin
  if not exists (select 1 from period_approval where locked) then
    return null;
  end if;
  if TG_OP = 'INSERT' then${check(g, g.insert)}
  elsif TG_OP = 'DELETE' then${check(g, g.delete)}
  else${check(g, g.update)}
  end if;
  if hit.division_code is not null then
    perform period_locked_refusal(hit.division_code, hit.month);
  end if;
  return null;
end $fn$;`;
}

// The checks as 2026-12-07-10-sign-off wrote them (for down).
/** Per table: the (state, month) keys a statement touches, from `new_rows` / `old_rows`. */
interface OldGuard {
  table: string;
  insert: string;
  delete: string;
  update: string;
}

const oldTs = (col: string) => `month_start(local_day(${col}))`;

const oldGuards: OldGuard[] = [
  {
    table: 'funding_stage_event',
    insert: `select state, ${oldTs('occurred_at')} as month from new_rows`,
    delete: `select state, ${oldTs('occurred_at')} as month from old_rows`,
    update: `select state, ${oldTs('occurred_at')} as month from new_rows union select state, ${oldTs('occurred_at')} from old_rows`
  },
  {
    table: 'funding_request',
    insert: `select state, ${oldTs('created_at')} as month from new_rows`,
    delete: `select state, ${oldTs('created_at')} as month from old_rows`,
    // Only a request re-dated or moved to another state changes what its creation month counts.
    update: `select k.state, k.month from new_rows n join old_rows o on o.id = n.id
      cross join lateral (values (n.state, ${oldTs('n.created_at')}), (o.state, ${oldTs('o.created_at')})) k(state, month)
      where (n.state, n.created_at, n.category) is distinct from (o.state, o.created_at, o.category)`
  },
  {
    table: 'aftercare_need',
    insert: `select state, ${oldTs('created_at')} as month from new_rows
      union select state, ${oldTs('closed_at')} from new_rows where closed_at is not null`,
    delete: `select state, ${oldTs('created_at')} as month from old_rows
      union select state, ${oldTs('closed_at')} from old_rows where closed_at is not null`,
    // Opened: by state, kind and moment; closed: also by how it closed. A need opened in a locked
    // month may be fulfilled now; one closed in a locked month may not be reopened.
    update: `select k.state, k.month from new_rows n join old_rows o on o.id = n.id
      cross join lateral (values
        (n.state, ${oldTs('n.created_at')}, (n.state, n.kind, n.created_at) is distinct from (o.state, o.kind, o.created_at)),
        (o.state, ${oldTs('o.created_at')}, (n.state, n.kind, n.created_at) is distinct from (o.state, o.kind, o.created_at)),
        (n.state, ${oldTs('n.closed_at')}, (n.state, n.kind, n.closed_at, n.status) is distinct from (o.state, o.kind, o.closed_at, o.status)),
        (o.state, ${oldTs('o.closed_at')}, (n.state, n.kind, n.closed_at, n.status) is distinct from (o.state, o.kind, o.closed_at, o.status))
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

const oldCheck = (keys: string) => `
    select p.division_code, p.month into hit
      from (select distinct state, month from (${keys}) k0) k
      join region r on r.code = k.state
      join period_approval p on p.division_code = r.division_code and p.month = k.month and p.locked
      order by p.month, p.division_code limit 1;`;

function oldGuardSql(g: OldGuard): string {
  const fn = `period_lock_${g.table}`;
  return `
create or replace function ${fn}() returns trigger language plpgsql as $fn$
declare
  hit record;
begin
  if not exists (select 1 from period_approval where locked) then
    return null;
  end if;
  if TG_OP = 'INSERT' then${oldCheck(g.insert)}
  elsif TG_OP = 'DELETE' then${oldCheck(g.delete)}
  else${oldCheck(g.update)}
  end if;
  if hit.division_code is not null then
    perform period_locked_refusal(hit.division_code, hit.month);
  end if;
  return null;
end $fn$;`;
}


export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, guards.map(guardSql).join('\n'));
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, oldGuards.map(oldGuardSql).join('\n'));
}
