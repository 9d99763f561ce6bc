// E-mail invitations and sign-in links through a REAL SMTP server (smtp-server) on loopback: the
// mail otaship sends over SMTP (nodemailer) is received, parsed (mailparser), and its link is
// followed over HTTP to a session. Links work once; requests are throttled per address and per
// client; an unknown address gets the same answer and no mail; without a mail server the admin gets
// the invitation link to hand over.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ParsedMail } from 'mailparser';
import { LINKS_PER_ADDRESS_PER_HOUR, LINKS_PER_CLIENT_PER_HOUR } from '../../src/services/email-sign-in.js';
import { SMTPServer } from 'smtp-server';
import { logLines, startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';

let smtp: TestSmtp;
let srv: TestServer;

before(async () => {
  smtp = await startSmtp();
  srv = await startTestServer({ settings: { smtpUrl: smtp.url, mailFrom: 'otaship <otaship@example.com>' } });
});

after(async () => {
  await srv?.stop();
  await smtp?.close();
});

/** The next mail to arrive (or one already waiting). */
const nextMail = (): Promise<ParsedMail> => smtp.nextMail();

function linkIn(mail: ParsedMail): string {
  const m = /(https?:\/\/\S+\/auth\/link\?t=[A-Za-z0-9_-]+)/.exec(mail.text ?? '');
  assert.ok(m, `no sign-in link in the mail: ${mail.text}`);
  return m[1]!;
}

/** Follows a mailed link as a browser does: the page, then its Sign in button. */
async function useLink(link: string): Promise<Response> {
  const page = await fetch(link);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<form[^>]+method="post"/);
  return fetch(link, { method: 'POST', headers: { origin: srv.publicUrl, 'content-type': 'application/x-www-form-urlencoded' }, body: '', redirect: 'manual' });
}

function sessionCookie(res: Response): string {
  const c = res.headers.getSetCookie().find((s) => s.startsWith('otaship_session='));
  assert.ok(c, 'no session cookie');
  return c.split(';')[0]!;
}

async function askLink(email: string): Promise<Response> {
  return fetch(`${srv.baseUrl}/sign-in/email`, {
    method: 'POST',
    headers: { origin: srv.publicUrl, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email }).toString(),
  });
}

test('an invitation is mailed (plain text + HTML), its link signs in once, its reuse is refused', async () => {
  const res = await fetch(`${srv.baseUrl}/api/v1/people`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/json' }),
    body: JSON.stringify({ email: 'Tess@Example.org', name: 'Tess' }),
  });
  assert.equal(res.status, 201);
  const body = (await res.json()) as { invitation: { sent: boolean; link: string | null } };
  assert.deepEqual([body.invitation.sent, body.invitation.link], [true, null]);
  const mail = await nextMail();
  assert.equal((mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toLowerCase(), 'tess@example.org');
  assert.match(mail.subject ?? '', /invited you to otaship/);
  const link = linkIn(mail);
  assert.ok(String(mail.html).includes(`href="${link}"`), 'the HTML part links the same URL');
  const signedIn = await useLink(link);
  assert.equal(signedIn.status, 303);
  const cookie = sessionCookie(signedIn);
  const me = await fetch(`${srv.baseUrl}/api/v1/me`, { headers: { cookie } });
  assert.equal(((await me.json()) as { email: string }).email, 'Tess@Example.org');
  // The same link again: refused, no session.
  const again = await useLink(link);
  assert.equal(again.status, 401);
  assert.equal(again.headers.getSetCookie().some((c) => /^otaship_session=[^;]/.test(c)), false);
});

test('a sign-in link is mailed only to a known address; the answer is the same for an unknown one', async () => {
  const unknown = await askLink('nobody@example.org');
  const known = await askLink('tess@example.org');
  assert.equal(unknown.status, 200);
  assert.equal(known.status, 200);
  assert.equal(await unknown.text(), await known.text());
  // Mails arrive in order: the first one is the known address's (the unknown one got none).
  const mail = await nextMail();
  assert.equal((mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toLowerCase(), 'tess@example.org');
  assert.match(mail.subject ?? '', /sign-in link/);
  const res = await useLink(linkIn(mail));
  assert.equal(res.status, 303);
  sessionCookie(res);
});

test('an expired link is refused', async () => {
  await askLink('tess@example.org');
  const link = linkIn(await nextMail());
  srv.clock.advance(srv.config.people.signInLinkTtlSeconds * 1000 + 1000);
  try {
    assert.equal((await useLink(link)).status, 401);
  } finally {
    srv.clock.reset();
  }
});

test('links are throttled per address (across instances: counted in the database)', async () => {
  await fetch(`${srv.baseUrl}/api/v1/people`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/json' }),
    body: JSON.stringify({ email: 'quota@example.org' }),
  });
  await nextMail(); // the invitation
  for (let i = 0; i < LINKS_PER_ADDRESS_PER_HOUR; i++) {
    assert.equal((await askLink('quota@example.org')).status, 200);
    await nextMail();
  }
  const refused = await askLink('QUOTA@example.org');
  assert.equal(refused.status, 429);
});

test('links are throttled per client address', async () => {
  let status = 200;
  // Earlier tests of this file asked from this client too; distinct unknown addresses send no mail.
  for (let i = 0; i <= LINKS_PER_CLIENT_PER_HOUR && status === 200; i++) status = (await askLink(`probe${i}@example.net`)).status;
  assert.equal(status, 429);
});

test('without a mail server the admin gets the invitation link to hand over', async () => {
  const bare = await startTestServer();
  try {
    const res = await fetch(`${bare.baseUrl}/api/v1/people`, {
      method: 'POST',
      headers: bare.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ email: 'copy@example.org' }),
    });
    const body = (await res.json()) as { invitation: { sent: boolean; link: string } };
    assert.equal(body.invitation.sent, false);
    assert.match(body.invitation.link, /\/auth\/link\?t=/);
    const page = await fetch(body.invitation.link);
    assert.equal(page.status, 200);
    const used = await fetch(body.invitation.link, { method: 'POST', headers: { origin: bare.publicUrl }, redirect: 'manual' });
    assert.equal(used.status, 303);
    // E-mail sign-in cannot be asked for: there is nothing to send it with.
    const ask = await fetch(`${bare.baseUrl}/sign-in/email`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=copy%40example.org' });
    assert.equal(ask.status, 503);
  } finally {
    await bare.stop();
  }
});

test('a mail server that refuses the message: the same answer as for an unknown address; the failure is logged', async () => {
  const refusing = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    onMailFrom(_address, _session, callback) {
      callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
    },
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', () => resolve()));
  const port = (refusing.server.address() as { port: number }).port;
  const lines: Array<Record<string, unknown>> = [];
  const other = await startTestServer({ settings: { smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'otaship@example.com' }, logger: logLines(lines) });
  try {
    // The invitation's own mail fails too: the answer says so (the admin is told), the person exists.
    const invited = await fetch(`${other.baseUrl}/api/v1/people`, {
      method: 'POST',
      headers: other.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ email: 'known@example.org' }),
    });
    assert.equal(invited.status, 201, await invited.clone().text());
    const ask = (email: string) =>
      fetch(`${other.baseUrl}/sign-in/email`, {
        method: 'POST',
        headers: { origin: other.publicUrl, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email }).toString(),
      });
    const known = await ask('known@example.org');
    const unknown = await ask('nobody@example.org');
    assert.equal(known.status, 200);
    assert.equal(unknown.status, 200);
    const notice = (html: string) => /If that address may sign in here[^<]*/.exec(html)?.[0];
    assert.equal(notice(await known.text()), notice(await unknown.text()));
    await waitFor(() => lines.some((l) => l.msg === 'the sign-in link could not be mailed'));
  } finally {
    await other.stop();
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
  }
});
