// Every tRPC procedure × every kind of caller → allowed, UNAUTHORIZED or FORBIDDEN, as the table
// below says. Procedures are found by walking the router, so a new procedure without a row here fails.
//
// Adding a procedure = one line in `rules`: its expectation (a preset below) and, when it takes
// input, a sample valid input. `input(w)` is called once per caller, so a mutation can create what it
// needs fresh each time (w.newInvitedUser(), w.unique()). Region-scoped mutations should target the
// Mountain rows in `w.mountain` (the in-region coordinator's) so the out-of-region one is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { base32Decode, totp } from '../helpers/totp-oracle.js';
import { createSession } from '../../src/lib/server/auth/session.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { inviteUser } from '../../src/lib/server/users/users.service.js';
import { createShareLink, createSnapshot, setSchedule } from '../../src/lib/server/snapshots/snapshots.service.js';
import type { Db } from '../../src/lib/server/db/index.js';
import { createAnnotation } from '../../src/lib/server/annotations/annotations.service.js';
import { createKioskLink, findKioskLink, type KioskIdentity } from '../../src/lib/server/kiosk/kiosk.service.js';

const createCaller = createCallerFactory(appRouter);

// `kiosk` is a wall screen's device link (no user) made for the overview and aftercare dashboards:
// it may read those two and nothing else.
const ACTORS = ['anonymous', 'kiosk', 'board', 'coordinatorIn', 'coordinatorOut', 'leadership', 'admin'] as const;
type Actor = (typeof ACTORS)[number];
type Outcome = 'ok' | 'UNAUTHORIZED' | 'FORBIDDEN';
type Expectation = Record<Actor, Outcome>;

const SIGNED_IN: Expectation = { anonymous: 'UNAUTHORIZED', kiosk: 'UNAUTHORIZED', board: 'ok', coordinatorIn: 'ok', coordinatorOut: 'ok', leadership: 'ok', admin: 'ok' };
/** Live operational reads: coordinators read every region. */
const OPERATIONAL_READ: Expectation = { ...SIGNED_IN, board: 'FORBIDDEN' };
/** A dashboard the matrix's device link shows (overview, aftercare), and one it does not. */
const DASHBOARD_ON_LINK: Expectation = { ...OPERATIONAL_READ, kiosk: 'ok' };
const DASHBOARD_OFF_LINK: Expectation = { ...OPERATIONAL_READ, kiosk: 'FORBIDDEN' };
/** Operational changes to a row in the Mountain division. */
const REGION_WRITE: Expectation = { ...OPERATIONAL_READ, coordinatorOut: 'FORBIDDEN' };
const LEADERSHIP_ONLY: Expectation = { ...OPERATIONAL_READ, coordinatorIn: 'FORBIDDEN', coordinatorOut: 'FORBIDDEN', admin: 'FORBIDDEN' };
const ADMIN_ONLY: Expectation = { ...OPERATIONAL_READ, coordinatorIn: 'FORBIDDEN', coordinatorOut: 'FORBIDDEN', leadership: 'FORBIDDEN' };
/** Imports: leadership, admins and coordinators (each row checked against the coordinator's regions). */
const IMPORTS: Expectation = { ...OPERATIONAL_READ };
const outreachCsv = (w: World) => `External id,Date,State,Format,Audience,Attendees\nO-${w.unique()},2026-11-01,${w.mountain.state},Webinar,Parents,12\n`;
let periodMonths = 0;
/** A month not used before in this file (2001-01, 2001-02, …). */
const periodMonth = () => {
  const t = 2001 * 12 + periodMonths++;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
};
/** Making and scheduling snapshots. */
const LEADERSHIP_OR_ADMIN: Expectation = { ...LEADERSHIP_ONLY, admin: 'ok' };

interface World {
  db: Db;
  admin: SessionUser;
  mountain: { state: string; centerId: number; needId: number };
  unique(): string;
  /** A fresh invited (no password yet) user; returns its id. */
  newInvitedUser(): Promise<string>;
  /** Two snapshots (made by the admin). */
  snapshots: [number, number];
  /** Fresh Mountain (CO) rows for the collaboration procedures. */
  newNeed(): Promise<{ id: number; version: number }>;
  newRequest(): Promise<number>;
  /** A Mountain request approved ($1,000) and half paid, with one in-kind line. */
  newDisbursed(): Promise<{ id: number; approvalId: number; lineId: number }>;
  newPartner(): Promise<number>;
  newOutreach(): Promise<{ id: number; version: number }>;
}

interface Rule {
  expect: Expectation;
  /** `user` is the caller (null when anonymous), for inputs that belong to the caller (a session, a TOTP code). */
  input?: (w: World, user: SessionUser | null) => unknown | Promise<unknown>;
  /** Runs before the call, as the caller (e.g. make a change for undo.last to revert). */
  before?: (w: World, user: SessionUser | null, h: TestDb) => Promise<void>;
}

/** A change of the caller's own, in a region it may edit, for undo.last. */
async function ownRecentChange(w: World, user: SessionUser | null, h: TestDb) {
  if (!user || user.role === 'board') return;
  const state = user.role === 'coordinator' ? user.states[0] : 'CO';
  const center = await h.db.insertInto('partner').values({ name: `Synthetic center ${w.unique()}`, kind: 'aftercare_center', state })
    .returning('id').executeTakeFirstOrThrow();
  const caller = createCaller({ db: h.db, dbKind: h.kind, user });
  const need = await caller.needs.create({ centerId: center.id, title: 'Synthetic undo target', kind: 'equipment' });
  await caller.needs.update({ id: need.id, version: need.version, changes: { priority: 'critical' } });
}

/** testUser's password (tests/helpers/auth.ts). */
const TEST_USER_PASSWORD = 'not-used-in-tests';

/** A second session of the caller's, for auth.revokeSession (a made-up id for anonymous callers). */
async function ownNewSession(w: World, user: SessionUser | null) {
  if (!user) return { sessionId: 'a'.repeat(64) };
  return { sessionId: (await createSession(w.db, user.id)).session.id };
}

/** The caller starts over without a second factor (totpEnroll and totpConfirm run once per caller each). */
async function clearSecondFactor(w: World, user: SessionUser | null) {
  if (user) await w.db.deleteFrom('user_totp').where('user_id', '=', user.id).execute();
}

/** A pending key for the caller and a valid code from it (our own RFC 6238 oracle). */
async function pendingTotpCode(w: World, user: SessionUser | null) {
  if (!user) return { code: '123456' };
  await clearSecondFactor(w, user);
  const key = await createCaller({ db: w.db, dbKind: 'pglite', user }).auth.totpEnroll();
  return { code: totp(base32Decode(key.secret)) };
}

const rules: Record<string, Rule> = {
  // Chart annotations: whoever reads the dashboards lists them; leadership, admins and coordinators
  // write (a coordinator only for their own regions: Mountain here) and remove (a coordinator only
  // their own: tests/integration/annotations.test.ts).
  'annotations.list': { expect: OPERATIONAL_READ, input: () => ({ from: '2026-01-01', to: '2026-12-31', division: 'mountain' }) },
  'annotations.create': { expect: REGION_WRITE, input: () => ({ day: '2026-03-02', note: 'Synthetic: campaign launched', scope: 'division:mountain' }) },
  'annotations.remove': {
    expect: { ...REGION_WRITE, coordinatorIn: 'FORBIDDEN', coordinatorOut: 'FORBIDDEN' },
    // Written by the admin: leadership and admins remove anyone's, a coordinator only their own.
    input: async (w) => ({ id: (await createAnnotation(w.db, w.admin, { day: '2026-03-03', note: 'Synthetic: kit delivered', scope: { division: 'mountain', state: null } })).id })
  },
  'auth.me': { expect: SIGNED_IN },
  'auth.changeName': { expect: SIGNED_IN, input: (w) => ({ displayName: `Renamed ${w.unique()}` }) },
  'auth.changePassword': { expect: SIGNED_IN, input: (w) => ({ currentPassword: TEST_USER_PASSWORD, newPassword: `granite-willow-${w.unique()}` }) },
  'auth.sessions': { expect: SIGNED_IN },
  'auth.revokeSession': { expect: SIGNED_IN, input: (w, user) => ownNewSession(w, user) },
  'auth.revokeOtherSessions': { expect: SIGNED_IN },
  'auth.secondFactor': { expect: SIGNED_IN },
  'auth.totpEnroll': { expect: SIGNED_IN, before: (w, user) => clearSecondFactor(w, user) },
  'auth.totpConfirm': { expect: SIGNED_IN, input: (w, user) => pendingTotpCode(w, user) },
  'audit.list': { expect: ADMIN_ONLY, input: () => ({ entity: 'app_user', limit: 10 }) },
  'audit.entities': { expect: ADMIN_ONLY },
  'dashboard.overview': { expect: DASHBOARD_ON_LINK, input: () => ({ division: 'mountain' }) },
  'dashboard.funding': { expect: DASHBOARD_OFF_LINK, input: () => ({ fiscalYear: 2026, division: 'mountain' }) },
  'dashboard.aftercare': { expect: DASHBOARD_ON_LINK, input: () => ({ from: '2026-01-01', to: '2026-03-31', state: 'CO' }) },
  'dashboard.outreach': { expect: DASHBOARD_OFF_LINK, input: () => ({ category: 'outreach_program' }) },
  'needs.list': { expect: OPERATIONAL_READ, input: (w) => ({ states: [w.mountain.state] }) },
  'needs.page': { expect: OPERATIONAL_READ, input: () => ({ division: 'mountain', text: 'a', sort: 'estimatedCostCents', dir: 'desc' }) },
  'needs.get': { expect: OPERATIONAL_READ, input: (w) => ({ id: w.mountain.needId }) },
  'needs.centers': { expect: OPERATIONAL_READ, input: () => ({ division: 'mountain' }) },
  'needs.create': { expect: REGION_WRITE, input: (w) => ({ centerId: w.mountain.centerId, title: 'Synthetic cots', kind: 'equipment' }) },
  'needs.update': { expect: REGION_WRITE, input: async (w) => ({ ...(await w.newNeed()), changes: { priority: 'critical' } }) },
  'needs.move': { expect: REGION_WRITE, input: async (w) => ({ ...(await w.newNeed()), to: 'in_progress' }) },
  'needs.assign': { expect: REGION_WRITE, input: async (w) => ({ ...(await w.newNeed()), assigneeId: null }) },
  'needs.pledge': { expect: REGION_WRITE, input: async (w) => ({ ...(await w.newNeed()), pledgedBy: 'Synthetic Foundation', amountCents: 10_000 }) },
  'needs.fulfil': { expect: REGION_WRITE, input: async (w) => ({ ...(await w.newNeed()), quantity: 1 }) },
  'funding.list': { expect: OPERATIONAL_READ, input: () => ({ division: 'mountain' }) },
  'funding.advance': { expect: REGION_WRITE, input: async (w) => ({ id: await w.newRequest(), from: 'intake', to: 'vetting' }) },
  'funding.get': { expect: REGION_WRITE, input: async (w) => ({ id: await w.newRequest() }) },
  'funding.create': {
    expect: REGION_WRITE,
    input: (w) => ({ partnerId: w.mountain.centerId, title: `Synthetic beds ${w.unique()}`, category: 'aftercare_equipment', programArea: 'aftercare',
      requestedCents: 250_000, purpose: 'Synthetic: beds for the new wing' })
  },
  'funding.overdueReports': { expect: OPERATIONAL_READ, input: () => ({ division: 'mountain' }) },
  'funding.pay': { expect: REGION_WRITE, input: async (w) => ({ id: (await w.newDisbursed()).id, amountCents: 10_000,
    // Today in the organisation's zone (the UTC date runs a day ahead of it every evening).
    paidOn: (await sql<{ d: string }>`select local_day(now())::text as d`.execute(w.db)).rows[0].d }) },
  'funding.deliver': { expect: REGION_WRITE, input: async (w) => ({ lineId: (await w.newDisbursed()).lineId, deliveredOn: '2026-01-15', note: 'Synthetic: beds received' }) },
  'funding.correct': {
    expect: LEADERSHIP_OR_ADMIN,
    input: async (w) => {
      const r = await w.newDisbursed();
      return { id: r.id, eventId: r.approvalId, amountCents: 90_000, reason: 'Synthetic: the board minute says $900' };
    }
  },
  'funding.update': { expect: REGION_WRITE, input: async (w) => ({ id: await w.newRequest(), version: 1, changes: { purpose: 'Synthetic: revised purpose' } }) },
  'partners.list': { expect: OPERATIONAL_READ, input: () => ({ division: 'mountain' }) },
  'partners.vet': {
    expect: REGION_WRITE,
    input: async (w) => ({ id: await w.newPartner(), status: 'vetted', note: 'Synthetic: MOU on file', vettedUntil: new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10) })
  },
  'partners.create': { expect: REGION_WRITE, input: (w) => ({ name: `Synthetic partner ${w.unique()}`, kind: 'forensic_lab', state: 'CO', city: 'Boulder' }) },
  'partners.update': { expect: REGION_WRITE, input: async (w) => ({ id: await w.newPartner(), changes: { city: 'Pueblo' } }) },
  'budgets.list': { expect: LEADERSHIP_OR_ADMIN, input: () => ({ fiscalYear: 2026 }) },
  'budgets.set': { expect: LEADERSHIP_OR_ADMIN, input: () => ({ fiscalYear: 2027, programArea: 'education', amountCents: 50_000_000, restrictions: [{ restriction: 'Synthetic Trust — schools', amountCents: 1_000_000 }] }) },
  'goals.set': { expect: LEADERSHIP_OR_ADMIN, input: () => ({ division: 'mountain', fiscalYear: 2027, peopleGoal: 5_000 }) },
  'survivorCounts.list': { expect: OPERATIONAL_READ, input: () => ({ division: 'mountain', month: '2026-10' }) },
  'survivorCounts.set': {
    expect: REGION_WRITE,
    input: (w) => ({ centerId: w.mountain.centerId, month: '2026-10', served: 12, newIntakes: 2, bedNights: 200, exitsToSafeHousing: 1 })
  },
  // Monthly sign-off: a fresh month each call (Canada East, long ago: no other rule writes there).
  'periods.status': { expect: OPERATIONAL_READ, input: () => ({ months: 3 }) },
  'periods.lock': { expect: LEADERSHIP_OR_ADMIN, input: () => ({ division: 'canada-east', month: periodMonth() }) },
  'periods.unlock': {
    expect: ADMIN_ONLY,
    input: async (w) => {
      const month = periodMonth();
      await w.db.insertInto('period_approval').values({ division_code: 'canada-east', month: `${month}-01` }).execute();
      return { division: 'canada-east', month, reason: 'Synthetic: a late correction from the center' };
    }
  },
  // Who may import at all; a coordinator's rows outside their regions are refused row by row (the
  // report names them and nothing is written: tests/integration/imports.test.ts).
  'imports.preview': { expect: IMPORTS, input: (w) => ({ kind: 'outreach', fileName: 'outreach.csv', csv: outreachCsv(w) }) },
  'imports.commit': { expect: IMPORTS, input: (w) => ({ kind: 'outreach', fileName: 'outreach.csv', csv: outreachCsv(w) }) },
  'comments.list': { expect: OPERATIONAL_READ, input: (w) => ({ entity: 'need', id: w.mountain.needId }) },
  'comments.mentionable': { expect: OPERATIONAL_READ, input: (w) => ({ entity: 'need', id: w.mountain.needId }) },
  'comments.add': { expect: REGION_WRITE, input: (w) => ({ entity: 'need', id: w.mountain.needId, body: 'Synthetic note' }) },
  // A person's own inbox only (the service filters by the caller; tests/integration/notifications.test.ts
  // shows another's rows are never read or marked).
  'notifications.list': { expect: OPERATIONAL_READ, input: () => ({ limit: 5 }) },
  'notifications.markRead': { expect: OPERATIONAL_READ, input: () => ({ all: true }) },
  'notifications.settings': { expect: OPERATIONAL_READ },
  'notifications.setMail': { expect: OPERATIONAL_READ, input: () => ({ mail: 'digest' }) },
  // Alert rules: read by operational roles (coordinators those of their divisions), set by leadership and
  // admins; alerts: coordinators see those of their regions (tests/integration/alerts.test.ts), the board none.
  'alerts.rules': { expect: OPERATIONAL_READ },
  'alerts.setRule': { expect: LEADERSHIP_OR_ADMIN, input: () => ({ kind: 'report_overdue', threshold: 30, division: 'mountain' }) },
  'alerts.list': { expect: OPERATIONAL_READ, input: () => ({ recentDays: 7 }) },
  'activity.list': { expect: OPERATIONAL_READ, input: () => ({ division: 'mountain' }) },
  'outreach.list': { expect: OPERATIONAL_READ, input: () => ({ division: 'mountain' }) },
  'outreach.create': {
    expect: REGION_WRITE,
    input: () => ({ occurredOn: '2026-11-20', state: 'CO', format: 'webinar', audience: 'parents', attendees: 12 })
  },
  'outreach.update': { expect: REGION_WRITE, input: async (w) => ({ ...(await w.newOutreach()), changes: { attendees: 40 } }) },
  'outreach.delete': { expect: REGION_WRITE, input: (w) => w.newOutreach() },
  'undo.last': { expect: OPERATIONAL_READ, before: ownRecentChange },
  'sync.since': { expect: OPERATIONAL_READ, input: () => ({ topic: 'dashboard:overview', seq: 0 }) },
  'snapshots.list': { expect: SIGNED_IN, input: () => ({}) },
  'snapshots.get': { expect: SIGNED_IN, input: (w) => ({ id: w.snapshots[0] }) },
  'snapshots.compare': { expect: SIGNED_IN, input: (w) => ({ a: w.snapshots[0], b: w.snapshots[1] }) },
  'snapshots.create': { expect: LEADERSHIP_OR_ADMIN, input: () => ({ title: 'Matrix', period: { kind: 'fiscal_quarter', fiscalYear: 2026, quarter: 1 } }) },
  'snapshots.updateNotes': { expect: LEADERSHIP_OR_ADMIN, input: (w) => ({ id: w.snapshots[0], notes: `Notes ${w.unique()}` }) },
  'snapshots.schedules': { expect: LEADERSHIP_OR_ADMIN },
  'snapshots.setSchedule': { expect: LEADERSHIP_OR_ADMIN, input: () => ({ title: 'Matrix', frequency: 'quarterly', nextRunAt: new Date(Date.now() + 30 * 86_400_000) }) },
  'snapshots.deleteSchedule': {
    expect: LEADERSHIP_OR_ADMIN,
    input: async (w) => ({ id: (await setSchedule(w.db, w.admin, { title: 'Doomed', frequency: 'monthly', nextRunAt: new Date(Date.now() + 30 * 86_400_000), filters: {} })).id })
  },
  'snapshots.shareLinks': { expect: ADMIN_ONLY, input: (w) => ({ snapshotId: w.snapshots[0] }) },
  'snapshots.createShareLink': { expect: ADMIN_ONLY, input: (w) => ({ snapshotId: w.snapshots[0], expiresInDays: 1 }) },
  'snapshots.revokeShareLink': {
    expect: ADMIN_ONLY,
    input: async (w) => ({ id: (await createShareLink(w.db, w.admin, { snapshotId: w.snapshots[0], expiresInDays: 1 })).id })
  },
  'kiosk.list': { expect: ADMIN_ONLY },
  'kiosk.create': { expect: ADMIN_ONLY, input: (w) => ({ label: `Wall ${w.unique()}`, dashboards: ['overview'], rotateSeconds: 30 }) },
  'kiosk.revoke': {
    expect: ADMIN_ONLY,
    input: async (w) => ({ id: (await createKioskLink(w.db, w.admin, { label: `Doomed wall ${w.unique()}`, dashboards: ['funding'], rotateSeconds: 30 })).id })
  },
  'users.list': { expect: ADMIN_ONLY },
  'users.invite': { expect: ADMIN_ONLY, input: (w) => ({ email: `invitee.${w.unique()}@test.example`, role: 'board' }) },
  'users.reissueInvite': { expect: ADMIN_ONLY, input: async (w) => ({ userId: await w.newInvitedUser() }) },
  'users.update': { expect: ADMIN_ONLY, input: async (w) => ({ userId: await w.newInvitedUser(), role: 'leadership' }) },
  'users.deactivate': { expect: ADMIN_ONLY, input: async (w) => ({ userId: await w.newInvitedUser() }) },
  'users.reactivate': { expect: ADMIN_ONLY, input: async (w) => ({ userId: await w.newInvitedUser() }) },
  'users.resetLink': { expect: ADMIN_ONLY, input: async (w) => ({ userId: (await testUser(w.db, 'board')).id }) },
  'users.resetSecondFactor': { expect: ADMIN_ONLY, input: async (w) => ({ userId: (await testUser(w.db, 'board')).id }) }
};

const procedurePaths = Object.keys(appRouter._def.procedures).sort();

async function call(ctxUser: SessionUser | null, h: TestDb, path: string, input: unknown, kiosk: KioskIdentity | null = null): Promise<Outcome> {
  const caller = createCaller({ db: h.db, dbKind: h.kind, user: ctxUser, kiosk });
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
    expect(boardMay).toEqual([
      'auth.changeName', 'auth.changePassword', 'auth.me', 'auth.revokeOtherSessions', 'auth.revokeSession', 'auth.secondFactor',
      'auth.sessions', 'auth.totpConfirm', 'auth.totpEnroll', 'snapshots.compare', 'snapshots.get', 'snapshots.list'
    ]);
  });
  it('lets a device link read its own dashboards and call nothing else', () => {
    expect(procedurePaths.filter((p) => rules[p]?.expect.kiosk === 'ok')).toEqual(['dashboard.aftercare', 'dashboard.overview']);
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
    /** The device link behind the `kiosk` actor, as a screen's page load presents it. */
    let kioskIdentity: KioskIdentity;

    beforeAll(async () => {
      h = await target.open();
      const db = h.db;
      actors = {
        anonymous: null,
        kiosk: null,
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
      const link = await createKioskLink(db, admin, { label: 'Matrix wall', dashboards: ['overview', 'aftercare'], rotateSeconds: 30 });
      const found = await findKioskLink(db, link.token);
      if (found?.status !== 'active') throw new Error('the matrix device link is not active');
      kioskIdentity = found.identity;
      world = {
        db,
        admin,
        snapshots,
        mountain: { state: 'CO', centerId: center.id, needId: need.id },
        unique: () => `${Date.now()}.${++n}`,
        newInvitedUser: async () =>
          (await inviteUser(db, admin, { email: `target.${Date.now()}.${++n}@test.example`, role: 'board', divisions: [], states: [] })).userId,
        newNeed: async () =>
          db.insertInto('aftercare_need').values({ center_id: center.id, title: `Synthetic need ${++n}`, kind: 'equipment' })
            .returning(['id', 'version']).executeTakeFirstOrThrow(),
        newRequest: async () =>
          (await db.insertInto('funding_request').values({ partner_id: center.id, title: `Synthetic request ${++n}`, category: 'aftercare_equipment',
            fiscal_year: 2026, requested_cents: 100_000 }).returning('id').executeTakeFirstOrThrow()).id,
        newDisbursed: async () => {
          const id = (await db.insertInto('funding_request').values({ partner_id: center.id, title: `Synthetic paid request ${++n}`, category: 'aftercare_equipment',
            fiscal_year: 2026, requested_cents: 100_000 }).returning('id').executeTakeFirstOrThrow()).id;
          const lineId = (await db.insertInto('funding_in_kind_line').values({ request_id: id, item: 'lab_equipment', units: 1, unit_cost_cents: 50_000 })
            .returning('id').executeTakeFirstOrThrow()).id;
          const move = (from: 'intake' | 'vetting' | 'approved', to: 'vetting' | 'approved' | 'disbursed', amount: number | null) =>
            db.insertInto('funding_stage_event').values({ request_id: id, from_stage: from, to_stage: to, amount_cents: amount }).returning('id').executeTakeFirstOrThrow();
          await move('intake', 'vetting', null);
          const approvalId = (await move('vetting', 'approved', 100_000)).id;
          await move('approved', 'disbursed', 50_000);
          return { id, approvalId, lineId };
        },
        newPartner: async () =>
          (await db.insertInto('partner').values({ name: `Synthetic partner ${++n}`, kind: 'education_partner', state: 'CO' })
            .returning('id').executeTakeFirstOrThrow()).id,
        newOutreach: async () =>
          db.insertInto('outreach_event').values({ occurred_on: '2026-11-01', state: 'CO', format: 'webinar', audience: 'parents', attendees: 5 })
            .returning(['id', 'version']).executeTakeFirstOrThrow()
      };
    });
    afterAll(() => h?.drop());

    const cases = procedurePaths.filter((p) => p in rules).flatMap((path) => ACTORS.map((actor) => [path, actor] as const));

    it.each(cases)('%s as %s', async (path, actor) => {
      const rule = rules[path];
      const input = rule.input ? await rule.input(world, actors[actor]) : undefined;
      await rule.before?.(world, actors[actor], h);
      expect(await call(actors[actor], h, path, input, actor === 'kiosk' ? kioskIdentity : null)).toBe(rule.expect[actor]);
    });

    it('refuses anonymous callers before looking at their input', async () => {
      expect(await call(null, h, 'users.invite', { email: 'not an email' })).toBe('UNAUTHORIZED');
      expect(await call(actors.board, h, 'users.invite', { nonsense: true })).toBe('FORBIDDEN');
    });
  });
}
