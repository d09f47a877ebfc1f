// Alerts (issue 21 items 1–3), end to end in-process on PGlite and (with TEST_DATABASE_URL) Postgres:
// real tRPC callers as the real roles make each kind's condition true; the change listener (LISTEN on
// change_log) feeds TWO evaluators — on Postgres each with its own connection pool, as two instances
// would be — and the time-based kinds are checked by both at once with the clock moved forward (the
// timer's pass). Exactly one alert opens and is audited; each person in scope (leadership, admin, the
// coordinator of the region) hears it on a real Socket.IO connection to the real socket server within
// a second, and nobody else; their daily digest reaches a real SMTP server; making the condition false
// resolves it (audited); the figures in each sentence are computed here from the definition.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { ZodError } from 'zod';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { createSession } from '../../src/lib/server/auth/session.js';
import { createDb, type DbHandle } from '../../src/lib/server/db/index.js';
import { startChangeListener, type ChangeListener } from '../../src/lib/server/live/change-listener.js';
import { latestChangeSeq } from '../../src/lib/server/live/change-log.repository.js';
import { LiveHub } from '../../src/lib/server/live/live-hub.js';
import { attachSocketHandlers, createSocketServer, type LiveServer } from '../../src/lib/server/live/socket-server.js';
import { AlertEvaluator } from '../../src/lib/server/alerts/alert-evaluator.js';
import { evaluateAlerts } from '../../src/lib/server/alerts/alerts.service.js';
import { runDigests } from '../../src/lib/server/notifications/notifications.service.js';
import { inboxRoom, type ClientToServerEvents, type ServerToClientEvents } from '../../src/lib/realtime/events.js';

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const ZONE = 'America/New_York';
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** The organisation's day (New York), never the UTC date. */
const dayIn = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
/** Noon of a New York day (the same day whatever daylight saving). */
const noonOf = (iso: string) => new Date(`${iso}T12:00:00-05:00`);
const longDay = (iso: string) => `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${Number(iso.slice(8, 10))}, ${iso.slice(0, 4)}`;
const recipients = (m: ParsedMail) => (m.to && 'text' in m.to ? m.to.text : '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const target of targets) {
  describe(`alerts on ${target.name}`, () => {
    let h: TestDb;
    let second: DbHandle | undefined;
    let lead: SessionUser; // leadership: sets rules and budgets
    let admin: SessionUser;
    let mountain: SessionUser; // coordinator of the Mountain division (Utah's)
    let northeast: SessionUser; // coordinator of New England: never in scope here
    let board: SessionUser;
    let L: Caller;
    let A: Caller;
    let M: Caller;
    let N: Caller;
    let B: Caller;
    let labId: number;
    let agencyId: number;
    let centerId: number;
    let httpServer: http.Server;
    let io: LiveServer;
    let hub: LiveHub;
    let stopSockets: () => void;
    let listener: ChangeListener;
    let evA: AlertEvaluator;
    let evB: AlertEvaluator;
    let clock = new Date();
    let baseUrl: string;
    const sockets: Record<string, Client> = {};
    let smtp: SMTPServer;
    let smtpUrl: string;
    const received: ParsedMail[] = [];
    let digestDay = 0;
    const today = dayIn(new Date());
    const fiscalYear = Number(today.slice(0, 4)); // BEACON_FY_START_MONTH defaults to January

    const inScope = () => ({ lead, admin, mountain });
    const settle = async () => {
      const seq = await latestChangeSeq(h.db);
      const end = Date.now() + 15_000;
      while (listener.lastSeq < seq) {
        if (Date.now() > end) throw new Error('the change listener did not catch up');
        await sleep(10);
      }
      await Promise.all([evA.idle(), evB.idle()]);
    };
    /** The timer's pass on both instances at once, at the test's clock. */
    const tickBoth = () => Promise.all([evA.checkAll(), evB.checkAll()]);
    const inboxChanged = (who: string, timeoutMs: number) =>
      new Promise<number>((resolve, reject) => {
        const started = Date.now();
        const s = sockets[who];
        const timer = setTimeout(() => {
          s.off('inbox:changed', on);
          reject(new Error(`${who} heard nothing on their inbox within ${timeoutMs} ms`));
        }, timeoutMs);
        const on = () => {
          clearTimeout(timer);
          s.off('inbox:changed', on);
          resolve(Date.now() - started);
        };
        s.on('inbox:changed', on);
      });
    const heard = (who: string) => {
      const seen: number[] = [];
      sockets[who].on('inbox:changed', () => seen.push(Date.now()));
      return seen;
    };
    const alertsOf = async (ruleId: number) => {
      const all = await L.alerts.list({ recentDays: 30 });
      return { open: all.open.filter((a) => a.ruleId === ruleId), resolved: all.resolved.filter((a) => a.ruleId === ruleId) };
    };
    const auditCount = async (action: string, alertId: number) =>
      Number((await h.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('action', '=', action)
        .where('entity', '=', 'alert').where('entity_id', '=', String(alertId)).executeTakeFirstOrThrow()).n);
    const alertNotices = async (c: Caller, alertId: number) =>
      (await c.notifications.list({ limit: 100 })).items.filter((n) => n.kind === 'alert' && n.subjectId === String(alertId));

    /**
     * Runs `act` (which makes the condition true) and checks: exactly one open alert for the rule with
     * this sentence, audited once, each person in scope told live within a second and in their inbox,
     * nobody else; then each in-scope person's digest carries the sentence to the SMTP server.
     */
    async function expectFires(ruleId: number, act: () => Promise<unknown>, sentence: string, scope: Record<string, SessionUser>, callers: Record<string, Caller>) {
      const outsiders = Object.keys(sockets).filter((w) => !(w in scope));
      const outsiderHeard = Object.fromEntries(outsiders.map((w) => [w, heard(w)]));
      const waits = Object.keys(scope).map((w) => inboxChanged(w, 1_000));
      await act();
      const latencies = await Promise.all(waits);
      await settle();
      // Quiet: a further pass of both instances opens nothing new.
      await tickBoth();
      const { open } = await alertsOf(ruleId);
      expect(open.map((a) => a.message)).toEqual([sentence]);
      const alert = open[0];
      expect(await auditCount('alerts.fire', alert.id)).toBe(1);
      for (const [who, c] of Object.entries(callers)) {
        const notes = await alertNotices(c, alert.id);
        expect(notes.map((n) => n.text), who).toEqual(who in scope ? [`Alert: ${sentence}`] : []);
      }
      for (const w of outsiders) expect(outsiderHeard[w], `${w} must not hear of it`).toEqual([]);
      // Board members and coordinators elsewhere do not see it in the alert list either.
      expect((await N.alerts.list({})).open.some((a) => a.id === alert.id)).toBe(false);
      expect((await M.alerts.list({})).open.some((a) => a.id === alert.id)).toBe('mountain' in scope);
      // The daily digest (each test its own day, as each person gets one digest a day).
      const day = addDays(today, 40 + digestDay++);
      const before = received.length;
      await runDigests(h.db, { now: noonOf(day), timeZone: ZONE, digestHour: 7, settings: { smtpUrl, from: 'Beacon <beacon@test.example>' } });
      const mails = received.slice(before);
      for (const u of Object.values(scope)) {
        const mine = mails.filter((m) => recipients(m) === u.email);
        expect(mine.length, `digest to ${u.email}`).toBe(1);
        expect(mine[0].text).toContain(`Alert: ${sentence}`);
      }
      for (const m of mails) expect(Object.values(scope).map((u) => u.email)).toContain(recipients(m));
      return { alert, latencies };
    }

    async function expectResolves(ruleId: number, alertId: number, act: () => Promise<unknown>, scope: Record<string, SessionUser>) {
      const waits = Object.keys(scope).map((w) => inboxChanged(w, 5_000));
      await act();
      await Promise.all(waits);
      await settle();
      const { open, resolved } = await alertsOf(ruleId);
      expect(open).toEqual([]);
      expect(resolved.map((a) => a.id)).toContain(alertId);
      expect(resolved.find((a) => a.id === alertId)!.resolvedAt).not.toBeNull();
      expect(await auditCount('alerts.resolve', alertId)).toBe(1);
    }

    const rule = async (input: Parameters<Caller['alerts']['setRule']>[0]) => (await L.alerts.setRule(input)).id;
    const off = async (id: number, kind: Parameters<Caller['alerts']['setRule']>[0]['kind'], threshold: number) =>
      L.alerts.setRule({ id, kind, threshold, enabled: false });

    beforeAll(async () => {
      h = await target.open();
      lead = await testUser(h.db, 'leadership');
      admin = await testUser(h.db, 'admin');
      mountain = await testUser(h.db, 'coordinator', { divisions: ['mountain'] });
      northeast = await testUser(h.db, 'coordinator', { divisions: ['new-england'] });
      board = await testUser(h.db, 'board');
      [L, A, M, N, B] = [lead, admin, mountain, northeast, board].map((user) => createCaller({ db: h.db, dbKind: h.kind, user }));
      for (const c of [L, A, M, N]) await c.notifications.setMail({ mail: 'digest' });
      const partner = async (name: string, kind: 'forensic_lab' | 'law_enforcement_agency' | 'aftercare_center') =>
        Number((await h.db.insertInto('partner').values({ name, kind, state: 'UT', vetting_status: 'vetted', vetted_at: new Date(), vetted_until: addDays(today, 400) })
          .returning('id').executeTakeFirstOrThrow()).id);
      labId = await partner('Synthetic Wasatch Lab', 'forensic_lab');
      agencyId = await partner('Synthetic Ogden Police', 'law_enforcement_agency');
      centerId = await partner('Synthetic Juniper House', 'aftercare_center');

      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, _session, callback) {
          simpleParser(stream).then((parsed) => {
            received.push(parsed);
            callback();
          }, callback);
        }
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

      // The live engine's parts, as live/index.ts wires them: socket server, hub, change listener.
      httpServer = http.createServer();
      await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
      io = createSocketServer(httpServer);
      const startSeq = await latestChangeSeq(h.db);
      hub = new LiveHub(io, h.db, { tickMs: 50, fiscalYearStartMonth: 1, startSeq });
      stopSockets = attachSocketHandlers({ io, db: h.db, hub, handshake: { origin: undefined } });
      // Two instances: on Postgres the second evaluator has its own pool (its own connections).
      second = h.url ? await createDb({ url: h.url }) : undefined;
      evA = new AlertEvaluator(h.db, { fiscalYearStartMonth: 1, intervalMs: 0, now: () => clock });
      evB = new AlertEvaluator(second?.db ?? h.db, { fiscalYearStartMonth: 1, intervalMs: 0, now: () => clock });
      listener = startChangeListener({
        handle: h,
        databaseUrl: h.url,
        afterSeq: startSeq,
        onChanges: (changes, at) => {
          hub.onChanges(changes, at);
          evA.onChanges(changes);
          evB.onChanges(changes);
        },
        onInbox: (userId) => hub.onInbox(userId)
      });
      await listener.ready;
      for (const [who, u] of Object.entries({ lead, admin, mountain, northeast })) {
        const { token } = await createSession(h.db, u.id);
        const s: Client = ioClient(baseUrl, { transports: ['websocket'], extraHeaders: { cookie: `beacon_session=${token}`, origin: baseUrl }, reconnection: false, forceNew: true });
        await new Promise<void>((resolve, reject) => {
          s.once('connect', () => resolve());
          s.once('connect_error', reject);
        });
        const joined = await s.timeout(10_000).emitWithAck('room:join', { room: inboxRoom(u.id) });
        expect(joined.ok, who).toBe(true);
        sockets[who] = s;
      }
    }, 120_000);

    afterAll(async () => {
      Object.values(sockets).forEach((s) => s.close());
      await evA?.stop();
      await evB?.stop();
      await listener?.stop();
      stopSockets?.();
      hub?.stop();
      await io?.close();
      await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
      await second?.close();
      await h?.drop();
    });

    const callers = () => ({ lead: L, admin: A, mountain: M, northeast: N });

    it('budget commitment above a share of a program area’s budget (leadership and admins only: budgets are organisation-wide)', async () => {
      clock = new Date();
      const ruleId = await rule({ kind: 'budget_commitment', threshold: 90, programArea: 'forensic_labs' });
      await L.budgets.set({ fiscalYear, programArea: 'forensic_labs', amountCents: 10_000_000 });
      const request = await M.funding.create({ partnerId: labId, title: 'Synthetic lab imaging station', category: 'lab_equipment', programArea: 'forensic_labs',
        requestedCents: 9_500_000, purpose: 'Imaging for device extraction' });
      await L.funding.advance({ id: request.id, from: 'intake', to: 'vetting' });
      await settle();
      expect((await alertsOf(ruleId)).open).toEqual([]);
      // $95,000 of $100,000 = 95% committed, above 90%.
      const { alert } = await expectFires(ruleId, () => L.funding.advance({ id: request.id, from: 'vetting', to: 'approved', amountCents: 9_500_000 }),
        `The forensic labs budget for FY${fiscalYear} is 95% committed: $95,000 of $100,000, above the 90% alert line.`, { lead, admin }, callers());
      expect(alert.details).toMatchObject({ Budget: '$100,000', Committed: '$95,000' });
      // A larger budget: $95,000 of $120,000 = 79.2%, below the line.
      await expectResolves(ruleId, alert.id, () => L.budgets.set({ fiscalYear, programArea: 'forensic_labs', amountCents: 12_000_000 }), { lead, admin });
      await off(ruleId, 'budget_commitment', 90);
      await L.funding.advance({ id: request.id, from: 'approved', to: 'declined', reason: 'Synthetic: the lab found another donor' });
    });

    it('a critical need past its needed-by date (the timer finds it; both instances tick at once)', async () => {
      clock = new Date();
      const ruleId = await rule({ kind: 'critical_need_overdue', threshold: 0, division: 'mountain' });
      const neededBy = addDays(today, 2);
      const need = await M.needs.create({ centerId, title: 'Synthetic crisis beds', kind: 'equipment', priority: 'critical', neededBy });
      await settle();
      expect((await alertsOf(ruleId)).open).toEqual([]);
      // Three days on: one day past the needed-by date.
      const later = addDays(today, 3);
      const { alert } = await expectFires(ruleId, () => {
        clock = noonOf(later);
        return tickBoth();
      }, `Critical need “Synthetic crisis beds” at Synthetic Juniper House (UT) is ${daysBetween(neededBy, later)} day past its needed-by date, ${longDay(neededBy)}.`,
      inScope(), callers());
      expect(alert.link).toBe(`/needs?division=mountain&need=${need.id}`);
      // A later needed-by date (a committed change: re-checked at once) clears it.
      await expectResolves(ruleId, alert.id, () => M.needs.update({ id: need.id, version: need.version, changes: { neededBy: addDays(today, 30) } }), inScope());
      await off(ruleId, 'critical_need_overdue', 0);
    });

    it('a request in one stage longer than N days', async () => {
      clock = new Date();
      const ruleId = await rule({ kind: 'request_stage_too_long', threshold: 30 });
      const request = await M.funding.create({ partnerId: agencyId, title: 'Synthetic extraction licences', category: 'extraction_software', programArea: 'law_enforcement',
        requestedCents: 1_200_000, purpose: 'Licences for the task force' });
      await settle();
      expect((await alertsOf(ruleId)).open).toEqual([]);
      const entered = (await h.db.selectFrom('funding_request').select('stage_entered_at').where('id', '=', request.id).executeTakeFirstOrThrow()).stage_entered_at;
      const later = new Date(entered.getTime() + 31 * 86_400_000 + 3_600_000);
      const { alert } = await expectFires(ruleId, () => {
        clock = later;
        return tickBoth();
      }, `Request “Synthetic extraction licences” (Synthetic Ogden Police, UT) has been in intake for 31 days, longer than the 30-day alert line.`, inScope(), callers());
      // Moved on to vetting (today): the intake wait is over.
      clock = new Date();
      await expectResolves(ruleId, alert.id, () => L.funding.advance({ id: request.id, from: 'intake', to: 'vetting' }), inScope());
      await off(ruleId, 'request_stage_too_long', 30);
    });

    it('a center without survivor counts N days after a month ends', async () => {
      clock = new Date();
      const ruleId = await rule({ kind: 'survivor_counts_missing', threshold: 10, division: 'mountain' });
      await settle();
      expect((await alertsOf(ruleId)).open).toEqual([]);
      // This month's last day + 10 days: the center (existing since today) owes this month's counts.
      const month = today.slice(0, 7);
      const nextMonth = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10);
      const lastDay = addDays(nextMonth, -1);
      const due = addDays(lastDay, 10);
      const { alert } = await expectFires(ruleId, () => {
        clock = noonOf(due);
        return tickBoth();
      }, `Synthetic Juniper House (UT) has not reported survivor counts for ${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}, 10 days after the month ended.`,
      inScope(), callers());
      // One day earlier it was not yet due: a pass at that clock resolves nothing new and opens nothing.
      await expectResolves(ruleId, alert.id, () => M.survivorCounts.set({ centerId, month, served: 12, newIntakes: 3, bedNights: 240, exitsToSafeHousing: 1 }), inScope());
      clock = new Date();
      await off(ruleId, 'survivor_counts_missing', 10);
    });

    it('a grantee report overdue', async () => {
      clock = new Date();
      const ruleId = await rule({ kind: 'report_overdue', threshold: 0, division: 'mountain' });
      const request = await M.funding.create({ partnerId: agencyId, title: 'Synthetic K9 handler course', category: 'training_scholarship', programArea: 'law_enforcement',
        requestedCents: 500_000, purpose: 'Two handler seats' });
      await L.funding.advance({ id: request.id, from: 'intake', to: 'vetting' });
      await L.funding.advance({ id: request.id, from: 'vetting', to: 'approved', amountCents: 500_000, reason: 'Synthetic: approved above the remaining budget' });
      const dueOn = addDays(today, 5);
      await L.funding.advance({ id: request.id, from: 'approved', to: 'disbursed', amountCents: 500_000, paidOn: today, reportDueOn: dueOn });
      await settle();
      expect((await alertsOf(ruleId)).open).toEqual([]);
      const later = addDays(today, 7);
      const { alert } = await expectFires(ruleId, () => {
        clock = noonOf(later);
        return tickBoth();
      }, `The grantee report for “Synthetic K9 handler course” (Synthetic Ogden Police, UT) was due ${longDay(dueOn)} and is ${daysBetween(dueOn, later)} days overdue.`,
      inScope(), callers());
      await expectResolves(ruleId, alert.id, () => L.funding.advance({ id: request.id, from: 'disbursed', to: 'reported' }), inScope());
      clock = new Date();
      await off(ruleId, 'report_overdue', 0);
    });

    it('outreach behind its goal’s pace by more than a share', async () => {
      clock = new Date();
      const ruleId = await rule({ kind: 'outreach_pace', threshold: 25, division: 'mountain' });
      const goal = 36_500;
      // The fiscal year is the calendar year: the pace today is the goal × the days gone (today included) ÷ the year's days.
      const start = `${fiscalYear}-01-01`;
      const yearDays = daysBetween(start, `${fiscalYear + 1}-01-01`);
      const pace = (goal * (daysBetween(start, today) + 1)) / yearDays;
      const words = (n: number) => `${Math.round(n).toLocaleString('en-US')} ${Math.round(n) === 1 ? 'person' : 'people'}`;
      const { alert } = await expectFires(ruleId, () => L.goals.set({ division: 'mountain', fiscalYear, peopleGoal: goal }),
        `Mountain outreach has reached 0 people against a pace of ${words(pace)} for its goal of ${words(goal)} (${longDay(start)} to ${longDay(`${fiscalYear}-12-31`)}): 100% behind, more than the 25% alert line.`,
        inScope(), callers());
      // 80% of the pace reached: 20% behind, within the line.
      await expectResolves(ruleId, alert.id, () => M.outreach.create({ occurredOn: today, state: 'UT', format: 'school_assembly', audience: 'students', attendees: Math.ceil(pace * 0.8) }), inScope());
      await off(ruleId, 'outreach_pace', 25);
    });

    it('fires once when two instances evaluate the same condition at the same moment, many times over', async () => {
      clock = new Date();
      const ruleId = await rule({ kind: 'critical_need_overdue', threshold: 0 });
      await settle();
      const need = await M.needs.create({ centerId, title: 'Synthetic race blankets', kind: 'basic_needs', basicNeedType: 'clothing', priority: 'critical', neededBy: addDays(today, 1) });
      await settle();
      const later = noonOf(addDays(today, 4));
      const dbs = [h.db, second?.db ?? h.db];
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => evaluateAlerts(dbs[i % 2], { fiscalYearStartMonth: 1, now: later, mail: false })));
      expect(results.flatMap((r) => r.fired)).toHaveLength(1);
      const { open } = await alertsOf(ruleId);
      expect(open).toHaveLength(1);
      // The partial unique index refuses a second open alert for the same rule and condition.
      const dup = await h.db.insertInto('alert').values({ rule_id: ruleId, condition_key: `need:${need.id}`, message: 'Synthetic duplicate', link: '/alerts' })
        .execute().then(() => null, (e: Error) => e);
      expect(dup?.message).toMatch(/alert_one_open|duplicate key/);
      // Turning the rule off closes its alert (audited), and nobody is told of it again.
      await off(ruleId, 'critical_need_overdue', 0);
      expect((await alertsOf(ruleId)).open).toEqual([]);
      expect(await auditCount('alerts.resolve', open[0].id)).toBe(1);
      await M.needs.move({ id: need.id, version: need.version, to: 'cancelled' });
      await settle();
    });

    it('rules: leadership and admins set them with plain messages beside the fields; coordinators read; the board sees no alerts', async () => {
      const fields = (p: Promise<unknown>) => p.then(() => null, (e: { cause?: unknown }) =>
        e.cause instanceof ZodError ? e.cause.flatten().fieldErrors : ((e.cause as { details?: { fieldErrors?: Record<string, string[]> } })?.details?.fieldErrors ?? null));
      expect((await fields(L.alerts.setRule({ kind: 'request_stage_too_long', threshold: 2.5, division: 'mountain' })))?.threshold).toEqual(['Enter a whole number of days.']);
      expect((await fields(A.alerts.setRule({ kind: 'budget_commitment', threshold: 80, division: 'mountain' })))?.division)
        .toEqual(['Budgets are organisation-wide: scope this rule by program area, not by division.']);
      expect((await fields(A.alerts.setRule({ kind: 'outreach_pace', threshold: 150 })))?.threshold).toEqual(['Use at most 100%.']);
      expect((await fields(A.alerts.setRule({ kind: 'survivor_counts_missing', threshold: -1 })))?.threshold).toEqual(['Use at least 0 days.']);
      await expect(M.alerts.setRule({ kind: 'report_overdue', threshold: 3 })).rejects.toThrow();
      await expect(B.alerts.list({})).rejects.toThrow();
      const made = await A.alerts.setRule({ kind: 'report_overdue', threshold: 14, division: 'new-england' });
      expect(made).toMatchObject({ label: 'Grantee report overdue', sentence: 'A grantee report is more than 14 days past its due date', scopeWords: 'Division: New England', enabled: true });
      expect((await N.alerts.rules()).rules.map((r) => r.id)).toContain(made.id);
      expect((await M.alerts.rules()).rules.map((r) => r.id)).not.toContain(made.id);
      const changed = await L.alerts.setRule({ id: made.id, kind: 'report_overdue', threshold: 21, division: 'new-england', enabled: false });
      expect(changed).toMatchObject({ threshold: 21, enabled: false });
      const audits = await h.db.selectFrom('audit_log').select(['action', 'before', 'after']).where('entity', '=', 'alert_rule').where('entity_id', '=', String(made.id)).orderBy('id').execute();
      expect(audits.map((a) => a.action)).toEqual(['alerts.setRule', 'alerts.setRule']);
      expect(audits[1].before).toMatchObject({ threshold_days: 14, enabled: true });
      expect(audits[1].after).toMatchObject({ threshold_days: 21, enabled: false });
    });
  });
}
