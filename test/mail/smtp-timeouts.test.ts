// A mail server that greets and then stops answering must not hold an invitation or a sign-in
// request for nodemailer's ten minutes: the send fails (UNAVAILABLE, naming OTASHIP_SMTP_URL) once
// the socket has been silent for the timeout. A real smtp-server that never acknowledges MAIL FROM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { isOtashipError } from '../../src/core/errors.js';
import { SMTP_TIMEOUTS, smtpTransport, withTimeouts } from '../../src/mail/smtp.js';

test('withTimeouts: the defaults are added; values in the URL win; other options are kept', () => {
  const u = new URL(withTimeouts('smtp://user:pw@mail.example.com:587/?secure=false&socketTimeout=60000'));
  assert.equal(u.searchParams.get('socketTimeout'), '60000');
  assert.equal(u.searchParams.get('greetingTimeout'), String(SMTP_TIMEOUTS.greetingTimeout));
  assert.equal(u.searchParams.get('connectionTimeout'), String(SMTP_TIMEOUTS.connectionTimeout));
  assert.equal(u.searchParams.get('secure'), 'false');
  assert.equal(`${u.username}:${u.password}@${u.host}`, 'user:pw@mail.example.com:587');
});

test('a server that goes silent after its greeting: the send fails as UNAVAILABLE instead of waiting', { timeout: 60_000 }, async () => {
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    // Never answers MAIL FROM: the client waits on a silent socket.
    onMailFrom() {},
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const port = (smtp.server.address() as { port: number }).port;
  const transport = smtpTransport(`smtp://127.0.0.1:${port}/?socketTimeout=500`, 'otaship@example.com');
  try {
    await assert.rejects(
      transport.send({ to: 'alice@example.com', subject: 's', text: 't', html: '<p>t</p>' }),
      (e: unknown) => isOtashipError(e) && e.code === 'UNAVAILABLE' && /OTASHIP_SMTP_URL/.test(e.message),
    );
  } finally {
    transport.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }
});
