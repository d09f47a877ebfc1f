// Database access in one module: embedded PGlite on disk when no DATABASE_URL is set, a pg Pool
// against a real server when it is. Both return the same Kysely<Database> with the same value types.
import fs from 'node:fs';
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

export async function createDb(target: DbTarget): Promise<DbHandle> {
  if ('url' in target) {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === OID.int8) return parseInt8;
          if (oid === OID.numeric) return parseNumeric;
          if (oid === OID.date) return parseDate;
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser
      }
    });
    // A dropped idle client must not crash the process; the pool replaces it.
    pool.on('error', (err) => componentLog('db').error({ err }, 'idle client error'));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', pool, close: () => db.destroy() };
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
