// npm run db:restore -- FILE [--force] — into DATABASE_URL (pg_restore) or the embedded data
// directory. Refuses a non-empty target unless --force (embedded: the old directory is moved aside).
import { parseArgs } from 'node:util';
import { readConfig } from '../src/lib/server/config.js';
import { restoreEmbedded, restorePostgres } from '../src/lib/server/db/backup.js';

try {
  const { values, positionals } = parseArgs({ options: { force: { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new Error('usage: npm run db:restore -- FILE [--force]');
  const [file] = positionals;
  const cfg = readConfig();
  if (cfg.databaseUrl) {
    await restorePostgres(file, cfg.databaseUrl, { force: values.force });
    console.log(`restored ${file} into the Postgres database (DATABASE_URL)`);
  } else {
    const { movedAside } = await restoreEmbedded(file, cfg.dataDir, { force: values.force });
    console.log(`restored ${file} into ${cfg.dataDir}${movedAside ? ` (the previous data is in ${movedAside})` : ''}`);
  }
} catch (err) {
  console.error(`db:restore: ${err instanceof Error ? err.message.split('\n')[0] : err}`);
  process.exitCode = 1;
}
