// Backups that restore: db:backup then db:restore into an empty place gives the same figures —
// every v_* view row for row and every snapshot's hash — on the embedded database and on Postgres;
// a restore refuses a non-empty target unless --force.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDb, type DbHandle } from '../../src/lib/server/db/index.js';
import { migrateToLatest } from '../../src/lib/server/db/migrate.js';
import { seedDatabase } from '../../src/lib/server/seed/seed.service.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import { testUser } from '../helpers/auth.js';
import { emptyPostgresDatabase, npmRun } from '../helpers/scripts.js';

const postgresUrl = process.env.TEST_DATABASE_URL;
const createCaller = createCallerFactory(appRouter);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-backup-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Seeded data (with the demo's own snapshots) and two more snapshots: something for every view and hash to hold. */
async function fill(handle: DbHandle): Promise<void> {
  await migrateToLatest(handle.db);
  await seedDatabase(handle.db, { profile: 'demo', seed: 5, fiscalYearStartMonth: 1 });
  const leader = await testUser(handle.db, 'leadership');
  const as = createCaller({ db: handle.db, dbKind: handle.kind, user: leader });
  await as.snapshots.create({ title: 'FY2026', period: { kind: 'fiscal_year', fiscalYear: 2026 }, filters: {} });
  await as.snapshots.create({ title: 'FY2026 Mountain', period: { kind: 'fiscal_year', fiscalYear: 2026 }, filters: { division: 'mountain' } });
}

/** Every v_* view's rows (as sorted JSON) and every snapshot's id and hash. */
async function figures(handle: DbHandle) {
  const views = await sql<{ viewname: string }>`select viewname from pg_views where schemaname = 'public' and viewname like 'v\_%' order by 1`.execute(handle.db);
  const out: Record<string, string[]> = {};
  for (const { viewname } of views.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(viewname)}`.execute(handle.db);
    out[viewname] = rows.rows.map((r) => JSON.stringify(r)).sort();
  }
  const snapshots = await handle.db.selectFrom('snapshot').select(['id', 'sha256']).orderBy('id').execute();
  return { views: out, snapshots };
}

describe('embedded database: db:backup → db:restore', () => {
  it('restores into an empty directory with every view and snapshot hash equal; refuses a non-empty one without --force', async () => {
    const source = path.join(work, 'source');
    const handle = await createDb({ dataDir: source });
    let before;
    try {
      await fill(handle);
      before = await figures(handle);
    } finally {
      await handle.close();
    }
    expect(Object.keys(before.views).length).toBeGreaterThan(5);
    // The two made here, after the seed's monthly and fiscal-year reports.
    expect(before.snapshots.length).toBeGreaterThanOrEqual(2);
    expect(Object.values(before.views).flat().length).toBeGreaterThan(100);

    const file = path.join(work, 'embedded.tar.gz');
    const backup = npmRun('db:backup', [file], { BEACON_DATA_DIR: source });
    expect(backup.status, backup.stderr).toBe(0);
    const target = path.join(work, 'restored');
    const restore = npmRun('db:restore', [file], { BEACON_DATA_DIR: target });
    expect(restore.status, restore.stderr).toBe(0);
    const restored = await createDb({ dataDir: target });
    try {
      expect(await figures(restored)).toEqual(before);
    } finally {
      await restored.close();
    }

    const refused = npmRun('db:restore', [file], { BEACON_DATA_DIR: source });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^db:restore: .*source is not empty: .*--force/);
    const forced = npmRun('db:restore', [file, '--force'], { BEACON_DATA_DIR: source });
    expect(forced.status, forced.stderr).toBe(0);
    expect(fs.readdirSync(work).some((f) => f.startsWith('source.replaced-'))).toBe(true);
  }, 600_000);
});

describe.skipIf(!postgresUrl)('Postgres: db:backup → db:restore', () => {
  const dbs: Array<{ drop(): Promise<void> }> = [];
  afterAll(async () => {
    for (const d of dbs) await d.drop();
  });

  it('restores into an empty database with every view and snapshot hash equal; refuses a non-empty one without --force', async () => {
    const source = await emptyPostgresDatabase(postgresUrl!);
    const target = await emptyPostgresDatabase(postgresUrl!);
    dbs.push(source, target);
    const handle = await createDb({ url: source.url });
    let before;
    try {
      await fill(handle);
      before = await figures(handle);
    } finally {
      await handle.close();
    }
    const file = path.join(work, 'postgres.dump');
    const backup = npmRun('db:backup', [file], { DATABASE_URL: source.url });
    expect(backup.status, backup.stderr).toBe(0);
    const restore = npmRun('db:restore', [file], { DATABASE_URL: target.url });
    expect(restore.status, restore.stderr).toBe(0);
    const restored = await createDb({ url: target.url });
    try {
      expect(await figures(restored)).toEqual(before);
    } finally {
      await restored.close();
    }
    const refused = npmRun('db:restore', [file], { DATABASE_URL: source.url });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^db:restore: the database in DATABASE_URL is not empty/);
    const wrongKind = npmRun('db:restore', [path.join(work, 'postgres.dump')], { BEACON_DATA_DIR: path.join(work, 'elsewhere') });
    expect(wrongKind.stderr.trim()).toMatch(/is not an embedded-database backup/);
  }, 600_000);
});
