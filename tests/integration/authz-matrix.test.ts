// Every tRPC procedure × every kind of caller → allowed, UNAUTHORIZED or FORBIDDEN, as the table
// below says. Procedures are found by walking the router, so a new procedure without a row here fails.
//
// Adding a procedure = one line in `rules`: its expectation (a preset below) and, when it takes
// input, a sample valid input. `input(w)` is called once per caller, so a mutation can create what it
// needs fresh each time (w.newInvitedUser(), w.unique()). Region-scoped mutations should target the
// Mountain rows in `w.mountain` (the in-region coordinator's) so the out-of-region one is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { inviteUser } from '../../src/lib/server/users/users.service.js';
import { createShareLink, createSnapshot, setSchedule } from '../../src/lib/server/snapshots/snapshots.service.js';
import type { Db } from '../../src/lib/server/db/index.js';

const createCaller = createCallerFactory(appRouter);

const ACTORS = ['anonymous', 'board', 'coordinatorIn', 'coordinatorOut', 'leadership', 'admin'] as const;
type Actor = (typeof ACTORS)[number];
type Outcome = 'ok' | 'UNAUTHORIZED' | 'FORBIDDEN';
type Expectation = Record<Actor, Outcome>;

const SIGNED_IN: Expectation = { anonymous: 'UNAUTHORIZED', board: 'ok', coordinatorIn: 'ok', coordinatorOut: 'ok', leadership: 'ok', admin: 'ok' };
/** Live operational reads: coordinators read every region. */
const OPERATIONAL_READ: Expectation = { ...SIGNED_IN, board: 'FORBIDDEN' };
/** Operational changes to a row in the Mountain division. */
const REGION_WRITE: Expectation = { ...OPERATIONAL_READ, coordinatorOut: 'FORBIDDEN' };
const LEADERSHIP_ONLY: Expectation = { ...OPERATIONAL_READ, coordinatorIn: 'FORBIDDEN', coordinatorOut: 'FORBIDDEN', admin: 'FORBIDDEN' };
const ADMIN_ONLY: Expectation = { ...OPERATIONAL_READ, coordinatorIn: 'FORBIDDEN', coordinatorOut: 'FORBIDDEN', leadership: 'FORBIDDEN' };
/** Making and scheduling snapshots. */
const LEADERSHIP_OR_ADMIN: Expectation = { ...LEADERSHIP_ONLY, admin: 'ok' };
// Presets for procedures still to come (needs.update, pipeline, snapshots…).
void REGION_WRITE;

interface World {
  db: Db;
  admin: SessionUser;
  mountain: { state: string; centerId: number; needId: number };
  unique(): string;
  /** A fresh invited (no password yet) user; returns its id. */
  newInvitedUser(): Promise<string>;
  /** Two snapshots (made by the admin). */
  snapshots: [number, number];
}

interface Rule {
  expect: Expectation;
  input?: (w: World) => unknown | Promise<unknown>;
}

const rules: Record<string, Rule> = {
  'auth.me': { expect: SIGNED_IN },
  'audit.list': { expect: ADMIN_ONLY, input: () => ({ entity: 'app_user', limit: 10 }) },
  'audit.entities': { expect: ADMIN_ONLY },
  'dashboard.overview': { expect: OPERATIONAL_READ, input: () => ({ division: 'mountain' }) },
  'dashboard.funding': { expect: OPERATIONAL_READ, input: () => ({ fiscalYear: 2026, division: 'mountain' }) },
  'dashboard.aftercare': { expect: OPERATIONAL_READ, input: () => ({ from: '2026-01-01', to: '2026-03-31', state: 'CO' }) },
  'dashboard.outreach': { expect: OPERATIONAL_READ, input: () => ({ category: 'outreach_program' }) },
  'needs.list': { expect: OPERATIONAL_READ, input: (w) => ({ states: [w.mountain.state] }) },
  'sync.since': { expect: OPERATIONAL_READ, input: () => ({ topic: 'dashboard:overview', seq: 0 }) },
  'snapshots.list': { expect: SIGNED_IN, input: () => ({}) },
  'snapshots.get': { expect: SIGNED_IN, input: (w) => ({ id: w.snapshots[0] }) },
  'snapshots.compare': { expect: SIGNED_IN, input: (w) => ({ a: w.snapshots[0], b: w.snapshots[1] }) },
  'snapshots.create': { expect: LEADERSHIP_OR_ADMIN, input: () => ({ title: 'Matrix', period: { kind: 'fiscal_quarter', fiscalYear: 2026, quarter: 1 } }) },
  'snapshots.updateNotes': { expect: LEADERSHIP_OR_ADMIN, input: (w) => ({ id: w.snapshots[0], notes: `Notes ${w.unique()}` }) },
  'snapshots.schedules': { expect: LEADERSHIP_OR_ADMIN },
  'snapshots.setSchedule': { expect: LEADERSHIP_OR_ADMIN, input: () => ({ title: 'Matrix', frequency: 'quarterly', nextRunAt: new Date('2099-01-01T00:00:00Z') }) },
  'snapshots.deleteSchedule': {
    expect: LEADERSHIP_OR_ADMIN,
    input: async (w) => ({ id: (await setSchedule(w.db, w.admin, { title: 'Doomed', frequency: 'monthly', nextRunAt: new Date('2099-01-01T00:00:00Z'), filters: {} })).id })
  },
  'snapshots.shareLinks': { expect: ADMIN_ONLY, input: (w) => ({ snapshotId: w.snapshots[0] }) },
  'snapshots.createShareLink': { expect: ADMIN_ONLY, input: (w) => ({ snapshotId: w.snapshots[0], expiresInDays: 1 }) },
  'snapshots.revokeShareLink': {
    expect: ADMIN_ONLY,
    input: async (w) => ({ id: (await createShareLink(w.db, w.admin, { snapshotId: w.snapshots[0], expiresInDays: 1 })).id })
  },
  'users.list': { expect: ADMIN_ONLY },
  'users.invite': { expect: ADMIN_ONLY, input: (w) => ({ email: `invitee.${w.unique()}@test.example`, role: 'board' }) },
  'users.reissueInvite': { expect: ADMIN_ONLY, input: async (w) => ({ userId: await w.newInvitedUser() }) },
  'users.update': { expect: ADMIN_ONLY, input: async (w) => ({ userId: await w.newInvitedUser(), role: 'leadership' }) },
  'users.deactivate': { expect: ADMIN_ONLY, input: async (w) => ({ userId: await w.newInvitedUser() }) },
  'users.reactivate': { expect: ADMIN_ONLY, input: async (w) => ({ userId: await w.newInvitedUser() }) }
};

const procedurePaths = Object.keys(appRouter._def.procedures).sort();

async function call(ctxUser: SessionUser | null, h: TestDb, path: string, input: unknown): Promise<Outcome> {
  const caller = createCaller({ db: h.db, dbKind: h.kind, user: ctxUser });
  const procedure = path.split('.').reduce<any>((node, key) => node[key], caller) as (input: unknown) => Promise<unknown>;
  try {
    await procedure(input);
    return 'ok';
  } catch (err) {
    if (err instanceof TRPCError && (err.code === 'UNAUTHORIZED' || err.code === 'FORBIDDEN')) return err.code;
    // Anything else means the sample input is wrong or the procedure is broken: fail loudly.
    throw err;
  }
}

describe('the authorization table covers every procedure', () => {
  it('has a rule for every procedure in the router', () => {
    expect(procedurePaths.filter((p) => !(p in rules))).toEqual([]);
  });
  it('refuses the board every procedure outside snapshots and auth', () => {
    const boardMay = procedurePaths.filter((p) => rules[p]?.expect.board === 'ok');
    expect(boardMay.every((p) => p.startsWith('snapshots.') || p.startsWith('auth.'))).toBe(true);
    expect(boardMay).toEqual(['auth.me', 'snapshots.compare', 'snapshots.get', 'snapshots.list']);
  });
  it('has no rule for a procedure that does not exist', () => {
    expect(Object.keys(rules).filter((p) => !procedurePaths.includes(p))).toEqual([]);
  });
});

for (const target of targets) {
  describe(`authorization matrix on ${target.name}`, () => {
    let h: TestDb;
    let actors: Record<Actor, SessionUser | null>;
    let world: World;

    beforeAll(async () => {
      h = await target.open();
      const db = h.db;
      actors = {
        anonymous: null,
        board: await testUser(db, 'board'),
        coordinatorIn: await testUser(db, 'coordinator', { divisions: ['mountain'] }),
        coordinatorOut: await testUser(db, 'coordinator', { divisions: ['pacific'] }),
        leadership: await testUser(db, 'leadership'),
        admin: await testUser(db, 'admin')
      };
      const center = await db
        .insertInto('partner')
        .values({ name: 'Synthetic Front Range Aftercare', kind: 'aftercare_center', state: 'CO', vetting_status: 'vetted' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const need = await db
        .insertInto('aftercare_need')
        .values({ center_id: center.id, title: 'Synthetic bunk beds', kind: 'equipment', priority: 'high' })
        .returning('id')
        .executeTakeFirstOrThrow();
      let n = 0;
      const admin = actors.admin!;
      const snapshot = (title: string) =>
        createSnapshot(db, admin, { title, notes: '', period: { kind: 'fiscal_year', fiscalYear: 2026 }, filters: {} }, { fiscalYearStartMonth: 1 });
      const snapshots: [number, number] = [(await snapshot('First')).id, (await snapshot('Second')).id];
      world = {
        db,
        admin,
        snapshots,
        mountain: { state: 'CO', centerId: center.id, needId: need.id },
        unique: () => `${Date.now()}.${++n}`,
        newInvitedUser: async () =>
          (await inviteUser(db, admin, { email: `target.${Date.now()}.${++n}@test.example`, role: 'board', divisions: [], states: [] })).userId
      };
    });
    afterAll(() => h?.drop());

    const cases = procedurePaths.filter((p) => p in rules).flatMap((path) => ACTORS.map((actor) => [path, actor] as const));

    it.each(cases)('%s as %s', async (path, actor) => {
      const rule = rules[path];
      const input = rule.input ? await rule.input(world) : undefined;
      expect(await call(actors[actor], h, path, input)).toBe(rule.expect[actor]);
    });

    it('refuses anonymous callers before looking at their input', async () => {
      expect(await call(null, h, 'users.invite', { email: 'not an email' })).toBe('UNAUTHORIZED');
      expect(await call(actors.board, h, 'users.invite', { nonsense: true })).toBe('FORBIDDEN');
    });
  });
}
