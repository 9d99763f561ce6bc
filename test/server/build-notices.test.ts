// "New build" notices through a REAL SMTP server (smtp-server) on loopback: a build published over
// the API mails the members of the notified groups with a role on the app, once each; disabled,
// opted-out people and groups with the switch off get nothing. The mails are parsed (mailparser)
// and their links followed: My apps behind sign-in (not a bearer link), the signed opt-out link.
// A mail server that is down fails no publish; without one, the groups page says nothing is sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

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

let build = 0;
async function publish(server: TestServer, notes: string): Promise<{ appId: string; releaseId: string }> {
  const bytes = await readFile(await buildIpa({ bundleId: 'com.example.notices', displayName: 'Notices', version: '2.0', build: String(++build) }));
  const res = await fetch(`${server.baseUrl}/api/v1/releases?notes=${encodeURIComponent(notes)}`, {
    method: 'POST',
    headers: server.auth({ 'content-type': 'application/octet-stream' }),
    body: bytes,
  });
  assert.equal(res.status, 201, await res.clone().text());
  const body = (await res.json()) as { release: { id: string; appId: string } };
  return { appId: body.release.appId, releaseId: body.release.id };
}

/** Everything mailed for the publishes so far (the notices go out after the publish has answered). */
async function mailed(): Promise<ParsedMail[]> {
  await srv.services.notices.settled();
  return smtp.inbox.splice(0);
}

const toOf = (m: ParsedMail) => (m.to && !Array.isArray(m.to) ? m.to.text : '').toLowerCase();

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${srv.baseUrl}${path}`, {
    method,
    headers: srv.auth(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res;
}

test('a published build is mailed once to each member of the notified groups; links need a sign-in; the opt-out link works', async () => {
  const { appId } = await publish(srv, 'first');
  assert.deepEqual(await mailed(), [], 'nobody is notified yet');
  const people = srv.services.repos.people;
  const at = new Date();
  const [tess, dan, dis, solo, quiet] = await Promise.all(
    ['tess', 'dan', 'dis', 'solo', 'quiet'].map((n) => people.createPerson({ email: `${n}@example.org`, name: n, admin: false, createdAt: at })),
  );
  const group = async (name: string, role: 'tester' | 'developer', members: string[], notify: boolean) => {
    const g = (await (await api('POST', '/api/v1/groups', { name })).json()) as { id: string };
    for (const m of members) await api('PUT', `/api/v1/groups/${g.id}/members/${m}`);
    await api('PUT', `/api/v1/apps/${appId}/grants`, { groupId: g.id, role });
    const patched = (await (await api('PATCH', `/api/v1/groups/${g.id}`, { notifyNewBuilds: notify })).json()) as { notifyNewBuilds: boolean };
    assert.equal(patched.notifyNewBuilds, notify);
  };
  // dan is in two notified groups; dis is disabled; quiet's only group has notices off; solo has a
  // role of their own but no notified group.
  await group('QA', 'tester', [tess!.id, dan!.id, dis!.id], true);
  await group('Beta', 'developer', [dan!.id], true);
  await group('Quiet', 'tester', [quiet!.id], false);
  await api('PUT', `/api/v1/apps/${appId}/grants`, { personId: solo!.id, role: 'tester' });
  await api('PATCH', `/api/v1/people/${dis!.id}`, { disabled: true });

  await publish(srv, 'Fixed <script>alert(1)</script> & the crash on start');
  const mails = await mailed();
  assert.deepEqual(mails.map(toOf).sort(), ['dan@example.org', 'tess@example.org']);
  const mail = mails.find((m) => toOf(m) === 'tess@example.org')!;
  assert.match(mail.subject ?? '', /New build: Notices 2\.0 \(2\) \(iOS\)/);
  assert.match(mail.text ?? '', /Fixed <script>alert\(1\)<\/script> & the crash on start/, 'plain text: the notes as written');
  const htmlPart = String(mail.html);
  assert.ok(htmlPart.includes('Fixed &lt;script&gt;alert(1)&lt;/script&gt; &amp; the crash'), htmlPart);
  assert.ok(!htmlPart.includes('<script>'), 'the HTML part escapes the notes');

  // The install link is My apps behind sign-in: forwarded, it opens nothing.
  const link = /(https?:\/\/\S+\/my#app-\S+)/.exec(mail.text ?? '')?.[1];
  assert.equal(link, `${srv.publicUrl}/my#app-${appId}`);
  assert.ok(htmlPart.includes(`href="${link}"`));
  const anonymous = await fetch(link!, { redirect: 'manual' });
  assert.equal(anonymous.status, 303);
  assert.equal(anonymous.headers.get('location'), '/sign-in?next=%2Fmy');
  const cookie = `otaship_session=${(await srv.services.sessions.signInPerson(tess!.id)).value}`;
  const mine = await fetch(link!, { headers: { cookie } });
  assert.equal(mine.status, 200);
  assert.match(await mine.text(), new RegExp(`id="app-${appId}"`));

  // The opt-out link: the page asks, its button stops the mails for tess only.
  const optOut = /(https?:\/\/\S+\/notices\/opt-out\?t=\S+)/.exec(mail.text ?? '')?.[1];
  assert.ok(optOut, mail.text);
  const page = await fetch(optOut);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /New build mails are sent to tess@example\.org/);
  // Another site cannot post the form for them (the page's button posts from our own origin).
  const forged = await fetch(optOut, {
    method: 'POST',
    headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'notices=off',
  });
  assert.equal(forged.status, 403);
  assert.equal(await people.noticesOff(tess!.id), false);
  const stop = await fetch(optOut, {
    method: 'POST',
    headers: { origin: srv.publicUrl, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'notices=off',
  });
  assert.equal(stop.status, 200);
  assert.match(await stop.text(), /No new build mails are sent to tess@example\.org/);
  await publish(srv, 'third');
  assert.deepEqual((await mailed()).map(toOf), ['dan@example.org']);

  // A tampered opt-out link is refused and changes nothing.
  const tampered = optOut.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  const refused = await fetch(tampered, {
    method: 'POST',
    headers: { origin: srv.publicUrl, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'notices=on',
  });
  assert.equal(refused.status, 403);
  assert.equal(await people.noticesOff(tess!.id), true);
});

test('a mail server that is down fails no publish', async () => {
  const closedPort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
  const down = await startTestServer({ settings: { smtpUrl: `smtp://127.0.0.1:${closedPort}` } });
  try {
    const { appId } = await publish(down, 'first');
    const person = await down.services.repos.people.createPerson({ email: 'pat@example.org', name: '', admin: false, createdAt: new Date() });
    const g = await down.services.repos.people.createGroup({ name: 'QA', createdAt: new Date() });
    await down.services.repos.people.addMember(g.id, person.id, 'admin', new Date());
    await down.services.repos.people.setGrant(appId, { groupId: g.id }, 'tester', new Date());
    await down.services.repos.people.setGroupNotices(g.id, true);
    assert.deepEqual((await down.services.repos.people.noticeRecipients(appId)).map((p) => p.email), ['pat@example.org']);
    await publish(down, 'second'); // 201 although the mail cannot be sent
    await down.services.notices.settled();
  } finally {
    await down.stop();
  }
});

// A publish that waited for its mails would never answer here: the timeout turns that deadlock into
// a failure (it measures nothing; every step waits for an event).
test('the publish answers while the mail server is still holding the notice', { timeout: 120_000 }, async () => {
  // A mail server that takes the message but does not answer until the test lets it.
  const held: Array<() => void> = [];
  const slow = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        held.push(() => callback());
        slow.emit('held');
      });
    },
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', () => resolve()));
  const port = (slow.server.address() as { port: number }).port;
  const server = await startTestServer({ settings: { smtpUrl: `smtp://127.0.0.1:${port}` } });
  try {
    const { appId } = await publish(server, 'first');
    const repos = server.services.repos.people;
    const person = await repos.createPerson({ email: 'pat@example.org', name: '', admin: false, createdAt: new Date() });
    const g = await repos.createGroup({ name: 'QA', createdAt: new Date() });
    await repos.addMember(g.id, person.id, 'admin', new Date());
    await repos.setGrant(appId, { groupId: g.id }, 'tester', new Date());
    await repos.setGroupNotices(g.id, true);
    const arrived = once(slow, 'held');
    await publish(server, 'second'); // answered 201 …
    await arrived; // … and the notice is still waiting for the mail server's answer.
    assert.equal(held.length, 1);
    for (const release of held) release();
    await server.services.notices.settled();
  } finally {
    await server.stop();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  }
});

test('without a mail server the groups page says that no mail is sent', async () => {
  const plain = await startTestServer();
  try {
    await plain.services.repos.people.createGroup({ name: 'QA', createdAt: new Date() });
    const cookie = `otaship_session=${(await plain.services.sessions.signIn(plain.adminToken)).value}`;
    const page = await fetch(`${plain.baseUrl}/admin/groups`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /This server sends no e-mail \(OTASHIP_SMTP_URL is not set\)/);
  } finally {
    await plain.stop();
  }
});
