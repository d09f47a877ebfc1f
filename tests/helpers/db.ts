// Every integration test runs against PGlite, and also against a real Postgres when
// TEST_DATABASE_URL is set. On the server each test file creates and drops its own database, so
// whatever an earlier run left behind never matters.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type DbHandle } from '../../src/lib/server/db/index.js';
import { Migrator } from 'kysely/migration';
import { migrateToLatest } from '../../src/lib/server/db/migrate.js';
import { migrations } from '../../db/migrations/index.js';
import type { Db } from '../../src/lib/server/db/index.js';

/** Migrates to the latest, or only up to (and including) the named migration. */
export async function migrateUpTo(db: Db, upTo?: string): Promise<void> {
  if (!upTo) {
    await migrateToLatest(db);
    return;
  }
  const result = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(upTo);
  if (result.error) throw result.error;
}

export interface TestTarget {
  name: 'pglite' | 'postgres';
  /** A fresh, migrated database (up to and including `upTo` when given); call handle.close() (or dropTestDb) when done. */
  open(upTo?: string): Promise<TestDb>;
}

export interface TestDb extends DbHandle {
  /** Connection string of the created database (postgres only). */
  url?: string;
  drop(): Promise<void>;
}

const serverUrl = process.env.TEST_DATABASE_URL;

if (!serverUrl) {
  console.info('[tests] TEST_DATABASE_URL is not set: Postgres variants of the integration tests are skipped (PGlite runs).');
}
if (process.env.CI === 'true' && !serverUrl) {
  throw new Error('CI=true but TEST_DATABASE_URL is not set: the Postgres variants must run in CI');
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function openPglite(upTo?: string): Promise<TestDb> {
  const handle = await createDb({ memory: true });
  await migrateUpTo(handle.db, upTo);
  return { ...handle, drop: () => handle.close() };
}

export async function openPostgres(upTo?: string): Promise<TestDb> {
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `beacon_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = withDatabase(serverUrl, name);
  const handle = await createDb({ url });
  await migrateUpTo(handle.db, upTo);
  let dropped = false;
  return {
    ...handle,
    url,
    async drop() {
      if (dropped) return;
      dropped = true;
      await handle.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    }
  };
}

export const targets: TestTarget[] = [
  { name: 'pglite', open: openPglite },
  ...(serverUrl ? [{ name: 'postgres' as const, open: openPostgres }] : [])
];
