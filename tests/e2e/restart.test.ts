// `npm start` semantics on the embedded database: the first start seeds demo data, a second start
// on the same data directory keeps it and does not seed again. With DATABASE_URL the same build
// migrates a real Postgres and serves.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createPostgresDatabase } from '../helpers/live.js';
import { createDb } from '../../src/lib/server/db/index.js';
import { overviewDataset as dashboardOverview } from '../../src/lib/server/dashboards/overview.dataset.js';

async function figuresIn(dataDir: string) {
  const handle = await createDb({ dataDir });
  try {
    const o = await dashboardOverview(handle.db, {}, { fiscalYearStartMonth: 1 });
    const partners = await handle.db.selectFrom('partner').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { partners: partners.n, requestedCents: o.funding.requestedCents, openNeeds: o.needs.open, peopleReached: o.outreach.peopleReached, seq: o.seq };
  } finally {
    await handle.close();
  }
}

describe('start, stop, start again on the embedded database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-restart-'));
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds once, then serves the same figures after a restart', async () => {
    server = await startServer({ dataDir });
    expect(server.output()).toMatch(/seeding demo data/);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ ok: true, db: 'pglite' });
    await server.stop();
    const first = await figuresIn(dataDir);
    expect(first.partners).toBeGreaterThan(100);
    expect(first.requestedCents).toBeGreaterThan(0);

    server = await startServer({ dataDir });
    expect(server.output()).not.toMatch(/seeding demo data/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await server.stop();
    expect(await figuresIn(dataDir)).toEqual(first);
  }, 300_000);
});

const serverUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!serverUrl)('the same build against a real Postgres (DATABASE_URL)', () => {
  let server: RunningServer | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('migrates an empty server database and serves, without demo data unless asked', async () => {
    database = await createPostgresDatabase(serverUrl!);
    server = await startServer({ env: { DATABASE_URL: database.url } });
    const health = await (await fetch(`${server.url}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, db: 'postgres' });
    expect(server.output()).not.toMatch(/seeding demo data/);
    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    const migrated = await c.query('select count(*)::int as n from kysely_migration');
    const partners = await c.query('select count(*)::int as n from partner');
    await c.end();
    expect(migrated.rows[0].n).toBeGreaterThanOrEqual(3);
    expect(partners.rows[0].n).toBe(0);
  }, 180_000);
});

if (!serverUrl) console.info('[tests] TEST_DATABASE_URL is not set: the DATABASE_URL start-up test is skipped.');
