import { Migrator, type MigrationResultSet } from 'kysely/migration';
import { migrations } from '../../../../db/migrations/index.js';
import type { Db } from './index.js';

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  // Unordered: migrations of the same day were written in parallel (e.g. 03 landed after 05); none depends on another's order.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const err = result.error instanceof Error ? result.error : new Error(String(result.error));
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${err.message}`, { cause: err });
  }
  return result;
}

/** Rolls back the last applied migration; its name, or null when none was applied. */
export async function migrateDownOne(db: Db): Promise<string | null> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateDown();
  if (result.error) {
    const err = result.error instanceof Error ? result.error : new Error(String(result.error));
    throw new Error(`rolling back failed: ${err.message}`, { cause: err });
  }
  return result.results?.find((r) => r.status === 'Success')?.migrationName ?? null;
}
