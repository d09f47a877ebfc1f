// Frozen in time: never import application code here. The overview's units (K9s funded, officers
// trained, extraction licenses, forensic devices) at the grain it reads them: payments and units per
// scope, category and month — about a hundred rows a fiscal year — instead of summing the per-partner
// rows of rollup_paid_month (thousands a fiscal year at the large profile). Same sources and meaning
// as rollup_paid_month (migration 2026-12-04-01): the payment's month, scope and category; the
// request's units now. Month-bucketed, so beacon_rebuild_time_rollups() rebuilds it too.
import type { Kysely } from 'kysely';
import { runScript } from './sql-script.js';

interface Source {
  table: string;
  /** A SELECT producing (keys..., measures...) per row of the transition table `{src}`. */
  select: string;
  ops: Array<'INSERT' | 'UPDATE' | 'DELETE'>;
}
interface Rollup {
  name: string;
  keys: string[];
  measures: string[];
  sources: Source[];
}

function upsert(r: Rollup, parts: string[]): string {
  const keys = r.keys.join(', ');
  return `insert into ${r.name} as r (${keys}, ${r.measures.join(', ')})
    select ${keys}, ${r.measures.map((m) => `sum(sign * ${m})`).join(', ')}
    from (${parts.join(' union all ')}) d
    group by ${keys} order by ${keys}
    on conflict (${keys}) do update set ${r.measures.map((m) => `${m} = r.${m} + excluded.${m}`).join(', ')};`;
}

const part = (s: Source, sign: 1 | -1, table: string) => `select ${sign} as sign, s.* from (${s.select.replaceAll('{src}', table)}) s`;

function rollupSql(r: Rollup): string {
  return r.sources.map((s) => {
    const fn = `${r.name}_${s.table}`;
    const referencing = { INSERT: 'new table as new_rows', UPDATE: 'old table as old_rows new table as new_rows', DELETE: 'old table as old_rows' };
    return `
create function ${fn}() returns trigger language plpgsql as $fn$
begin
  if TG_OP = 'INSERT' then
    ${upsert(r, [part(s, 1, 'new_rows')])}
  elsif TG_OP = 'DELETE' then
    ${upsert(r, [part(s, -1, 'old_rows')])}
  else
    ${upsert(r, [part(s, 1, 'new_rows'), part(s, -1, 'old_rows')])}
  end if;
  return null;
end $fn$;
${s.ops.map((op) => `create trigger ${fn}_${op.toLowerCase()} after ${op.toLowerCase()} on ${s.table}
  referencing ${referencing[op]} for each statement execute function ${fn}();`).join('\n')}`;
  }).join('\n');
}

const SCOPES = `cross join lateral (values ('*'), ('d:' || r.division_code), ('s:' || e.state)) sc(scope)
  cross join lateral (values (e.category::text), ('*')) c(category)`;

const rollup: Rollup = {
  name: 'rollup_paid_units_month',
  keys: ['scope', 'category', 'month'],
  measures: ['payments', 'units'],
  sources: [
    {
      table: 'funding_stage_event',
      ops: ['INSERT'],
      select: `select sc.scope, c.category, month_start(e.occurred_at) as month, 1::bigint as payments, coalesce(f.units, 0)::bigint as units
        from {src} e join funding_request f on f.id = e.request_id join region r on r.code = e.state ${SCOPES}
        where e.to_stage = 'disbursed'`
    },
    {
      // A request edited (units): its payment's units move; the move to disbursed itself cancels out.
      table: 'funding_request',
      ops: ['UPDATE'],
      select: `select sc.scope, c.category, month_start(e.occurred_at) as month, 1::bigint as payments, coalesce(f.units, 0)::bigint as units
        from {src} f join funding_stage_event e on e.request_id = f.id and e.to_stage = 'disbursed'
        join region r on r.code = e.state ${SCOPES}`
    }
  ]
};

const HOT = `with (fillfactor = 50, autovacuum_vacuum_threshold = 200, autovacuum_vacuum_scale_factor = 0.05,
  autovacuum_analyze_threshold = 200, autovacuum_analyze_scale_factor = 0.05)`;
const SCOPE = `scope text not null check (scope = '*' or scope ~ '^d:[a-z]+(-[a-z]+)*$' or scope ~ '^s:[A-Z]{2}$')`;

const fill = `delete from ${rollup.name};
  ${upsert(rollup, [part(rollup.sources[0], 1, 'funding_stage_event')])}`;

const UP = String.raw`
create table rollup_paid_units_month (
  ${SCOPE}, category text not null, month date not null, payments bigint not null, units bigint not null,
  primary key (scope, category, month)
) ${HOT};

alter function beacon_rebuild_time_rollups() rename to beacon_rebuild_time_rollups_2026_12_04;
create function beacon_rebuild_time_rollups() returns void language plpgsql as $fn$
begin
  perform beacon_rebuild_time_rollups_2026_12_04();
  ${fill}
end $fn$;

create view v_paid_units_month as
  select scope, category, month, payments, units from rollup_paid_units_month where payments <> 0;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, UP);
  await runScript(db, rollupSql(rollup));
  await runScript(db, `${fill} analyze rollup_paid_units_month;`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(db, String.raw`
drop view if exists v_paid_units_month;
drop function if exists beacon_rebuild_time_rollups();
alter function beacon_rebuild_time_rollups_2026_12_04() rename to beacon_rebuild_time_rollups;`);
  const fns = rollup.sources.map((s) => `drop function if exists ${rollup.name}_${s.table}() cascade;`).join(' ');
  await runScript(db, `${fns} drop table if exists ${rollup.name}`);
}
