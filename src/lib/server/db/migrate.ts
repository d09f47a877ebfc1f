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
