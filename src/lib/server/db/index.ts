// Database access in one module: embedded PGlite on disk when no DATABASE_URL is set, a pg Pool
// against a real server when it is. Both return the same Kysely<Database> with the same value types.
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Database } from './schema.js';
import type { DbKind } from '../config.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';

export { DataDirLockedError } from './data-dir-lock.js';
import { componentLog } from '../log.js';

export type Db = Kysely<Database>;

export interface DbHandle {
  db: Db;
  kind: DbKind;
  /** The embedded instance (for LISTEN in embedded mode); undefined on a server. */
  pglite?: PGlite;
  /** The server pool (for a dedicated LISTEN connection); undefined when embedded. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

/** `restoreFrom`: a tarball from dumpDataDir to create the (empty) data directory from (db:restore). */
export type DbTarget = { url: string } | { dataDir: string; restoreFrom?: Blob } | { memory: true };

const OID = { int8: 20, numeric: 1700, date: 1082 } as const;

// bigint money is integer cents: exact as a JS number up to 2^53 cents (about 90 trillion dollars).
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} exceeds the safe integer range`);
  return n;
}
const parseNumeric = (value: string): number => Number(value);
// Dates stay ISO strings (YYYY-MM-DD) on both drivers, so no time zone can shift a day.
const parseDate = (value: string): string => value;

const serverTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === OID.int8) return parseInt8;
    if (oid === OID.numeric) return parseNumeric;
    if (oid === OID.date) return parseDate;
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser
};

/**
 * Runs one compiled read as a named prepared statement planned once per connection (a generic plan),
 * on a server; see `preparedReader`.
 */
export type PreparedReader = <R>(query: { sql: string; parameters: readonly unknown[] }) => Promise<R[]>;
const preparedReaders = new WeakMap<Db, PreparedReader>();

/**
 * The prepared reader of a server database (undefined on PGlite, and for a transaction or any other
 * Kysely instance than the handle's own). For a big read whose planning costs more than its execution
 * (the overview: one statement of 16 subqueries): its connections (a small pool of their own, so no
 * other query is affected) plan every prepared statement generically (`plan_cache_mode`), once, and
 * each later read with the same SQL text only binds its values and executes. The statement is named by
 * a hash of its text, so a text is prepared once per connection whatever its values; a connection is
 * replaced after 5,000 reads or a minute idle, which bounds the statements it keeps.
 */
export const preparedReader = (db: Db): PreparedReader | undefined => preparedReaders.get(db);

export async function createDb(target: DbTarget): Promise<DbHandle> {
  if ('url' in target) {
    const pool = new pg.Pool({ connectionString: target.url, max: 10, types: serverTypes });
    // A dropped idle client must not crash the process; the pool replaces it.
    pool.on('error', (err) => componentLog('db').error({ err }, 'idle client error'));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    let generic: pg.Pool | undefined;
    const genericPool = () => {
      if (!generic) {
        generic = new pg.Pool({
          connectionString: target.url, max: 3, idleTimeoutMillis: 60_000, maxUses: 5_000, types: serverTypes,
          options: '-c plan_cache_mode=force_generic_plan'
        });
        generic.on('error', (err) => componentLog('db').error({ err }, 'idle client error (prepared reads)'));
      }
      return generic;
    };
    const names = new Map<string, string>();
    preparedReaders.set(db, async <R>(query: { sql: string; parameters: readonly unknown[] }) => {
      let name = names.get(query.sql);
      if (!name) {
        name = `beacon_${createHash('sha1').update(query.sql).digest('hex').slice(0, 24)}`;
        if (names.size >= 1_000) names.clear();
        names.set(query.sql, name);
      }
      const result = await genericPool().query({ name, text: query.sql, values: [...query.parameters] });
      return result.rows as R[];
    });
    const close = async () => {
      try {
        await db.destroy();
      } finally {
        await generic?.end();
      }
    };
    return { db, kind: 'postgres', pool, close };
  }
  const dataDir = 'dataDir' in target ? target.dataDir : undefined;
  // Held from open to close: a second process (server or script) on this directory is refused at once.
  let lock: DataDirLock | undefined;
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    lock = lockDataDir(dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir ?? 'memory://', {
      parsers: { [OID.int8]: parseInt8, [OID.numeric]: parseNumeric, [OID.date]: parseDate },
      ...('restoreFrom' in target && target.restoreFrom ? { loadDataDir: target.restoreFrom } : {})
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  // Kysely's driver closes PGlite only if a query ever ran: close it ourselves too, or a handle opened
  // and closed unused keeps the data directory (and the process) alive.
  const close = async () => {
    try {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    } finally {
      lock?.release();
    }
  };
  return { db, kind: 'pglite', pglite, close };
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
