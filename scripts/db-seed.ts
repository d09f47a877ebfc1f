// npm run db:seed -- --profile demo|large [--seed N] [--anchor YYYY-MM-DD] [--fy-start-month M]
// Seeds an empty database (DATABASE_URL, or the embedded one in BEACON_DATA_DIR) with synthetic data.
import { readConfig } from '../src/lib/server/config.js';
import { createDb, type DbHandle } from '../src/lib/server/db/index.js';
import { migrateToLatest } from '../src/lib/server/db/migrate.js';
import { seedDatabase, type SeedProfile, type SeedSummary } from '../src/lib/server/seed/seed.service.js';

const USAGE = 'usage: npm run db:seed -- --profile demo|large [--seed N] [--anchor YYYY-MM-DD] [--fy-start-month 1-12]';

interface Args {
  profile: SeedProfile;
  seed: number;
  anchor: Date | undefined;
  fiscalYearStartMonth: number | undefined;
}

class UsageError extends Error {}

function integerArg(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function anchorArg(raw: string): Date {
  const d = new Date(`${raw}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== raw) {
    throw new UsageError(`--anchor must be a date YYYY-MM-DD, got "${raw}"`);
  }
  return d;
}

function parseArgs(argv: string[]): Args {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (!['--profile', '--seed', '--anchor', '--fy-start-month'].includes(flag)) throw new UsageError(`unknown argument "${argv[i]}"`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    values.set(flag, value);
  }
  const profile = values.get('--profile');
  if (profile === undefined) throw new UsageError('--profile is required (demo or large)');
  if (profile !== 'demo' && profile !== 'large') throw new UsageError(`--profile must be "demo" or "large", got "${profile}"`);
  const seed = values.get('--seed');
  const anchor = values.get('--anchor');
  const fyStart = values.get('--fy-start-month');
  return {
    profile,
    seed: seed === undefined ? 1 : integerArg('--seed', seed, 0, 0xffffffff),
    anchor: anchor === undefined ? undefined : anchorArg(anchor),
    fiscalYearStartMonth: fyStart === undefined ? undefined : integerArg('--fy-start-month', fyStart, 1, 12)
  };
}

/** A bar redrawn in place on a terminal; a line per ~10% when stderr is a file or a pipe. */
function progressPrinter(stream: NodeJS.WriteStream): (done: number, total: number, label: string) => void {
  let lastTenth = -1;
  let lastDraw = 0;
  let ended = false;
  return (done, total, label) => {
    if (ended) return;
    ended = done >= total;
    const fraction = total > 0 ? done / total : 1;
    const percent = Math.floor(fraction * 100);
    if (stream.isTTY) {
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round(fraction * width);
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${label.padEnd(20)}`);
      if (done >= total) stream.write('\n');
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      stream.write(`seed: ${percent}% (${label})\n`);
    }
  };
}

function printSummary(summary: SeedSummary, target: string): void {
  const s = summary;
  console.log(`seeded ${target}: profile ${s.profile}, seed ${s.seed}, anchor ${s.anchorDay}, ` +
    `fiscal years ${s.fiscalYears.join(', ')} (start month ${s.fiscalYearStartMonth}), in ${(s.elapsedMs / 1000).toFixed(1)} s`);
  for (const [table, count] of Object.entries(s.counts)) console.log(`  ${table.padEnd(22)} ${count.toLocaleString('en-US').padStart(10)}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cfg = readConfig();
  let handle: DbHandle | undefined;
  try {
    handle = await createDb(cfg.databaseUrl ? { url: cfg.databaseUrl } : { dataDir: cfg.dataDir });
    await migrateToLatest(handle.db);
    const summary = await seedDatabase(handle.db, {
      profile: args.profile,
      seed: args.seed,
      anchor: args.anchor,
      fiscalYearStartMonth: args.fiscalYearStartMonth ?? cfg.fiscalYearStartMonth,
      onProgress: progressPrinter(process.stderr)
    });
    printSummary(summary, handle.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : `embedded PGlite in ${cfg.dataDir}`);
  } finally {
    await handle?.close();
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  const hint = err instanceof UsageError ? ` (${USAGE})` : '';
  console.error(`db:seed: ${message.split('\n')[0]}${hint}`);
  process.exitCode = 1;
});
