// The one way Beacon sends mail (sign-in help, invitations, and later notifications, reports and
// alerts). On when BEACON_SMTP_URL names a server; off otherwise, and callers say so instead of
// pretending. One transport per URL: nodemailer pools nothing here, each message is one connection.
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { config } from '../config.js';

export interface MailAttachment {
  filename: string;
  content: string | Uint8Array;
  contentType?: string;
}

export interface Mail {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
}

export interface MailSettings {
  /** smtp:// or smtps:// URL; undefined = mail is off. */
  smtpUrl: string | undefined;
  from: string;
}

export class MailDisabledError extends Error {
  constructor() {
    super('Mail is off: BEACON_SMTP_URL is not set.');
    this.name = 'MailDisabledError';
  }
}

export function mailSettings(): MailSettings {
  const cfg = config();
  return { smtpUrl: cfg.smtpUrl, from: cfg.mailFrom };
}

export function mailEnabled(settings: MailSettings = mailSettings()): boolean {
  return settings.smtpUrl !== undefined;
}

const transports = new Map<string, Transporter>();

function transportFor(url: string): Transporter {
  let transport = transports.get(url);
  if (!transport) {
    transport = nodemailer.createTransport(url);
    transports.set(url, transport);
  }
  return transport;
}

/** Sends one message; throws MailDisabledError when mail is off, and the SMTP error when refused. */
export async function sendMail(mail: Mail, settings: MailSettings = mailSettings()): Promise<{ messageId: string }> {
  if (!settings.smtpUrl) throw new MailDisabledError();
  const info = await transportFor(settings.smtpUrl).sendMail({
    from: settings.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments?.map((a) => ({
      filename: a.filename,
      content: typeof a.content === 'string' ? a.content : Buffer.from(a.content),
      contentType: a.contentType
    }))
  });
  return { messageId: info.messageId };
}
