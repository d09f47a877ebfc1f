// Every procedure of the app router (found by walking it, as the authorization matrix does) gets
// 2,000 malformed inputs from a seeded PRNG, as callers allowed to use it (leadership, admin, an
// in-region coordinator). Expected: never an internal error (5xx); every refusal a 4xx whose answer
// carries plain words (no stack, SQL or file path, no validator wording); no value the input rules
// should refuse reaching the database (a Postgres data exception); and a refused call writes nothing.
// PROPERTY_SEED replays a run (or "random").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { getErrorShape } from '@trpc/server/shared';
import { sql } from 'kysely';
import type { ZodTypeAny } from 'zod';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createRng, seedFromEnv } from '../helpers/prng.js';
import { LEAKS, malformedInput, type Pools } from '../helpers/hostile-input.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { DomainError } from '../../src/lib/server/errors.js';
import { inviteUser } from '../../src/lib/server/users/users.service.js';
import { createShareLink, createSnapshot, setSchedule } from '../../src/lib/server/snapshots/snapshots.service.js';

const INPUTS_PER_PROCEDURE = 2000;
const SEED = seedFromEnv(20261203);
const createCaller = createCallerFactory(appRouter);
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { inputs: ZodTypeAny[]; type: string } }>;
const procedurePaths = Object.keys(procedures).sort();

/** Zod's default wording, which a person should never see (a plain-words message replaces it). */
const VALIDATOR_WORDING = /Expected \w+, received|Invalid (enum value|input|literal|discriminator|type)|Unrecognized key|^Required$|must contain|greater than|less than|String must|Number must|Array must/;

const OK_CODES = new Set(['BAD_REQUEST', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'UNAUTHORIZED', 'PRECONDITION_FAILED', 'TOO_MANY_REQUESTS', 'PAYLOAD_TOO_LARGE']);

type Counts = Record<string, number>;

for (const target of targets) {
  describe(`malformed input to every procedure on ${target.name}`, () => {
    let h: TestDb;
    let actors: SessionUser[];
    let pools: Pools;
    let tables: string[];

    async function counts(): Promise<Counts> {
      const row = await sql<Counts>`select ${sql.join(tables.map((t) => sql`(select count(*)::int from ${sql.table(t)}) as ${sql.ref(t)}`))}`.execute(h.db);
      return row.rows[0];
    }

    beforeAll(async () => {
      h = await target.open();
      const db = h.db;
      actors = [await testUser(db, 'leadership'), await testUser(db, 'admin'), await testUser(db, 'coordinator', { divisions: ['mountain'] })];
      const admin = actors[1];
      const center = await db.insertInto('partner').values({ name: 'Synthetic Fuzz Aftercare', kind: 'aftercare_center', state: 'CO', vetting_status: 'vetted' })
        .returning('id').executeTakeFirstOrThrow();
      const partner = await db.insertInto('partner').values({ name: 'Synthetic Fuzz Partner', kind: 'education_partner', state: 'CO' }).returning('id').executeTakeFirstOrThrow();
      const ids = [center.id, partner.id];
      for (let i = 0; i < 3; i++) {
        ids.push((await db.insertInto('aftercare_need').values({ center_id: center.id, title: `Synthetic fuzz need ${i}`, kind: 'equipment', priority: 'critical' })
          .returning('id').executeTakeFirstOrThrow()).id);
        ids.push((await db.insertInto('funding_request').values({ partner_id: center.id, title: `Synthetic fuzz request ${i}`, category: 'aftercare_equipment',
          fiscal_year: 2026, requested_cents: 100_000 }).returning('id').executeTakeFirstOrThrow()).id);
        ids.push((await db.insertInto('outreach_event').values({ occurred_on: '2026-11-01', state: 'CO', format: 'webinar', audience: 'parents', attendees: 5 })
          .returning('id').executeTakeFirstOrThrow()).id);
      }
      const snapshot = await createSnapshot(db, admin, { title: 'Fuzz', notes: '', period: { kind: 'fiscal_year', fiscalYear: 2026 }, filters: {} }, { fiscalYearStartMonth: 1 });
      ids.push(snapshot.id);
      ids.push((await setSchedule(db, admin, { title: 'Fuzz schedule', frequency: 'monthly', nextRunAt: new Date(Date.now() + 30 * 86_400_000), filters: {} })).id);
      ids.push((await createShareLink(db, admin, { snapshotId: snapshot.id, expiresInDays: 1 })).id);
      const userIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        userIds.push((await inviteUser(db, admin, { email: `fuzz.target.${i}@test.example`, role: 'board', divisions: [], states: [] })).userId);
      }
      pools = { ids: [...new Set(ids)], userIds };
      // Every table but the rollups (the triggers keep those from the others) and the migrations'.
      tables = (await sql<{ name: string }>`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%' and table_name not like 'rollup_%'
        order by 1`.execute(db)).rows.map((r) => r.name);
    });
    afterAll(() => h?.drop());

    it('walks a router with procedures in it', () => {
      expect(procedurePaths.length).toBeGreaterThan(40);
    });

    it.each(procedurePaths)('%s', { timeout: 300_000 }, async (path) => {
      const rng = createRng(SEED ^ hash(path));
      const procedure = procedures[path];
      const schema = procedure._def.inputs[0];
      const callAs = (user: SessionUser) => {
        const caller = createCaller({ db: h.db, dbKind: h.kind, user });
        return path.split('.').reduce<any>((node, key) => node[key], caller) as (input: unknown) => Promise<unknown>;
      };
      // Callers whose role may use the procedure (a role refusal comes before the input is read).
      const allowed: SessionUser[] = [];
      for (const actor of actors) {
        const refused = await callAs(actor)(undefined).then(() => null, (e) => e);
        if (!(refused instanceof TRPCError && refused.code === 'FORBIDDEN')) allowed.push(actor);
      }
      expect(allowed.length, `no one of leadership, admin, coordinator may call ${path}`).toBeGreaterThan(0);

      const failures: string[] = [];
      const outcomes: Record<string, number> = {};
      let watched = 0;
      for (let i = 0; i < INPUTS_PER_PROCEDURE && failures.length < 5; i++) {
        const input = malformedInput(schema, rng, pools);
        const actor = allowed[i % allowed.length];
        // Calls the schema lets through reach the service: those must write nothing when refused. (A
        // sample of the ones it refuses is checked too.)
        // A procedure without input ignores what it is sent: a sample of its calls is enough.
        // Queries are watched on a sample too (they never write on purpose).
        const passesSchema = schema ? schema.safeParse(structuredCloneSafe(input)).success : i % 100 === 0;
        const watch = (passesSchema && procedure._def.type === 'mutation') || i % 100 === 0;
        const before = watch ? await counts() : null;
        let error: unknown = null;
        try {
          await callAs(actor)(input);
        } catch (err) {
          error = err;
        }
        if (before) watched++;
        const outcome = error instanceof TRPCError ? error.code : error ? 'NOT_A_TRPC_ERROR' : 'ok';
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (!error) continue;
        const what = `${path} as ${actor.role} with ${show(input)}`;
        if (!(error instanceof TRPCError)) {
          failures.push(`${what}: threw ${String(error)}`);
          continue;
        }
        if (!OK_CODES.has(error.code) || getHTTPStatusCodeFromError(error) >= 500) {
          failures.push(`${what}: ${error.code} (${String((error.cause as Error)?.message ?? error.message).slice(0, 200)})`);
          continue;
        }
        const sqlstate = error.cause instanceof DomainError ? error.cause.details?.sqlstate : undefined;
        if (sqlstate) failures.push(`${what}: the database refused it (SQLSTATE ${sqlstate}); the input rules should have`);
        const shape = getErrorShape({ config: appRouter._def._config, error, type: procedure._def.type as 'query', path, input, ctx: undefined });
        const answer = JSON.stringify(shape);
        for (const [name, pattern] of LEAKS) if (pattern.test(answer)) failures.push(`${what}: the answer shows a ${name}: ${answer.slice(0, 300)}`);
        const messages = [shape.message, ...Object.values((shape.data as { fieldErrors?: Record<string, string[]> }).fieldErrors ?? {}).flat()];
        for (const m of messages) if (VALIDATOR_WORDING.test(m)) failures.push(`${what}: validator wording "${m}"`);
        if (before) {
          const after = await counts();
          const changed = tables.filter((t) => after[t] !== before[t]).map((t) => `${t} ${before[t]} → ${after[t]}`);
          if (changed.length) failures.push(`${what}: refused (${error.code}) but wrote ${changed.join(', ')}`);
        }
      }
      expect(failures, `seed ${SEED}; outcomes ${JSON.stringify(outcomes)}`).toEqual([]);
      expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(INPUTS_PER_PROCEDURE);
      expect(watched).toBeGreaterThan(0);
    });

    it('left no polluted prototype behind', () => {
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
}

function hash(s: string): number {
  let x = 2166136261;
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619);
  return x >>> 0;
}

/** The schema may transform its input in place; parse a copy (bigint and Dates survive). */
function structuredCloneSafe(v: unknown): unknown {
  try {
    return structuredClone(v);
  } catch {
    return v;
  }
}

/** A short, printable description of an input for a failure message. */
function show(input: unknown): string {
  const s = JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' && v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v));
  return (s ?? String(input)).replace(/[\u0000-\u001f\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).slice(0, 300);
}
