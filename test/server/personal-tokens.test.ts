// Personal API tokens on a real server: made by a signed-in person, they act as that person with
// the roles the person holds at each request, and stop when the person is disabled or removed.
// Another person's token cannot be revoked (it looks missing); admin and service tokens have none.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => srv?.stop());

test('a personal token acts as its person, follows their roles and ends with them', async () => {
  const now = new Date();
  const { repos } = srv.services;
  const app = await repos.apps.create({ platform: 'android', bundleId: 'com.example.personal', name: 'Personal', isPublic: false });
  const pat = await repos.people.createPerson({ email: 'pat@example.com', name: 'Pat', admin: false, createdAt: now });
  const sam = await repos.people.createPerson({ email: 'sam@example.com', name: 'Sam', admin: false, createdAt: now });
  await repos.people.setGrant(app.id, { personId: pat.id }, 'developer', now);
  const session = (id: string) => srv.services.sessions.signInPerson(id).then((s) => ({ cookie: `otaship_session=${s.value}`, 'x-requested-with': 'otaship' }));

  const made = await fetch(`${srv.baseUrl}/api/v1/me/tokens`, {
    method: 'POST',
    headers: { ...(await session(pat.id)), 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'laptop', expiresInDays: 30 }),
  });
  assert.equal(made.status, 201);
  const { token, id } = (await made.json()) as { token: string; id: string };
  const bearer = { authorization: `Bearer ${token}` };
  // A personal token cannot make more: a leaked one would otherwise leave tokens behind that
  // outlive its own revocation.
  const minted = await fetch(`${srv.baseUrl}/api/v1/me/tokens`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: '{"name":"spare"}' });
  assert.equal(minted.status, 403);
  assert.match(((await minted.json()) as { error: { message: string } }).error.message, /signed in/);
  assert.equal(((await (await fetch(`${srv.baseUrl}/api/v1/me/tokens`, { headers: bearer })).json()) as { items: unknown[] }).items.length, 1);
  const me = (await (await fetch(`${srv.baseUrl}/api/v1/me`, { headers: bearer })).json()) as { email: string; roles: Record<string, string> };
  assert.equal(me.email, 'pat@example.com');
  assert.deepEqual(me.roles, { [app.id]: 'developer' });
  assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps/${app.id}`, { headers: bearer })).status, 200);
  // Managing is beyond a developer: the token cannot do more than its person.
  const del = await fetch(`${srv.baseUrl}/api/v1/apps/${app.id}`, { method: 'DELETE', headers: bearer });
  assert.equal(del.status, 403);

  // Sam cannot see or revoke Pat's token.
  const samSession = await session(sam.id);
  const samList = (await (await fetch(`${srv.baseUrl}/api/v1/me/tokens`, { headers: samSession })).json()) as { items: unknown[] };
  assert.deepEqual(samList.items, []);
  assert.equal((await fetch(`${srv.baseUrl}/api/v1/me/tokens/${id}`, { method: 'DELETE', headers: samSession })).status, 404);

  // The role taken back: the app is invisible to the token at once.
  await repos.people.removeGrant(app.id, { personId: pat.id });
  assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps/${app.id}`, { headers: bearer })).status, 404);
  // Disabled: the token stops.
  await repos.people.updatePerson(pat.id, { disabledAt: now });
  assert.equal((await fetch(`${srv.baseUrl}/api/v1/me`, { headers: bearer })).status, 401);
  await repos.people.updatePerson(pat.id, { disabledAt: null });
  assert.equal((await fetch(`${srv.baseUrl}/api/v1/me`, { headers: bearer })).status, 200);
  // Removed: gone with them.
  await fetch(`${srv.baseUrl}/api/v1/people/${pat.id}`, { method: 'DELETE', headers: srv.auth() });
  assert.equal((await fetch(`${srv.baseUrl}/api/v1/me`, { headers: bearer })).status, 401);
});

test('admin and service tokens have no personal tokens', async () => {
  const res = await fetch(`${srv.baseUrl}/api/v1/me/tokens`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/json' }), body: '{"name":"x"}' });
  assert.equal(res.status, 403);
  assert.match(((await res.json()) as { error: { message: string } }).error.message, /not a person/);
});
