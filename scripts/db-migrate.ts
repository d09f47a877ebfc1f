// npm run db:migrate — apply pending migrations to DATABASE_URL, or the embedded database.
import { readConfig } from '../src/lib/server/config.js';
import { createDb } from '../src/lib/server/db/index.js';
import { migrateToLatest } from '../src/lib/server/db/migrate.js';

const cfg = readConfig();
const handle = await createDb(cfg.databaseUrl ? { url: cfg.databaseUrl } : { dataDir: cfg.dataDir });
try {
  const result = await migrateToLatest(handle.db);
  const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await handle.close();
}
