// npm run db:backup -- FILE — DATABASE_URL (pg_dump, online) or the embedded database (a tarball of
// its data directory; stop the server first: the running server holds the directory).
import { readConfig } from '../src/lib/server/config.js';
import { backupEmbedded, backupPostgres } from '../src/lib/server/db/backup.js';

const file = process.argv[2];
try {
  if (!file || process.argv.length > 3) throw new Error('usage: npm run db:backup -- FILE');
  const cfg = readConfig();
  const { bytes } = cfg.databaseUrl ? await backupPostgres(cfg.databaseUrl, file) : await backupEmbedded(cfg.dataDir, file);
  console.log(`backed up ${cfg.databaseUrl ? 'the Postgres database (DATABASE_URL)' : `the embedded database in ${cfg.dataDir}`} to ${file} (${bytes.toLocaleString('en-US')} bytes)`);
} catch (err) {
  console.error(`db:backup: ${err instanceof Error ? err.message.split('\n')[0] : err}`);
  process.exitCode = 1;
}
