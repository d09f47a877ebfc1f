// Versioned need writes through tRPC callers (in-process): per-operation latency of needs.get, an
// applied needs.update and a refused (CONFLICT) one, and the throughput of 20 concurrent clients
// doing read-modify-write increments on 5 needs (the no-lost-update test's workload, shorter).
import { createDb, type DbHandle } from '../src/lib/server/db/index.js';
import { migrateToLatest } from '../src/lib/server/db/migrate.js';
import { createCallerFactory } from '../src/lib/server/trpc/t.js';
import { appRouter } from '../src/lib/server/trpc/router.js';
import { createUser } from '../src/lib/server/users/users.service.js';
import { createSession, validateSessionToken } from '../src/lib/server/auth/session.js';
import { machine, type Engine } from './overview.js';
import pg from 'pg';

export interface NeedsWritesResult {
  engine: Engine;
  getMs: number;
  updateMs: number;
  conflictMs: number;
  concurrentOps: number;
  concurrentSeconds: number;
  conflicts: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function open(engine: Engine, serverUrl: string): Promise<{ handle: DbHandle; drop(): Promise<void> }> {
  if (engine === 'pglite') {
    const handle = await createDb({ memory: true });
    await migrateToLatest(handle.db);
    return { handle, drop: () => handle.close() };
  }
  const name = `beacon_bench_needs_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const handle = await createDb({ url: u.toString() });
  await migrateToLatest(handle.db);
  return { handle, drop: async () => { await handle.close(); await admin.query(`drop database ${name} with (force)`); await admin.end(); } };
}

export async function benchNeedsWrites(engine: Engine, serverUrl: string, clients = 20, opsPerClient = 100): Promise<NeedsWritesResult> {
  const { handle, drop } = await open(engine, serverUrl);
  try {
    const db = handle.db;
    await createUser(db, { email: 'bench.coordinator@bench.example', displayName: 'Bench Coordinator', role: 'coordinator', password: 'unused-in-bench', divisions: ['mountain'] }, { actorId: null, skipPasswordPolicy: true });
    const { id: userId } = await db.selectFrom('app_user').select('id').where('email', '=', 'bench.coordinator@bench.example').executeTakeFirstOrThrow();
    const user = (await validateSessionToken(db, (await createSession(db, userId)).token))!.user;
    const caller = createCallerFactory(appRouter)({ db, dbKind: handle.kind, user });
    const center = await db.insertInto('partner').values({ name: 'Bench Aftercare', kind: 'aftercare_center', state: 'CO' }).returning('id').executeTakeFirstOrThrow();
    const need = await caller.needs.create({ centerId: center.id, title: 'Bench need', kind: 'equipment' });
    const time = async (n: number, f: (i: number) => Promise<unknown>) => {
      const ms: number[] = [];
      for (let i = 0; i < n; i++) { const t = performance.now(); await f(i); ms.push(performance.now() - t); }
      return median(ms);
    };
    const getMs = await time(300, () => caller.needs.get({ id: need.id }));
    let version = need.version;
    const updateMs = await time(300, async (i) => { version = (await caller.needs.update({ id: need.id, version, changes: { quantity: i + 2 } })).version; });
    const conflictMs = await time(300, () => caller.needs.update({ id: need.id, version: 1, changes: { quantity: 1 } }).catch(() => undefined));

    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await caller.needs.create({ centerId: center.id, title: `Bench counter ${i}`, kind: 'equipment' })).id);
    let conflicts = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, async (_, c) => {
      for (let op = 0; op < opsPerClient; op++) {
        const id = ids[(c + op) % ids.length];
        const seen = await caller.needs.get({ id });
        await caller.needs.update({ id, version: seen.version, changes: { quantity: seen.quantity + 1 } }).catch(() => conflicts++);
      }
    }));
    return { engine, getMs, updateMs, conflictMs, concurrentOps: clients * opsPerClient, concurrentSeconds: (performance.now() - started) / 1000, conflicts };
  } finally {
    await drop();
  }
}

export function needsWritesSection(results: NeedsWritesResult[]): string {
  const row = (r: NeedsWritesResult) =>
    `| ${r.engine} | ${r.getMs.toFixed(2)} | ${r.updateMs.toFixed(2)} | ${r.conflictMs.toFixed(2)} | ${r.concurrentOps} in ${r.concurrentSeconds.toFixed(1)} s (${(r.concurrentOps / r.concurrentSeconds).toFixed(0)}/s, ${r.conflicts} conflicts) |`;
  return `## Versioned need writes (tRPC callers in-process)

${new Date().toISOString().slice(0, 10)} · ${machine()}

| engine | needs.get median ms | applied needs.update median ms | CONFLICT median ms | 20 clients, get + update each |
|---|---|---|---|---|
${results.map(row).join('\n')}

An applied update is one statement (lock, write at the version, audit row); the statement-level
rollup and change_log triggers on \`aftercare_need\` run for a refused one too.`;
}
