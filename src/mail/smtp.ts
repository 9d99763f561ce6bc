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

/**
 * nodemailer waits up to 10 minutes on a mail server that greets and then says nothing, and an
 * invitation or sign-in request waits with it: a few seconds to connect and greet, half a minute of
 * silence at most. Options written in OTASHIP_SMTP_URL's query (…?socketTimeout=60000) win.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/** The URL with SMTP_TIMEOUTS added where it does not set them. */
export function withTimeouts(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url; // nodemailer reports the bad URL itself
  }
  for (const [key, ms] of Object.entries(SMTP_TIMEOUTS)) if (!u.searchParams.has(key)) u.searchParams.set(key, String(ms));
  return u.toString();
}

export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(withTimeouts(url));
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
