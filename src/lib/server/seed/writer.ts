// Bulk writes for the seed: each batch is one INSERT … SELECT over a single JSON parameter, so a
// batch costs one statement (one run of each statement-level rollup and change_log trigger) and
// one small parse, the same on PGlite and on a server.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export type SeedTable = 'partner' | 'budget' | 'funding_request' | 'funding_in_kind_line' | 'funding_stage_event' | 'aftercare_need' | 'survivor_count' | 'outreach_event' | 'outreach_goal';

export type Row = Record<string, string | number | null>;

export interface Progress {
  advance(rows: number, label: string): void;
}

/** Inserts rows (all with exactly `columns`) in order; returns the new ids in the same order. */
export async function insertBatch(db: Kysely<Database>, table: SeedTable, columns: readonly string[], rows: Row[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const cols = sql.join(columns.map((c) => sql.ref(c)));
  const result = await sql<{ id: number }>`
    insert into ${sql.table(table)} (${cols})
    select ${cols} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json) with ordinality as x
    order by x.ordinality
    returning id`.execute(db);
  // Identity values are drawn in insertion order, so sorted ids line up with the input rows.
  const ids = result.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  if (ids.length !== rows.length) throw new Error(`seed: inserted ${ids.length} of ${rows.length} ${table} rows`);
  return ids;
}

export class BatchWriter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly progress: Progress,
    private readonly batchSize: number
  ) {}

  /** Writes all rows in batches; returns their ids in order. */
  async write(table: SeedTable, columns: readonly string[], rows: Row[], label: string = table, batchSize = this.batchSize): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += batchSize) {
      const batch = rows.slice(i, i + batchSize);
      ids.push(...(await insertBatch(this.db, table, columns, batch)));
      this.progress.advance(batch.length, label);
    }
    return ids;
  }

  /** Writes rows from a stream in batches, without holding the whole stream. */
  async writeStream<T>(table: SeedTable, columns: readonly string[], items: Iterable<T>, toRow: (item: T) => Row, label: string = table): Promise<number> {
    let batch: Row[] = [];
    let written = 0;
    for (const item of items) {
      batch.push(toRow(item));
      if (batch.length >= this.batchSize) {
        written += (await this.write(table, columns, batch, label)).length;
        batch = [];
      }
    }
    written += (await this.write(table, columns, batch, label)).length;
    return written;
  }
}
