// Notifications through tRPC and a real SMTP server: who is told what (a mention, a need assigned to
// them, a comment on something they follow — never the author), each person reads and marks only
// their own, the database announces new rows on beacon_inbox, instant mail goes out once per
// notification and never to people who turned mail off, and the daily digest sends one mail per
// person per day even when two instances run it at once, without a backlog after downtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { targets, type TestDb } from '../helpers/db.js';
import { testUser } from '../helpers/auth.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import type { SessionUser } from '../../src/lib/server/auth/access.js';
import { mailInstant, runDigests } from '../../src/lib/server/notifications/notifications.service.js';
import { startChangeListener } from '../../src/lib/server/live/change-listener.js';

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

const recipients = (m: ParsedMail) => (m.to && 'text' in m.to ? m.to.text : '');

for (const target of targets) {
  describe(`notifications on ${target.name}`, () => {
    let h: TestDb;
    let ana: SessionUser; // a Mountain coordinator: writes the comments
    let ben: SessionUser; // a Mountain coordinator: mentioned, instant mail
    let cleo: SessionUser; // leadership: mentioned, mail off
    let dev: SessionUser; // a Mountain coordinator: created the need (a follower), daily digest
    let A: Caller;
    let B: Caller;
    let C: Caller;
    let D: Caller;
    let centerId: number;
    let smtp: SMTPServer;
    let smtpUrl: string;
    const received: ParsedMail[] = [];
    const mail = () => ({ smtpUrl, from: 'Beacon <beacon@test.example>' });
    const mailsTo = (u: SessionUser, since = 0) => received.slice(since).filter((m) => recipients(m) === u.email);

    beforeAll(async () => {
      h = await target.open();
      ana = await testUser(h.db, 'coordinator', { divisions: ['mountain'] });
      ben = await testUser(h.db, 'coordinator', { divisions: ['mountain'] });
      cleo = await testUser(h.db, 'leadership');
      dev = await testUser(h.db, 'coordinator', { divisions: ['mountain'] });
      [A, B, C, D] = [ana, ben, cleo, dev].map((user) => createCaller({ db: h.db, dbKind: h.kind, user }));
      centerId = (await h.db.insertInto('partner').values({ name: 'Synthetic Juniper House', kind: 'aftercare_center', state: 'UT' })
        .returning('id').executeTakeFirstOrThrow()).id;
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
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await h?.drop();
    });

    it('tells the mentioned and the followers, never the author; each reads and marks only their own', async () => {
      const need = await D.needs.create({ centerId, title: 'Synthetic bunk beds', kind: 'equipment' });
      await A.comments.add({ entity: 'need', id: need.id, body: `@${ben.displayName} @${cleo.displayName} can you check the count?`, mentions: [ben.id, cleo.id] });

      const b = await B.notifications.list({});
      expect(b.unread).toBe(1);
      expect(b.items[0]).toMatchObject({ kind: 'mention', subjectType: 'need', subjectId: String(need.id), actorName: ana.displayName, readAt: null });
      expect(b.items[0].text).toBe(`${ana.displayName} mentioned you on Synthetic bunk beds (Synthetic Juniper House): “@${ben.displayName} @${cleo.displayName} can you check the count?”`);
      expect(b.items[0].link).toBe(`/needs?division=mountain&need=${need.id}`);
      expect((await C.notifications.list({})).items.map((n) => n.kind)).toEqual(['mention']);
      // Dev created the need: a follower, told of the comment (not as a mention).
      const d = await D.notifications.list({});
      expect(d.items.map((n) => n.kind)).toEqual(['comment']);
      expect(d.items[0].text).toMatch(/commented on Synthetic bunk beds \(Synthetic Juniper House\), which you follow/);
      expect((await A.notifications.list({})).unread).toBe(0);

      // Ben answers: Ana (commented) and Dev (created) follow it; Ben himself is not told.
      await B.comments.add({ entity: 'need', id: need.id, body: 'Counted: twelve.' });
      expect((await A.notifications.list({})).items.map((n) => n.kind)).toEqual(['comment']);
      expect((await D.notifications.list({})).unread).toBe(2);
      expect((await B.notifications.list({})).unread).toBe(1);

      // Marking someone else's notification read changes nothing, for them or for the caller.
      const bensId = b.items[0].id;
      expect(await A.notifications.markRead({ ids: [bensId] })).toEqual({ marked: 0, unread: 1 });
      expect((await B.notifications.list({})).items[0].readAt).toBeNull();
      // Lists never include another person's rows, whatever the paging.
      const all = await A.notifications.list({ limit: 100 });
      expect(all.items.every((n) => n.actorName !== ana.displayName)).toBe(true);
      expect(all.items.some((n) => n.id === bensId)).toBe(false);
      expect(await B.notifications.markRead({ ids: [bensId] })).toEqual({ marked: 1, unread: 0 });
      expect(await D.notifications.markRead({ all: true })).toEqual({ marked: 2, unread: 0 });
      expect((await D.notifications.list({ unreadOnly: true })).items).toEqual([]);
    });

    it('tells a person a need was assigned to them (not when they took it themselves), and they then follow it', async () => {
      const need = await A.needs.create({ centerId, title: 'Synthetic winter coats', kind: 'basic_needs', basicNeedType: 'clothing' });
      const before = (await B.notifications.list({})).unread;
      const assigned = await A.needs.assign({ id: need.id, version: need.version, assigneeId: ben.id });
      expect(assigned).toMatchObject({ assignedTo: ben.id, version: need.version + 1 });
      const b = await B.notifications.list({});
      expect(b.unread).toBe(before + 1);
      expect(b.items[0]).toMatchObject({ kind: 'assigned', text: `${ana.displayName} assigned Synthetic winter coats (Synthetic Juniper House) to you` });
      // Someone outside the region cannot be given it.
      const outsider = await testUser(h.db, 'coordinator', { divisions: ['new-england'] });
      const refused = await A.needs.assign({ id: need.id, version: assigned.version, assigneeId: outsider.id }).then(() => null, (e: Error) => e);
      expect(refused?.message).toBe('Choose a colleague who works on this region.');
      // Taking it oneself tells nobody; the assignee now follows the need's comments.
      await B.needs.assign({ id: need.id, version: assigned.version, assigneeId: ben.id }).catch(() => undefined);
      expect((await B.notifications.list({})).unread).toBe(before + 1);
      await A.comments.add({ entity: 'need', id: need.id, body: 'Sizes are in the sheet.' });
      expect((await B.notifications.list({})).items[0]).toMatchObject({ kind: 'comment' });
    });

    it('announces new rows on beacon_inbox, one message per person', async () => {
      const heard: string[] = [];
      const listener = startChangeListener({ handle: h, databaseUrl: h.url, afterSeq: Number.MAX_SAFE_INTEGER, onChanges: () => undefined, onInbox: (u) => heard.push(u) });
      await listener.ready;
      try {
        const need = await A.needs.create({ centerId, title: 'Synthetic kettles', kind: 'equipment' });
        await A.comments.add({ entity: 'need', id: need.id, body: `@${ben.displayName} and @${cleo.displayName}`, mentions: [ben.id, cleo.id] });
        await expect.poll(() => [...heard].sort(), { timeout: 10_000 }).toEqual([ben.id, cleo.id].sort());
      } finally {
        await listener.stop();
      }
    });

    it('mails each new notification once to people who chose instant mail, never to those who turned it off', async () => {
      await C.notifications.setMail({ mail: 'off' });
      await D.notifications.setMail({ mail: 'digest' });
      expect((await C.notifications.settings()).mail).toBe('off');
      const need = await D.needs.create({ centerId, title: 'Synthetic bus passes', kind: 'basic_needs', basicNeedType: 'transportation' });
      const since = received.length;
      await A.comments.add({ entity: 'need', id: need.id, body: `@${ben.displayName} @${cleo.displayName} passes arrive Monday`, mentions: [ben.id, cleo.id] });
      const ids = (await h.db.selectFrom('notification').select('id').where('subject_id', '=', String(need.id)).execute()).map((r) => Number(r.id));
      expect(ids).toHaveLength(3); // Ben, Cleo (mentions), Dev (creator)
      // Two senders at once (two instances, or a retry): each notification is claimed by one.
      const [first, second] = await Promise.all([mailInstant(h.db, ids, mail()), mailInstant(h.db, ids, mail())]);
      expect(first + second).toBe(1);
      expect(await mailInstant(h.db, ids, mail())).toBe(0);
      await expect.poll(() => received.length - since, { timeout: 10_000 }).toBe(1);
      const [toBen] = mailsTo(ben, since);
      expect(toBen.subject).toMatch(/^Beacon: .*mentioned you on Synthetic bus passes/);
      expect(toBen.text).toContain(`/needs?division=mountain&need=${need.id}`);
      expect(mailsTo(cleo, since)).toHaveLength(0);
      expect(mailsTo(dev, since)).toHaveLength(0); // digest: not now
    });

    it('sends one digest per person per day, even from two instances at once, and no backlog after downtime', async () => {
      const eve = await testUser(h.db, 'coordinator', { divisions: ['mountain'] });
      const E = createCaller({ db: h.db, dbKind: h.kind, user: eve });
      await E.notifications.setMail({ mail: 'digest' });
      const need = await A.needs.create({ centerId, title: 'Synthetic sleeping bags', kind: 'equipment' });
      await A.comments.add({ entity: 'need', id: need.id, body: `@${eve.displayName} @${dev.displayName} two boxes came in`, mentions: [eve.id, dev.id] });
      await A.comments.add({ entity: 'need', id: need.id, body: `@${eve.displayName} and two more`, mentions: [eve.id] });
      const opts = { timeZone: 'America/New_York', digestHour: 7, settings: mail() };
      const since = received.length;

      // Before the digest hour (06:30 in New York): nothing.
      expect((await runDigests(h.db, { ...opts, now: new Date('2031-03-03T11:30:00Z') })).sent).toEqual([]);
      // 07:30 in New York, two instances at once: one mail each for Dev and Eve.
      const at = new Date('2031-03-03T12:30:00Z');
      const [x, y] = await Promise.all([runDigests(h.db, { ...opts, now: at }), runDigests(h.db, { ...opts, now: at })]);
      expect([...x.sent, ...y.sent].sort()).toEqual([dev.id, eve.id].sort());
      await expect.poll(() => received.length - since, { timeout: 10_000 }).toBe(2);
      const [toEve] = mailsTo(eve, since);
      expect(toEve.subject).toBe('Beacon: 2 unread notifications (2031-03-03)');
      expect(toEve.text).toContain('two boxes came in');
      expect(toEve.text).toContain('and two more');
      expect(mailsTo(dev, since)).toHaveLength(1);
      // Later the same day, with something new: today's digest went out already.
      await A.comments.add({ entity: 'need', id: need.id, body: `@${eve.displayName} one more thing`, mentions: [eve.id] });
      expect((await runDigests(h.db, { ...opts, now: new Date('2031-03-03T22:00:00Z') })).sent).toEqual([]);
      // Downtime: no server ran for four days. The next pass sends today's one mail, not four.
      const after = received.length;
      const back = await runDigests(h.db, { ...opts, now: new Date('2031-03-07T13:00:00Z') });
      expect(back.sent).toEqual([eve.id]);
      await expect.poll(() => received.length - after, { timeout: 10_000 }).toBe(1);
      expect(mailsTo(eve, after)[0].subject).toBe('Beacon: 1 unread notification (2031-03-07)');
      // Nothing unread and unmailed: no mail the next day.
      expect((await runDigests(h.db, { ...opts, now: new Date('2031-03-08T13:00:00Z') })).sent).toEqual([]);
      // People who chose instant or off get no digest.
      expect(received.slice(since).some((m) => [ben.email, cleo.email].includes(recipients(m)))).toBe(false);
    });

    it('refuses a mail setting that is not one of the three, in plain words', async () => {
      const err = await B.notifications.setMail({ mail: 'hourly' as 'off' }).then(() => null, (e: Error) => e);
      expect(err?.message).toMatch(/Choose instant, daily digest or off/);
      expect((await B.notifications.settings()).mail).toBe('instant');
    });
  });
}
