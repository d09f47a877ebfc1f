// Scheduled snapshots mailed to their schedule's subscribers (through the one mail module), the PDF
// attached and a link. Once per run: a row in snapshot_mailing is claimed before anything is sent, so
// two instances never both send and a later pass never sends again. Of the runs one pass makes for a
// schedule (a back-fill after downtime), only the latest is mailed; the older ones are marked skipped.
import type { Db } from '../db/index.js';
import { config } from '../config.js';
import { mailEnabled, sendMail } from '../mail/mail.js';
import { componentLog } from '../log.js';
import { protectStoredSurvivorFigures } from '../../snapshot-report.js';
import { headlinesOf, type FrozenComparisons } from '../../snapshot-headlines.js';
import { headlineSentence } from '../../snapshot-narrative.js';
import * as repo from './snapshots.repository.js';
import { chromiumAvailable, ownOrigin, snapshotPdf } from './snapshot-pdf.js';

const log = componentLog('snapshot-mail');

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Mails the latest run of each schedule among `runs` (made oldest first); marks the older ones skipped. */
export async function mailScheduledRuns(db: Db, runs: Array<{ id: number; scheduleId: number }>): Promise<void> {
  if (!mailEnabled()) return;
  const bySchedule = new Map<number, number[]>();
  for (const r of runs) bySchedule.set(r.scheduleId, [...(bySchedule.get(r.scheduleId) ?? []), r.id]);
  for (const [scheduleId, ids] of bySchedule) {
    const sorted = [...ids].sort((a, b) => a - b);
    for (const older of sorted.slice(0, -1)) await repo.claimMailing(db, older, 'skipped');
    try {
      await mailSnapshot(db, sorted.at(-1)!, scheduleId);
    } catch (err) {
      log.error({ err, snapshotId: sorted.at(-1), scheduleId }, 'scheduled snapshot mail failed');
    }
  }
}

async function mailSnapshot(db: Db, snapshotId: number, scheduleId: number): Promise<void> {
  const recipients = await repo.subscriberEmails(db, scheduleId);
  if (!recipients.length) return;
  if (!(await repo.claimMailing(db, snapshotId, 'sending'))) return;
  const s = await repo.findSnapshot(db, snapshotId);
  if (!s) return;
  const origin = config().origin ?? ownOrigin('http://localhost:3000');
  const link = `${origin.replace(/\/$/, '')}/snapshots/${s.id}`;
  let pdf: Buffer | null = null;
  let pdfNote = '';
  if (chromiumAvailable()) {
    try {
      pdf = (await snapshotPdf({ id: s.id, sha256: s.sha256, title: s.title, notes: s.notes })).pdf;
    } catch (err) {
      log.error({ err, snapshotId }, 'snapshot pdf for mail failed');
      pdfNote = 'The PDF could not be made this time; the link opens the report.';
    }
  } else {
    pdfNote = 'This server cannot make PDFs (no Chromium); the link opens the report.';
  }
  const stored = s.data as { datasets?: Record<string, unknown>; comparisons?: FrozenComparisons | null };
  const lines = headlinesOf(protectStoredSurvivorFigures(stored.datasets ?? {}), stored.comparisons ?? null).map((h) => headlineSentence(h, s.periodLabel));
  const text = [`${s.title}`, '', ...lines.map((l) => `- ${l}`), '', `Open the report: ${link}`, pdfNote, '',
    'You get this because you subscribe to this snapshot schedule in Beacon; leadership or an admin can remove you.'].filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n');
  const html = `<p><strong>${escapeHtml(s.title)}</strong></p><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` +
    `<p><a href="${escapeHtml(link)}">Open the report</a>${pdfNote ? ` — ${escapeHtml(pdfNote)}` : ' (the PDF is attached)'}</p>` +
    '<p style="color:#6b7280;font-size:12px">You get this because you subscribe to this snapshot schedule in Beacon; leadership or an admin can remove you.</p>';
  const filename = `${s.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'snapshot'}.pdf`;
  let sent = 0;
  const errors: string[] = [];
  for (const r of recipients) {
    try {
      await sendMail({
        to: r.email, subject: `Beacon report: ${s.title}`, text, html,
        attachments: pdf ? [{ filename, content: pdf, contentType: 'application/pdf' }] : undefined
      });
      sent++;
    } catch (err) {
      errors.push(`${r.email}: ${(err as Error).message}`);
    }
  }
  await repo.finishMailing(db, snapshotId, errors.length && !sent ? 'failed' : 'sent', sent, errors.length ? errors.join('; ').slice(0, 2000) : null);
  log.info({ snapshotId, scheduleId, sent, failed: errors.length, pdf: !!pdf }, 'scheduled snapshot mailed');
}
