// A REAL SMTP server (smtp-server) on loopback for tests of the mail otaship sends: every message is
// parsed (mailparser) into the inbox as it arrives.
import { EventEmitter, once } from 'node:events';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  /** smtp://127.0.0.1:<port>, for OTASHIP_SMTP_URL. */
  url: string;
  /** Mails received and not yet taken. */
  inbox: ParsedMail[];
  /** The next mail to arrive (or one already waiting). */
  nextMail(): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const inbox: ParsedMail[] = [];
  const arrivals = new EventEmitter();
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          inbox.push(mail);
          arrivals.emit('mail', mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const port = (smtp.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    async nextMail() {
      const waiting = inbox.shift();
      if (waiting) return waiting;
      await once(arrivals, 'mail');
      return inbox.shift()!;
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
