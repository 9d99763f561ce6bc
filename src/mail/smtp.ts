// Delivers mail over SMTP with nodemailer (connection pooling, STARTTLS, AUTH and the MIME encoding
// of a plain-text + HTML message are all its job). Built by the composition root from
// OTASHIP_SMTP_URL; nothing else imports it.
import nodemailer from 'nodemailer';
import { OtashipError } from '../core/errors.js';
import type { MailMessage } from '../ports/mailer.js';

export interface MailTransport {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    async send(message) {
      try {
        await transporter.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
      } catch (err) {
        // The mail server's own words help the operator; its address and credentials are not in them.
        const reason = err instanceof Error ? err.message.slice(0, 300) : String(err);
        throw new OtashipError('UNAVAILABLE', `the mail server did not take the message (${reason}): check OTASHIP_SMTP_URL`, { cause: err });
      }
    },
    close() {
      transporter.close();
    },
  };
}
