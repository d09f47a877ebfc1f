// Backups that restore, for both engines. Embedded PGlite: the data directory as a gzip tarball
// (PGlite's dumpDataDir / loadDataDir), opened through createDb like the server does, so whatever
// guards the data directory (the server holds it while it runs) guards the backup too — back up
// the embedded database with the server stopped. Postgres: pg_dump's custom format and
// pg_restore, online. A restore never replaces a non-empty target unless forced.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { createDb } from './index.js';

export class BackupError extends Error {
  override name = 'BackupError';
}

const GZIP = Buffer.from([0x1f, 0x8b]);
const PGDMP = Buffer.from('PGDMP');

function writeAtomically(file: string, data: Buffer): void {
  const tmp = `${file}.partial-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function fileStart(file: string): Buffer {
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist`);
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(5);
    fs.readSync(fd, head, 0, 5, 0);
    return head;
  } finally {
    fs.closeSync(fd);
  }
}

export async function backupEmbedded(dataDir: string, file: string): Promise<{ bytes: number }> {
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) throw new BackupError(`${dataDir} holds no embedded database`);
  const handle = await createDb({ dataDir });
  try {
    const blob = await handle.pglite!.dumpDataDir('gzip');
    const data = Buffer.from(await blob.arrayBuffer());
    writeAtomically(file, data);
    return { bytes: data.length };
  } finally {
    await handle.close();
  }
}

/** Into an empty (or missing) directory; with `force`, a non-empty one is moved aside, never deleted. */
export async function restoreEmbedded(file: string, dataDir: string, options: { force?: boolean } = {}): Promise<{ movedAside?: string }> {
  if (!fileStart(file).subarray(0, 2).equals(GZIP)) throw new BackupError(`${file} is not an embedded-database backup (expected a gzip tarball from db:backup without DATABASE_URL)`);
  let movedAside: string | undefined;
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    if (!options.force) throw new BackupError(`${dataDir} is not empty: restore into an empty directory, or pass --force to replace it (the old one is kept beside it)`);
    // Opening it first fails if a running server holds it.
    const current = await createDb({ dataDir });
    await current.close();
    movedAside = `${dataDir}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(dataDir, movedAside);
  }
  const blob = new Blob([fs.readFileSync(file)]);
  const handle = await createDb({ dataDir, restoreFrom: blob });
  try {
    await sql`select 1`.execute(handle.db);
  } finally {
    await handle.close();
  }
  return { movedAside };
}

/** The URL without its password (which goes in PGPASSWORD, out of the process list). */
function pgConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: password ? { PGPASSWORD: password } : {} };
}

function requireTool(tool: 'pg_dump' | 'pg_restore'): void {
  const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
  if (r.error) {
    throw new BackupError(`${tool} is not on PATH: install the PostgreSQL client tools of the server's major version (Debian: apt-get install postgresql-client)`);
  }
}

function run(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    // The environment passes through unread (PATH, PG* settings), plus PGPASSWORD from DATABASE_URL.
    const child = spawn(tool, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new BackupError(`${tool} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`))));
  });
}

export async function backupPostgres(url: string, file: string): Promise<{ bytes: number }> {
  requireTool('pg_dump');
  const { dbname, env } = pgConnection(url);
  const tmp = `${file}.partial-${process.pid}`;
  try {
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${tmp}`, `--dbname=${dbname}`], env);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return { bytes: fs.statSync(file).size };
}

export async function restorePostgres(file: string, url: string, options: { force?: boolean } = {}): Promise<void> {
  if (!fileStart(file).equals(PGDMP)) throw new BackupError(`${file} is not a Postgres backup (expected pg_dump's custom format from db:backup with DATABASE_URL)`);
  requireTool('pg_restore');
  const handle = await createDb({ url });
  let relations: number;
  try {
    const row = await sql<{ n: number }>`
      select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'S', 'p')`.execute(handle.db);
    relations = row.rows[0].n;
  } finally {
    await handle.close();
  }
  if (relations > 0 && !options.force) {
    throw new BackupError('the database in DATABASE_URL is not empty: restore into an empty database, or pass --force to drop and replace what the backup holds');
  }
  const { dbname, env } = pgConnection(url);
  const clean = relations > 0 ? ['--clean', '--if-exists'] : [];
  await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', ...clean, `--dbname=${dbname}`, file], env);
}
