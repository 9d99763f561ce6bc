// The audit log over real HTTP (socket, SQLite, fs blobs): every kind of action leaves an entry with
// who, from where, what, on what and how it ended; sign-ins are recorded, refused ones too; the
// secrets the actions hand out are never stored; the API filters and pages; the admin page escapes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { ANONYMOUS_ENTRIES_PER_WINDOW } from '../../src/server/audit.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

interface Entry {
  id: string;
  at: string;
  actor: { kind: string; id: string | null; label: string | null };
  client: string | null;
  action: string;
  target: { type: string; id: string | null; label: string | null } | null;
  appId: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

let srv: TestServer;
/** Every secret an action below handed out or used: none may be in the audit table. */
const secrets: string[] = [];
let appId = '';
let releaseId = '';
let build = 1;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = srv.auth()): Promise<Response> {
  return fetch(`${srv.baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    redirect: 'manual',
  });
}

async function ok(res: Response, status = 200): Promise<unknown> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return text ? (JSON.parse(text) as unknown) : null;
}

async function entries(query = ''): Promise<Entry[]> {
  const body = (await ok(await call('GET', `/api/v1/audit?limit=200${query}`))) as { items: Entry[] };
  return body.items;
}

/** The newest entry of this action (optionally on this target). */
async function last(action: string, targetId?: string): Promise<Entry> {
  const found = (await entries(`&action=${encodeURIComponent(action)}`)).find((e) => e.action === action && (targetId === undefined || e.target?.id === targetId));
  assert.ok(found, `no ${action} entry${targetId ? ` for ${targetId}` : ''}`);
  return found;
}

async function publish(bundleId = 'com.example.audit'): Promise<{ appId: string; releaseId: string }> {
  const bytes = await readFile(await buildIpa({ bundleId, build: String(++build), version: '2.1' }));
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/octet-stream' }), body: bytes });
  const json = (await ok(res, 201)) as { app: { id: string }; release: { id: string } };
  return { appId: json.app.id, releaseId: json.release.id };
}

async function form(path: string, fields: Record<string, string>, cookie?: string): Promise<Response> {
  return fetch(`${srv.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

function sessionCookie(res: Response): string {
  const value = /otaship_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  assert.ok(value, 'a session cookie');
  secrets.push(value);
  return `otaship_session=${value}`;
}

before(async () => {
  srv = await startTestServer({ settings: { webhookAllowPrivate: true } });
  secrets.push(srv.adminToken);
  ({ appId, releaseId } = await publish());
});
after(async () => srv?.stop());

describe('entries for each kind of action', () => {
  test('publish: the admin token, the client address, the release and its app', async () => {
    const e = await last('release.publish', releaseId);
    assert.deepEqual(e.actor, { kind: 'admin-token', id: null, label: 'admin token' });
    assert.equal(e.client, '127.0.0.1');
    assert.equal(e.appId, appId);
    assert.equal(e.outcome, 'success');
    assert.match(e.target?.label ?? '', /2\.1/);
    assert.ok(Date.parse(e.at) > 0);
  });

  test('a publish finished through a resumable upload: its chunks are not entries, its publish is', async () => {
    const bytes = await readFile(await buildIpa({ bundleId: 'com.example.audit', build: String(++build), version: '2.1' }));
    const tus = { 'tus-resumable': '1.0.0' };
    const created = await fetch(`${srv.baseUrl}/api/v1/uploads`, { method: 'POST', headers: srv.auth({ ...tus, 'upload-length': String(bytes.length) }) });
    assert.equal(created.status, 201, await created.text());
    const path = new URL(created.headers.get('location')!, `${srv.baseUrl}/api/v1/uploads`).pathname;
    const patched = await fetch(`${srv.baseUrl}${path}`, {
      method: 'PATCH',
      headers: srv.auth({ ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
      body: new Uint8Array(bytes),
    });
    assert.equal(patched.status, 204, await patched.text());
    const published = (await ok(await call('POST', `${path}/publish`, {}), 201)) as { release: { id: string } };
    const e = await last('release.publish', published.release.id);
    assert.deepEqual([e.appId, e.details.via, e.actor.kind], [appId, 'resumable upload', 'admin-token']);
    assert.deepEqual((await entries()).filter((x) => x.action.startsWith('upload')), []);
  });

  test('edits and deletions of apps and releases name what they changed, even once it is gone', async () => {
    await ok(await call('PATCH', `/api/v1/releases/${releaseId}`, { notes: 'fixed', isPublic: true }));
    assert.deepEqual((await last('release.update', releaseId)).details, { isPublic: true });
    await ok(await call('PATCH', `/api/v1/apps/${appId}`, { name: 'Audit App' }));
    assert.equal((await last('app.update', appId)).details.name, 'Audit App');
    const doomed = await publish('com.example.doomed');
    await ok(await call('DELETE', `/api/v1/releases/${doomed.releaseId}`), 204);
    const gone = await last('release.delete', doomed.releaseId);
    assert.equal(gone.appId, doomed.appId);
    assert.match(gone.target?.label ?? '', /2\.1/);
    await ok(await call('DELETE', `/api/v1/apps/${doomed.appId}`), 204);
    const appGone = await last('app.delete', doomed.appId);
    assert.match(appGone.target?.label ?? '', /com\.example\.doomed/);
    assert.equal(appGone.appId, doomed.appId);
  });

  test('service tokens: creation and revocation, the secret never stored', async () => {
    const created = (await ok(await call('POST', '/api/v1/tokens', { name: 'ci bot', appId }), 201)) as { id: string; token: string };
    secrets.push(created.token);
    const e = await last('token.create', created.id);
    assert.equal(e.target?.label, 'ci bot');
    assert.equal(e.appId, appId);
    // Acting with it: the entry names the token.
    await ok(await call('PATCH', `/api/v1/releases/${releaseId}`, { notes: 'by ci' }, { authorization: `Bearer ${created.token}` }));
    assert.deepEqual((await last('release.update')).actor, { kind: 'token', id: created.id, label: 'ci bot' });
    await ok(await call('DELETE', `/api/v1/tokens/${created.id}`), 204);
    assert.equal((await last('token.revoke', created.id)).target?.label, 'ci bot');
  });

  test('share links: creation and revocation; neither the passcode nor the link token is stored', async () => {
    const passcode = 'tangerine-4411';
    const created = (await ok(await call('POST', `/api/v1/apps/${appId}/share-links`, { name: 'QA vendor', installLimit: 3, passcode }), 201)) as {
      link: { id: string };
      url: string;
    };
    secrets.push(passcode, new URL(created.url).searchParams.get('t')!);
    const e = await last('share-link.create', created.link.id);
    assert.equal(e.target?.label, 'QA vendor');
    assert.equal(e.appId, appId);
    assert.equal(e.details.installLimit, 3);
    await ok(await call('DELETE', `/api/v1/apps/${appId}/share-links/${created.link.id}`));
    assert.equal((await last('share-link.revoke', created.link.id)).target?.label, 'QA vendor');
  });

  test('webhooks: the URL is kept as its origin only (its path may be a secret)', async () => {
    const url = 'http://127.0.0.1:9/services/T0001/B0001/hooksecretpath';
    const created = (await ok(await call('POST', '/api/v1/webhooks', { url, events: ['release.published'] }), 201)) as { id: string; secret: string };
    secrets.push(created.secret, 'hooksecretpath');
    assert.equal((await last('webhook.create', created.id)).target?.label, 'http://127.0.0.1:9');
    await ok(await call('DELETE', `/api/v1/webhooks/${created.id}`), 204);
    assert.equal((await last('webhook.delete', created.id)).target?.label, 'http://127.0.0.1:9');
  });

  test('devices: label and removal', async () => {
    const d = await srv.services.repos.devices.register({ udid: '00008110-000A1B2C3D4E801E', product: 'iPhone16,1', version: '21E236', serial: null, deviceName: 'Ann’s phone', at: new Date() });
    await ok(await call('PATCH', `/api/v1/devices/${d.id}`, { label: 'QA phone' }));
    assert.equal((await last('device.update', d.id)).details.label, 'QA phone');
    await ok(await call('DELETE', `/api/v1/devices/${d.id}`), 204);
    assert.equal((await last('device.delete', d.id)).target?.label, 'QA phone');
  });

  test('people, groups and roles; the invitation link is not stored', async () => {
    const invited = (await ok(await call('POST', '/api/v1/people', { email: 'Dana@example.com', name: 'Dana' }), 201)) as {
      person: { id: string };
      invitation: { link: string | null };
    };
    assert.ok(invited.invitation.link, 'without a mail server the link is answered');
    secrets.push(new URL(invited.invitation.link).searchParams.get('t')!);
    const personId = invited.person.id;
    assert.equal((await last('person.invite', personId)).target?.label, 'Dana@example.com');
    await ok(await call('PATCH', `/api/v1/people/${personId}`, { name: 'Dana D.' }));
    assert.equal((await last('person.update', personId)).details.name, 'Dana D.');

    const group = (await ok(await call('POST', '/api/v1/groups', { name: 'QA' }), 201)) as { id: string };
    assert.equal((await last('group.create', group.id)).target?.label, 'QA');
    await ok(await call('PUT', `/api/v1/groups/${group.id}/members/${personId}`));
    assert.equal((await last('group.member-add', group.id)).details.personId, personId);
    await ok(await call('DELETE', `/api/v1/groups/${group.id}/members/${personId}`), 204);
    assert.equal((await last('group.member-remove', group.id)).details.personId, personId);

    await ok(await call('PUT', `/api/v1/apps/${appId}/grants`, { personId, role: 'developer' }));
    const grant = await last('access.grant', appId);
    assert.deepEqual([grant.appId, grant.details.role, grant.details.personId], [appId, 'developer', personId]);
    await ok(await call('DELETE', `/api/v1/apps/${appId}/grants?personId=${personId}`), 204);
    assert.equal((await last('access.revoke', appId)).details.personId, personId);
    await ok(await call('DELETE', `/api/v1/groups/${group.id}`), 204);
    assert.equal((await last('group.delete', group.id)).target?.label, 'QA');

    // The invitation is used: an e-mail-link sign-in as Dana.
    const link = new URL(invited.invitation.link);
    const signedIn = await form(`${link.pathname}${link.search}`, {});
    assert.equal(signedIn.status, 303, await signedIn.text());
    const cookie = sessionCookie(signedIn);
    const e = await last('sign-in');
    assert.deepEqual([e.actor.kind, e.actor.id, e.actor.label, e.details.method, e.outcome], ['person', personId, 'Dana@example.com', 'e-mail link', 'success']);

    // Her personal token: created and revoked as her.
    const headers = { cookie, 'x-requested-with': 'otaship' };
    const mine = (await ok(await call('POST', '/api/v1/me/tokens', { name: 'laptop' }, headers), 201)) as { id: string; token: string };
    secrets.push(mine.token);
    const made = await last('token.create', mine.id);
    assert.deepEqual([made.actor.id, made.details.kind, made.target?.label], [personId, 'personal', 'laptop']);
    await ok(await call('DELETE', `/api/v1/me/tokens/${mine.id}`, undefined, headers), 204);
    assert.equal((await last('token.revoke', mine.id)).actor.label, 'Dana@example.com');

    // Something she may not do: recorded as denied, with who tried.
    assert.equal((await call('POST', '/api/v1/tokens', { name: 'sneaky' }, headers)).status, 403);
    const denied = await last('token.create');
    assert.deepEqual([denied.outcome, denied.actor.label, denied.details.status, denied.details.error], ['denied', 'Dana@example.com', 403, 'FORBIDDEN']);

    await ok(await call('DELETE', `/api/v1/people/${personId}`), 204);
    assert.equal((await last('person.remove', personId)).target?.label, 'Dana@example.com');
  });

  test('admin sign-in with a token, a refused one, and sign-out', async () => {
    const wrong = 'ota_01aaaaaaaaaaaaaaaaaaaaaaaa_d3JvbmdzZWNyZXR3cm9uZ3NlY3JldA';
    secrets.push(wrong);
    assert.equal((await form('/admin/login', { token: wrong })).status, 401);
    const refused = await last('sign-in');
    assert.deepEqual([refused.outcome, refused.actor.kind, refused.details.method, refused.client], ['refused', 'anonymous', 'token', '127.0.0.1']);

    const res = await form('/admin/login', { token: srv.adminToken });
    assert.equal(res.status, 303);
    const cookie = sessionCookie(res);
    const signIn = await last('sign-in');
    assert.deepEqual([signIn.outcome, signIn.actor.kind], ['success', 'admin-token']);

    assert.equal((await form('/admin/logout', {}, cookie)).status, 303);
    assert.deepEqual((await last('sign-out')).actor, { kind: 'admin-token', id: null, label: 'admin token' });
  });

  test('a refused e-mail link is recorded with the client, not the secret', async () => {
    const res = await form('/auth/link?t=notasecretthatexists', {});
    assert.ok(res.status >= 400 && res.status < 500, String(res.status));
    const e = await last('sign-in');
    assert.deepEqual([e.outcome, e.details.method], ['refused', 'e-mail link']);
  });
});

describe('reading the log', () => {
  test('filters by actor, action, app and time; pages with a cursor; the limit is bounded', async () => {
    const all = await entries();
    assert.ok(all.length > 20);
    for (const e of await entries('&actor=admin%20token')) assert.equal(e.actor.label, 'admin token');
    for (const e of await entries('&action=token')) assert.match(e.action, /^token\./);
    for (const e of await entries(`&appId=${appId}`)) assert.equal(e.appId, appId);
    const newest = all[0]!;
    assert.deepEqual((await entries(`&from=${encodeURIComponent(newest.at)}`)).map((e) => e.id).includes(newest.id), true);
    assert.deepEqual(await entries(`&to=${encodeURIComponent(all[all.length - 1]!.at)}`), []);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await ok(await call('GET', `/api/v1/audit?limit=7${cursor ? `&cursor=${cursor}` : ''}`))) as { items: Entry[]; nextCursor: string | null };
      assert.ok(page.items.length <= 7);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, all.map((e) => e.id));
    assert.equal((await call('GET', '/api/v1/audit?limit=201')).status, 400);
    assert.equal((await call('GET', '/api/v1/audit?action=%25')).status, 400);
  });

  test("a manager reads their app's entries only; a tester and a service token nothing", async () => {
    const people = srv.services.repos.people;
    const now = new Date();
    const manager = await people.createPerson({ email: 'mia@example.com', name: 'Mia', admin: false, createdAt: now });
    const tester = await people.createPerson({ email: 'tom@example.com', name: 'Tom', admin: false, createdAt: now });
    await people.setGrant(appId, { personId: manager.id }, 'manager', now);
    await people.setGrant(appId, { personId: tester.id }, 'tester', now);
    const as = async (id: string) => ({ cookie: `otaship_session=${(await srv.services.sessions.signInPerson(id)).value}` });
    const mine = (await ok(await call('GET', '/api/v1/audit', undefined, await as(manager.id)))) as { items: Entry[] };
    assert.ok(mine.items.length > 0);
    assert.ok(mine.items.every((e) => e.appId === appId));
    assert.equal((await call('GET', '/api/v1/audit', undefined, await as(tester.id))).status, 403);
    const managerPage = await (await call('GET', `/admin/apps/${appId}`, undefined, await as(manager.id))).text();
    assert.match(managerPage, /id="app-audit"/);
    assert.equal((await call('GET', `/admin/audit?appId=${appId}`, undefined, await as(manager.id))).status, 200);
    assert.doesNotMatch(await (await call('GET', `/admin/apps/${appId}`, undefined, await as(tester.id))).text(), /id="app-audit"/);
    const ci = await srv.services.tokens.create({ tokenId: 'bootstrap', name: 'x', admin: true, appId: null, via: 'bearer' }, { name: 'reader' });
    secrets.push(ci.token);
    assert.equal((await call('GET', '/api/v1/audit', undefined, { authorization: `Bearer ${ci.token}` })).status, 403);
  });

  test('the admin page shows the entries escaped, with the filters', async () => {
    await ok(await call('POST', '/api/v1/groups', { name: '<img src=x onerror=alert(1)>' }), 201);
    const res = await call('GET', '/admin/audit?action=group.create');
    const page = await res.text();
    assert.equal(res.status, 200);
    assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!page.includes('<img src=x'));
    assert.match(page, /name="action" value="group.create"/);
    assert.ok(page.includes('<code>group.create</code>'));
    assert.ok(!page.includes('<code>token.revoke</code>'), 'filtered');
  });
});

test('anyone can send refused sign-ins: their entries are bounded per address; a sign-out with no session is none', async () => {
  // First (while this address may still leave anonymous entries): a sign-out that ended nothing.
  const outs = async () => (await entries('&action=sign-out')).length;
  const signOuts = await outs();
  assert.equal((await form('/admin/logout', {})).status, 303);
  assert.equal(await outs(), signOuts);

  const anonymousFromHere = async () => (await entries('&action=sign-in')).filter((e) => e.actor.kind === 'anonymous' && e.client === '127.0.0.1').length;
  const before = await anonymousFromHere();
  assert.ok(before < ANONYMOUS_ENTRIES_PER_WINDOW);
  for (let i = 0; i < ANONYMOUS_ENTRIES_PER_WINDOW + 5; i++) assert.equal((await form('/admin/login', { token: '' })).status, 401);
  assert.equal(await anonymousFromHere(), ANONYMOUS_ENTRIES_PER_WINDOW);
});

test('no secret handed out or used above is in the audit table', async () => {
  const db = new Database(srv.config.databaseUrl.replace(/^sqlite:/, ''), { readonly: true });
  try {
    const dump = JSON.stringify(db.prepare('select * from audit_log').all());
    assert.ok(dump.length > 1000);
    for (const secret of secrets) assert.ok(!dump.includes(secret), `the audit log holds a secret (${secret.slice(0, 12)}…)`);
  } finally {
    db.close();
  }
});
