// npm run import -- --kind requests|partners|outreach|survivor-counts --as EMAIL FILE
// Imports a CSV file of any size into the database (DATABASE_URL, or the embedded one in
// BEACON_DATA_DIR), as the /import page does: every row judged first (problems printed, nothing
// written), then one transaction, one audit entry in the name of the user given with --as. Progress
// goes to stderr.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readConfig } from '../src/lib/server/config.js';
import { createDb, type DbHandle } from '../src/lib/server/db/index.js';
import { migrateToLatest } from '../src/lib/server/db/migrate.js';
import { findUser } from '../src/lib/server/users/users.repository.js';
import { commitImport, rowErrorText, type Progress } from '../src/lib/server/imports/imports.service.js';
import { IMPORT_KINDS, type ImportKind } from '../src/lib/import-fields.js';
import { statesIn, type DivisionCode } from '../src/lib/regions.js';
import type { SessionUser } from '../src/lib/server/auth/access.js';

const USAGE = `usage: npm run import -- --kind ${IMPORT_KINDS.join('|')} --as EMAIL FILE.csv`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { kind: ImportKind; as: string; file: string } {
  const values = new Map<string, string>();
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (!flag.startsWith('--')) {
      files.push(argv[i]);
      continue;
    }
    if (!['--kind', '--as'].includes(flag)) throw new UsageError(`unknown argument "${argv[i]}"`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    values.set(flag, value);
  }
  const kind = values.get('--kind');
  if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be one of ${IMPORT_KINDS.join(', ')}`);
  const as = values.get('--as');
  if (!as) throw new UsageError('--as EMAIL is required: the import is audited in that person’s name');
  if (files.length !== 1) throw new UsageError('give exactly one CSV file');
  return { kind: kind as ImportKind, as: as.trim().toLowerCase(), file: files[0] };
}

/** One line per 10% (and the step it is in), with rows per second. */
function progressPrinter(stream: NodeJS.WriteStream): Progress {
  const started = Date.now();
  let lastTenth = -1;
  return ({ done, total, step }) => {
    const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
    if (tenth <= lastTenth) return;
    lastTenth = tenth;
    const rate = done / Math.max((Date.now() - started) / 1000, 0.001);
    stream.write(`import: ${String(tenth * 10).padStart(3)}% ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows written (${step}), ${Math.round(rate).toLocaleString('en-US')} rows/s\n`);
  };
}

async function actorFor(handle: DbHandle, email: string): Promise<SessionUser> {
  const row = await handle.db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirst();
  const user = row && (await findUser(handle.db, row.id));
  if (!user || !user.active) throw new UsageError(`no active user has the email ${email}`);
  const states = new Set(user.states);
  for (const d of user.divisions) for (const s of statesIn(d as DivisionCode)) states.add(s);
  return { id: user.id, email: user.email, displayName: user.displayName, role: user.role, divisions: user.divisions, states: [...states].sort() };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cfg = readConfig();
  const csv = await readFile(args.file, 'utf8');
  let handle: DbHandle | undefined;
  try {
    handle = await createDb(cfg.databaseUrl ? { url: cfg.databaseUrl } : { dataDir: cfg.dataDir });
    await migrateToLatest(handle.db);
    const actor = await actorFor(handle, args.as);
    const started = Date.now();
    console.error(`import: reading and checking ${path.basename(args.file)} (${(csv.length / 1e6).toFixed(1)} MB)…`);
    const report = await commitImport(handle.db, actor, { kind: args.kind, fileName: path.basename(args.file), csv }, {
      fiscalYearStartMonth: cfg.fiscalYearStartMonth, progress: progressPrinter(process.stderr)
    });
    for (const e of report.fileErrors) console.error(e);
    for (const e of report.errors) console.error(rowErrorText(e));
    if (report.errorCount > report.errors.length) console.error(`… and ${(report.errorCount - report.errors.length).toLocaleString('en-US')} more problems.`);
    const seconds = (Date.now() - started) / 1000;
    if (!report.committed) {
      console.error(`Nothing was imported: fix the rows above and import the file again.`);
      process.exitCode = 1;
      return;
    }
    console.log(`imported ${report.kind} from ${report.fileName}: ${report.rows.toLocaleString('en-US')} rows — ${report.inserted.toLocaleString('en-US')} added, ` +
      `${report.updated.toLocaleString('en-US')} updated, ${report.unchanged.toLocaleString('en-US')} unchanged — in ${seconds.toFixed(1)} s ` +
      `(${Math.round(report.rows / seconds).toLocaleString('en-US')} rows/s)`);
  } finally {
    await handle?.close();
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`import: ${message.split('\n')[0]}${err instanceof UsageError ? ` (${USAGE})` : ''}`);
  process.exitCode = 1;
});
