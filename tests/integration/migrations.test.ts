// Migrations both ways: every `down` undoes its `up` (all the way down, then up again: the catalog is
// the same), `npm run db:migrate -- --down` rolls back exactly the last one, and two instances
// migrating an empty Postgres database at once apply each migration once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { targets } from '../helpers/db.js';
import { emptyPostgresDatabase, npmRun } from '../helpers/scripts.js';
import { createDb } from '../../src/lib/server/db/index.js';
import { migrateDownOne, migrateToLatest } from '../../src/lib/server/db/migrate.js';
import { migrations } from '../../db/migrations/index.js';

const postgresUrl = process.env.TEST_DATABASE_URL;
const migrationNames = Object.keys(migrations);

/** Everything a migration creates in the public schema, as text: relations and columns, constraints, indexes, views, functions, triggers, types. */
async function catalog(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ item: string }>`
    select 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || case when a.attnotnull then ' not null' else '' end
      || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') || case when a.attidentity <> '' then ' identity' else '' end as item
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') and a.attnum > 0 and not a.attisdropped
    union all
    select 'constraint ' || cl.relname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid)
      from pg_constraint co join pg_class cl on cl.oid = co.conrelid join pg_namespace n on n.oid = cl.relnamespace where n.nspname = 'public'
    union all
    select 'index ' || indexdef from pg_indexes where schemaname = 'public'
    union all
    select 'view ' || viewname || ' ' || definition from pg_views where schemaname = 'public'
    union all
    select 'function ' || p.proname || ' ' || pg_get_functiondef(p.oid)
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.prokind in ('f', 'p')
    union all
    select 'trigger ' || pg_get_triggerdef(t.oid) from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and not t.tgisinternal
    union all
    select 'type ' || t.typname || ' ' || coalesce((select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '')
      from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = 'public' and t.typtype in ('e', 'd')
  `.execute(db);
  return rows.map((r) => r.item).sort();
}

for (const target of targets) {
  describe(`migrations down and up on ${target.name}`, () => {
    it('every down undoes its up: all the way down leaves only the migrator, and up again gives the same catalog', async () => {
      const h = await target.open();
      try {
        const migrated = await catalog(h.db);
        const undone: string[] = [];
        for (let name = await migrateDownOne(h.db); name; name = await migrateDownOne(h.db)) undone.push(name);
        expect(undone).toEqual([...migrationNames].reverse());
        const left = await catalog(h.db);
        expect(left.filter((item) => !/kysely_migration/.test(item))).toEqual([]);
        await migrateToLatest(h.db);
        expect(await catalog(h.db)).toEqual(migrated);
      } finally {
        await h.drop();
      }
    }, 180_000);
  });
}

describe('npm run db:migrate -- --down on the embedded database', () => {
  it('rolls back exactly the last migration; db:migrate applies it again and the catalog is as before', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-migrate-'));
    const run = (...args: string[]) => npmRun('db:migrate', args, { BEACON_DATA_DIR: dataDir });
    const read = async () => {
      const h = await createDb({ dataDir });
      try {
        return await catalog(h.db);
      } finally {
        await h.close();
      }
    };
    try {
      const first = run();
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout).toContain(`applied: ${migrationNames.join(', ')}`);
      const before = await read();
      const down = run('--down');
      expect(down.status, down.stderr).toBe(0);
      expect(down.stdout.trim()).toBe(`rolled back: ${migrationNames.at(-1)}`);
      expect(await read()).not.toEqual(before);
      const up = run();
      expect(up.stdout.trim()).toBe(`applied: ${migrationNames.at(-1)}`);
      expect(await read()).toEqual(before);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 400_000);
});

describe.skipIf(!postgresUrl)('two instances starting at once on an empty Postgres database', () => {
  it('apply every migration once', async () => {
    const database = await emptyPostgresDatabase(postgresUrl!);
    const a = await createDb({ url: database.url });
    const b = await createDb({ url: database.url });
    try {
      const results = await Promise.all([migrateToLatest(a.db), migrateToLatest(b.db)]);
      const applied = results.flatMap((r) => r.results?.filter((x) => x.status === 'Success').map((x) => x.migrationName) ?? []);
      expect(applied.sort()).toEqual([...migrationNames].sort());
      const rows = await a.db.selectFrom('kysely_migration' as never).select(sql<string>`name`.as('name')).execute();
      expect(rows.map((r) => r.name).sort()).toEqual([...migrationNames].sort());
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  }, 120_000);
});
