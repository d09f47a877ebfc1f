// npm run db:migrate [-- --down] — apply pending migrations (or roll back the last one) on
// DATABASE_URL or the embedded database. Several instances may start at once: Kysely's Migrator
// serialises them (on Postgres a session advisory lock held for the whole run; PGlite has one
// connection), and tests/integration/migrations.test.ts checks that each migration runs once.
import { parseArgs } from 'node:util';
import { readConfig } from '../src/lib/server/config.js';
import { createDb } from '../src/lib/server/db/index.js';
import { migrateDownOne, migrateToLatest } from '../src/lib/server/db/migrate.js';

let cfg;
let down = false;
try {
  down = !!parseArgs({ options: { down: { type: 'boolean' } }, strict: true }).values.down;
  cfg = readConfig();
} catch (err) {
  console.error(`db:migrate: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
const handle = await createDb(cfg.databaseUrl ? { url: cfg.databaseUrl } : { dataDir: cfg.dataDir });
try {
  if (down) {
    const undone = await migrateDownOne(handle.db);
    console.log(undone ? `rolled back: ${undone}` : 'no migration to roll back');
  } else {
    const result = await migrateToLatest(handle.db);
    const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  }
} catch (err) {
  console.error(`db:migrate: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
} finally {
  await handle.close();
}
