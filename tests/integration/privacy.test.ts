// Beacon stores no personal data about any survivor. This walks the live catalog (every column of
// every table and view in the public schema) and fails on any column that could hold some.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';

interface CatalogColumn {
  table: string;
  column: string;
  type: string;
}

async function catalogColumns(db: Kysely<any>): Promise<CatalogColumn[]> {
  const { rows } = await sql<CatalogColumn>`
    select c.table_name as "table", c.column_name as "column",
      case when c.data_type = 'USER-DEFINED' then c.udt_name else c.data_type end as "type"
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public'
    order by c.table_name, c.ordinal_position`.execute(db);
  return rows;
}

/** The only columns an aggregate survivor count may have, and the only types they may be. */
const SURVIVOR_COUNT_COLUMNS = ['id', 'center_id', 'state', 'month', 'served', 'new_intakes', 'bed_nights', 'reported_at', 'exits_to_safe_housing'];
const AGGREGATE_TYPES = ['bigint', 'integer', 'smallint', 'date', 'timestamp with time zone', 'character'];
/** Tables/views that may be about survivors at all: aggregates only. */
const SURVIVOR_RELATIONS = ['survivor_count', 'rollup_survivors', 'v_survivors_monthly', 'rollup_survivors_scope', 'v_survivors_scope'];
/** Reference codes (joined from region/division, or '*'/'d:<division>'/'s:<ST>' scopes) that are text but carry nothing about a person. */
const REFERENCE_CODES = ['v_survivors_monthly.division_code', 'rollup_survivors_scope.scope', 'v_survivors_scope.scope'];

/** Column names that would mean personal data about a survivor, wherever they appear. */
const PERSONAL_COLUMN =
  /(survivor|victim|client|resident|child|minor).*(name|dob|birth|ssn|address|phone|email|note|gender|age|ethnic|race)|date_of_birth|birth_?date|birthday|(^|_)dob($|_)|case_?note|(^|_)ssn($|_)|social_security|(^|_)sin($|_)|passport|first_name|last_name|full_name|surname|maiden|home_address|street|postal|zip_?code|diagnos|medical_record|intake_note/i;
/** Tables whose name says they are about individual survivors. */
const PERSONAL_TABLE = /survivor|victim|client|resident|case(s|_)/i;

/** Every reason the catalog could hold personal data about a survivor (empty = none). */
function privacyViolations(columns: CatalogColumn[]): string[] {
  const problems: string[] = [];
  for (const c of columns) {
    if (PERSONAL_COLUMN.test(c.column)) problems.push(`${c.table}.${c.column}: the name suggests personal data about a person`);
    if (PERSONAL_TABLE.test(c.table) && !SURVIVOR_RELATIONS.includes(c.table)) {
      problems.push(`${c.table}.${c.column}: a new survivor-related relation (only aggregates ${SURVIVOR_RELATIONS.join(', ')} are allowed)`);
    }
    if (SURVIVOR_RELATIONS.includes(c.table) && !AGGREGATE_TYPES.includes(c.type) && !REFERENCE_CODES.includes(`${c.table}.${c.column}`)) {
      problems.push(`${c.table}.${c.column}: type ${c.type} could carry free text or identifying data`);
    }
    if (c.table === 'survivor_count' && !SURVIVOR_COUNT_COLUMNS.includes(c.column)) {
      problems.push(`survivor_count.${c.column}: not one of the allowed aggregate columns`);
    }
  }
  return problems;
}

for (const target of targets) {
  describe(`no personal data about survivors on ${target.name}`, () => {
    let h: TestDb;
    let columns: CatalogColumn[];

    beforeAll(async () => {
      h = await target.open();
      columns = await catalogColumns(h.db);
    });
    afterAll(() => h?.drop());

    it('sees the whole public schema (sanity: the walk is not empty)', () => {
      const tables = new Set(columns.map((c) => c.table));
      for (const t of ['survivor_count', 'aftercare_need', 'need_comment', 'partner', 'app_user', 'rollup_survivors', 'v_survivors_monthly']) {
        expect(tables, t).toContain(t);
      }
      expect(columns.length).toBeGreaterThan(150);
    });

    it('survivor_count holds only aggregate counts per center and month', () => {
      const sc = columns.filter((c) => c.table === 'survivor_count');
      expect(sc.map((c) => c.column).sort()).toEqual([...SURVIVOR_COUNT_COLUMNS].sort());
      for (const c of sc) expect(AGGREGATE_TYPES, `survivor_count.${c.column}`).toContain(c.type);
      const byName = Object.fromEntries(sc.map((c) => [c.column, c.type]));
      expect(byName).toEqual({
        id: 'bigint', center_id: 'bigint', state: 'character', month: 'date', served: 'integer', new_intakes: 'integer',
        bed_nights: 'integer', reported_at: 'timestamp with time zone', exits_to_safe_housing: 'integer'
      });
    });

    it('no column anywhere could hold personal data about a survivor', () => {
      expect(privacyViolations(columns)).toEqual([]);
    });

    it('the check catches a newly added bad column (added and rolled back in one transaction)', async () => {
      const added = [
        'alter table survivor_count add column survivor_name text',
        'alter table aftercare_need add column victim_dob date',
        'alter table need_comment add column case_note text',
        'create table survivor_profile (id bigint, served integer)'
      ];
      for (const ddl of added) {
        const marker = new Error('rollback');
        let seen: string[] = [];
        await h.db
          .transaction()
          .execute(async (trx) => {
            await sql.raw(ddl).execute(trx);
            seen = privacyViolations(await catalogColumns(trx));
            throw marker;
          })
          .catch((e) => {
            if (e !== marker) throw e;
          });
        expect(seen.length, `not caught: ${ddl}`).toBeGreaterThan(0);
      }
      // The rollback left the catalog as it was.
      expect(privacyViolations(await catalogColumns(h.db))).toEqual([]);
    });

    it('the name patterns flag personal fields and leave ordinary ones alone', () => {
      const flagged = ['survivor_name', 'victim_phone', 'date_of_birth', 'dob', 'survivor_dob', 'case_notes', 'ssn', 'birthdate', 'first_name'];
      const fine = ['served', 'new_intakes', 'bed_nights', 'display_name', 'email', 'name', 'center_name', 'needed_by', 'body', 'reported_at'];
      for (const name of flagged) expect(privacyViolations([{ table: 'aftercare_need', column: name, type: 'text' }]), name).not.toEqual([]);
      for (const name of fine) expect(privacyViolations([{ table: 'partner', column: name, type: 'text' }]), name).toEqual([]);
      expect(privacyViolations([{ table: 'survivor_count', column: 'remarks', type: 'text' }])).toHaveLength(2);
    });
  });
}
