// Invitations by mail (when mail is on). The admin page shows the link either way; a mail that
// fails is reported beside it, never a failed invitation.
import { mailEnabled, mailSettings, sendMail, type MailSettings } from '../mail/mail.js';

export interface InvitationMailOutcome {
  sent: boolean;
  message: string;
}

export async function mailInvitation(
  invitation: { to: string; url: string; expiresAt: Date; invitedBy: string },
  settings: MailSettings = mailSettings()
): Promise<InvitationMailOutcome> {
  if (!mailEnabled(settings)) return { sent: false, message: 'Mail is off on this server (BEACON_SMTP_URL is not set), so nothing was mailed.' };
  const until = invitation.expiresAt.toUTCString();
  try {
    await sendMail(
      {
        to: invitation.to,
        subject: 'You are invited to Beacon',
        text: `Hello,\n\n${invitation.invitedBy} invited you to Beacon. Open this link to choose your name and password:\n\n` +
          `${invitation.url}\n\nThe link works once, until ${until}. If you did not expect this, ignore this mail.\n`
      },
      settings
    );
    return { sent: true, message: `The invitation was mailed to ${invitation.to}.` };
  } catch (err) {
    console.error('[mail] invitation mail failed:', err instanceof Error ? err.message : err);
    return { sent: false, message: `The mail to ${invitation.to} could not be sent; send them the link yourself.` };
  }
}
