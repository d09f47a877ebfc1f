// Notifications: a person's own inbox (only ever their own rows), their mail setting, and the
// notices other domains raise (a mention, an assignment, a comment on something they follow). Rows
// are written in the caller's transaction; the database announces them to the live hub. Mail goes
// out after the commit through the one mail module: at once for people who chose instant mail, in a
// daily digest for the others who asked for one, never for people who turned it off.
import type { Db } from '../db/index.js';
import { assertRole, OPERATIONAL_ROLES, type SessionUser } from '../auth/access.js';
import { recordAudit } from '../audit/audit.repository.js';
import { config } from '../config.js';
import { mailEnabled, mailSettings, sendMail, type MailSettings } from '../mail/mail.js';
import { componentLog } from '../log.js';
import * as repo from './notifications.repository.js';
import type { MailMode, NotificationInsert } from './notifications.repository.js';

const log = componentLog('notifications');

// ── A person's own inbox ────────────────────────────────────────────────────────────────────────

export async function listNotifications(db: Db, actor: SessionUser, input: { limit: number; unreadOnly: boolean; before?: number }) {
  assertRole(actor, OPERATIONAL_ROLES);
  const [items, unread] = await Promise.all([repo.listFor(db, actor.id, input), repo.unreadCount(db, actor.id)]);
  return { items, unread };
}

/** Marks the caller's own notifications read (ids that are not theirs change nothing). */
export async function markNotificationsRead(db: Db, actor: SessionUser, input: { ids: number[] } | { all: true }) {
  assertRole(actor, OPERATIONAL_ROLES);
  const marked = await repo.markRead(db, actor.id, 'all' in input ? 'all' : input.ids);
  return { marked, unread: await repo.unreadCount(db, actor.id) };
}

export async function notificationSettings(db: Db, actor: SessionUser) {
  assertRole(actor, OPERATIONAL_ROLES);
  return { mail: await repo.mailModeOf(db, actor.id), mailEnabled: mailEnabled(), digestHour: config().digestHour, timeZone: config().timeZone };
}

export async function setNotificationMail(db: Db, actor: SessionUser, mail: MailMode) {
  assertRole(actor, OPERATIONAL_ROLES);
  await db.transaction().execute(async (tx) => {
    const before = await repo.setMailMode(tx, actor.id, mail);
    await recordAudit(tx, { actorId: actor.id, action: 'notifications.setMail', entity: 'notification_setting', entityId: actor.id, before: { mail: before ?? 'instant' }, after: { mail } });
  });
  return { mail };
}

// ── Raising notices (called by other domains inside their write transaction) ─────────────────────

const quote = (s: string, max = 140) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export interface CommentNotice {
  entity: 'need' | 'funding';
  id: number;
  /** Division of the row's state, for the link. */
  link: string;
  actor: Pick<SessionUser, 'id' | 'displayName'>;
  body: string;
  mentions: string[];
}

/**
 * A new comment: everyone @mentioned gets a "mentioned you" notice; everyone else who follows the
 * row (created it, is assigned to it, commented on it) gets a "commented" notice. Never the author.
 */
export async function noticesForComment(tx: Db, c: CommentNotice): Promise<number[]> {
  const subject = await repo.subjectWords(tx, c.entity, c.id);
  if (!subject) return [];
  const what = `${subject.title} (${subject.place})`;
  const followers = c.entity === 'need' ? await repo.needFollowers(tx, c.id) : await repo.fundingFollowers(tx, c.id);
  const mentioned = new Set(c.mentions.filter((m) => m !== c.actor.id));
  const others = new Set(followers.filter((f) => f !== c.actor.id && !mentioned.has(f)));
  const people = await repo.activeOperational(tx, [...mentioned, ...others]);
  const rows: NotificationInsert[] = people.map((p) => ({
    user_id: p.id,
    kind: mentioned.has(p.id) ? 'mention' : 'comment',
    subject_type: c.entity,
    subject_id: String(c.id),
    link: c.link,
    actor_id: c.actor.id,
    text: mentioned.has(p.id)
      ? `${c.actor.displayName} mentioned you on ${what}: “${quote(c.body)}”`
      : `${c.actor.displayName} commented on ${what}, which you follow: “${quote(c.body)}”`
  }));
  return repo.insertNotifications(tx, rows);
}

/** A need assigned to someone (not by themselves): they are told who gave it to them. */
export async function noticeForAssignment(tx: Db, a: { needId: number; assigneeId: string; actor: Pick<SessionUser, 'id' | 'displayName'>; link: string }) {
  if (a.assigneeId === a.actor.id) return [];
  const subject = await repo.subjectWords(tx, 'need', a.needId);
  if (!subject) return [];
  return repo.insertNotifications(tx, [{
    user_id: a.assigneeId, kind: 'assigned', subject_type: 'need', subject_id: String(a.needId), link: a.link, actor_id: a.actor.id,
    text: `${a.actor.displayName} assigned ${subject.title} (${subject.place}) to you`
  }]);
}

// ── Mail ────────────────────────────────────────────────────────────────────────────────────────

function absolute(link: string): string {
  const origin = config().origin;
  return origin ? new URL(link, origin).toString() : link;
}

/**
 * Sends instant mail for these new notifications (after their transaction committed). Each row is
 * claimed first (mailed_at, compare-and-set), so it is mailed once however many callers try; a
 * refused send releases its claim. Never throws: mail trouble must not undo or fail the change.
 */
export async function mailInstant(db: Db, ids: number[], settings: MailSettings = mailSettings()): Promise<number> {
  if (!ids.length || !mailEnabled(settings)) return 0;
  let sent = 0;
  try {
    for (const n of await repo.claimInstant(db, ids)) {
      try {
        await sendMail({
          to: n.email,
          subject: `Beacon: ${quote(n.text, 90)}`,
          text: `${n.text}\n\nOpen it in Beacon: ${absolute(n.link)}\n\nYou get these mails because your notification mail is set to "instant". Change it on your account page: ${absolute('/account')}\n`
        }, settings);
        sent++;
      } catch (err) {
        log.warn({ err, notificationId: n.id }, 'notification mail refused; will not retry automatically');
        await repo.unclaimMailed(db, [n.id]).catch(() => undefined);
      }
    }
  } catch (err) {
    log.error({ err }, 'instant notification mail failed');
  }
  return sent;
}

/** Fire-and-forget form for services: the response does not wait for the SMTP server. */
export function mailInstantLater(db: Db, ids: number[]): void {
  if (ids.length && mailEnabled()) void mailInstant(db, ids);
}

/** The organisation's calendar day and hour at `now` (BEACON_TIME_ZONE). */
export function organisationDay(now: Date, timeZone: string): { day: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
      .formatToParts(now).map((p) => [p.type, p.value])
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

export const DIGEST_MAX_ITEMS = 50;

export interface DigestOptions {
  now?: Date;
  timeZone?: string;
  digestHour?: number;
  settings?: MailSettings;
}

/**
 * One pass of the daily digest: from the digest hour on, each person who chose the digest and has
 * unread notifications no mail carried yet gets ONE mail for today, claimed first in
 * notification_digest (person, day) so several instances never both send it. Days missed while no
 * server ran are not made up: after downtime a person gets today's one mail, never a backlog.
 */
export async function runDigests(db: Db, options: DigestOptions = {}): Promise<{ sent: string[] }> {
  const settings = options.settings ?? mailSettings();
  const sent: string[] = [];
  if (!mailEnabled(settings)) return { sent };
  const cfg = config();
  const { day, hour } = organisationDay(options.now ?? new Date(), options.timeZone ?? cfg.timeZone);
  if (hour < (options.digestHour ?? cfg.digestHour)) return { sent };
  for (const person of await repo.digestCandidates(db)) {
    if (!(await repo.claimDigest(db, person.id, day))) continue;
    try {
      const total = await repo.countUnmailedUnread(db, person.id);
      const items = await repo.takeForDigest(db, person.id, DIGEST_MAX_ITEMS);
      if (!items.length) {
        await repo.releaseDigest(db, person.id, day);
        continue;
      }
      const lines = items.map((n) => `• ${n.text}\n  ${absolute(n.link)}`);
      if (total > items.length) lines.push(`…and ${total - items.length} more in your inbox: ${absolute('/notifications')}`);
      try {
        await sendMail({
          to: person.email,
          subject: `Beacon: ${items.length === 1 ? '1 unread notification' : `${total} unread notifications`} (${day})`,
          text: `Hello ${person.displayName},\n\nWhat you have not read yet in Beacon:\n\n${lines.join('\n\n')}\n\nYou get one such mail a day because your notification mail is set to "daily digest". Change it on your account page: ${absolute('/account')}\n`
        }, settings);
      } catch (err) {
        await repo.unclaimMailed(db, items.map((n) => n.id));
        await repo.releaseDigest(db, person.id, day);
        throw err;
      }
      await repo.markDigestSent(db, person.id, day, items.length);
      sent.push(person.id);
    } catch (err) {
      log.error({ err, userId: person.id }, 'digest mail failed');
    }
  }
  return { sent };
}
