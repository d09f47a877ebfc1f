// The runtime spec in src/lib/server/db/schema.ts (from which the Kysely `Database` types are
// derived) agrees with the migrated schema, column by column, and the reference data matches
// db/data/regions.csv.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { enums, tables, views } from '../../src/lib/server/db/schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MIGRATOR_TABLES = ['kysely_migration', 'kysely_migration_lock'];

interface CatalogColumn {
  relation: string;
  kind: 'table' | 'view';
  column: string;
  type: string;
  nullable: boolean;
  has_default: boolean;
}

type Spec = Record<string, Record<string, { type: string; nullable: boolean; generated: boolean }>>;

/** Compares a spec with the catalog; returns one line per disagreement. */
function disagreements(kind: 'table' | 'view', spec: Spec, catalog: CatalogColumn[]): string[] {
  const out: string[] = [];
  const live = catalog.filter((c) => c.kind === kind);
  const liveRelations = new Set(live.map((c) => c.relation));
  for (const rel of Object.keys(spec)) if (!liveRelations.has(rel)) out.push(`${kind} ${rel}: in the spec, not in the database`);
  for (const rel of liveRelations) if (!(rel in spec)) out.push(`${kind} ${rel}: in the database, not in the spec`);
  for (const rel of Object.keys(spec).filter((r) => liveRelations.has(r))) {
    const cols = new Map(live.filter((c) => c.relation === rel).map((c) => [c.column, c]));
    for (const [name, s] of Object.entries(spec[rel])) {
      const c = cols.get(name);
      if (!c) {
        out.push(`${rel}.${name}: in the spec, not in the database`);
        continue;
      }
      if (c.type !== s.type) out.push(`${rel}.${name}: spec type ${s.type}, database type ${c.type}`);
      if (kind === 'table' && c.nullable !== s.nullable) {
        out.push(`${rel}.${name}: spec nullable=${s.nullable}, database nullable=${c.nullable}`);
      }
      if (kind === 'table' && c.has_default && !s.generated) {
        out.push(`${rel}.${name}: has a default/identity in the database, but the spec requires it on insert`);
      }
    }
    for (const name of cols.keys()) if (!(name in spec[rel])) out.push(`${rel}.${name}: in the database, not in the spec`);
  }
  return out;
}

for (const target of targets) {
  describe(`schema spec and types agree with the database on ${target.name}`, () => {
    let h: TestDb;
    let catalog: CatalogColumn[];

    beforeAll(async () => {
      h = await target.open();
      const { rows } = await sql<CatalogColumn>`
        select c.relname as relation, case c.relkind when 'v' then 'view' else 'table' end as kind, a.attname as column,
          format_type(a.atttypid, null) as type, not a.attnotnull as nullable,
          (a.atthasdef or a.attidentity <> '') as has_default
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped
          and c.relname not in ('kysely_migration', 'kysely_migration_lock')
        order by c.relname, a.attnum`.execute(h.db);
      catalog = rows;
    });
    afterAll(() => h?.drop());

    it('every table and column agrees (presence, type without modifiers, nullability)', () => {
      expect(disagreements('table', tables, catalog)).toEqual([]);
    });

    it('every view and column agrees (presence and type)', () => {
      expect(disagreements('view', views, catalog)).toEqual([]);
    });

    it('the comparison itself catches a drift (a renamed type, a missing column, an extra relation)', () => {
      const drifted: Spec = JSON.parse(JSON.stringify(tables));
      drifted.partner.state.type = 'text';
      delete drifted.budget.amount_cents;
      drifted.funding_request.units.nullable = false;
      drifted.partner.created_at.generated = false;
      drifted.imaginary = { id: { type: 'bigint', nullable: false, generated: true } };
      expect(disagreements('table', drifted, catalog)).toEqual([
        'table imaginary: in the spec, not in the database',
        'partner.state: spec type text, database type character',
        'partner.created_at: has a default/identity in the database, but the spec requires it on insert',
        'funding_request.units: spec nullable=false, database nullable=true',
        'budget.amount_cents: in the database, not in the spec'
      ]);
    });

    it('no public relations exist besides the spec\'s (and the migrator\'s own)', async () => {
      const { rows } = await sql<{ relname: string; relkind: string }>`
        select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
        order by c.relname`.execute(h.db);
      const expected = [...Object.keys(tables), ...Object.keys(views), ...MIGRATOR_TABLES].sort();
      expect(rows.map((r) => r.relname).sort()).toEqual(expected);
      expect(rows.filter((r) => r.relname in views).every((r) => r.relkind === 'v')).toBe(true);
    });

    it('enum types and their labels (in order) equal `enums`', async () => {
      const { rows } = await sql<{ typname: string; labels: string[] }>`
        select t.typname, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
        from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
        where n.nspname = 'public' group by t.typname order by t.typname`.execute(h.db);
      const live = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
      expect(live).toEqual(Object.fromEntries(Object.entries(enums).map(([k, v]) => [k, [...v]])));
    });

    it('columns the spec marks as filled in by the database but that have no default are set by a trigger', async () => {
      const { rows } = await sql<{ relname: string }>`
        select distinct c.relname from pg_trigger t join pg_class c on c.oid = t.tgrelid
        where not t.tgisinternal and (t.tgtype & 2) = 2 and (t.tgtype & 1) = 1`.execute(h.db); // BEFORE ... FOR EACH ROW
      const withBeforeRowTrigger = new Set(rows.map((r) => r.relname));
      const missing: string[] = [];
      for (const [rel, cols] of Object.entries(tables)) {
        for (const [name, s] of Object.entries(cols as Spec[string])) {
          const c = catalog.find((x) => x.relation === rel && x.column === name);
          if (s.generated && c && !c.has_default && !c.nullable && !withBeforeRowTrigger.has(rel)) missing.push(`${rel}.${name}`);
        }
      }
      expect(missing).toEqual([]);
    });

    it('the region table equals db/data/regions.csv (code, name, country, division name)', async () => {
      const lines = fs.readFileSync(path.join(root, 'db/data/regions.csv'), 'utf8').trim().split(/\r?\n/);
      expect(lines[0]).toBe('code,name,country,division');
      const csv = lines.slice(1).map((line) => {
        expect(line, 'a quoted CSV field needs a real CSV parser here').not.toContain('"');
        const [code, name, country, division] = line.split(',');
        return { code, name, country, division };
      });
      expect(csv).toHaveLength(64);
      const { rows } = await sql<{ code: string; name: string; country: string; division: string }>`
        select r.code, r.name, r.country::text as country, d.name as division
        from region r join division d on d.code = r.division_code`.execute(h.db);
      const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);
      expect([...rows].sort(byCode)).toEqual([...csv].sort(byCode));
      const { rows: divisions } = await sql<{ code: string; country: string; n: number }>`
        select d.code, d.country::text as country, count(r.code)::int as n
        from division d left join region r on r.division_code = d.code group by d.code, d.country`.execute(h.db);
      // Every division has states, and every state's country is its division's country.
      expect(divisions.filter((d) => d.n === 0)).toEqual([]);
      const { rows: mixed } = await sql`select r.code from region r join division d on d.code = r.division_code
        where r.country <> d.country`.execute(h.db);
      expect(mixed).toEqual([]);
    });
  });
}
