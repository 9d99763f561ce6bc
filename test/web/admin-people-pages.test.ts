// The admin's People, Groups and Access pages on a real server: what they list, escaped, and the
// invitation link they show when no mail server is set (through the API the page script calls).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let cookie = '';
before(async () => {
  srv = await startTestServer();
  const login = await fetch(`${srv.baseUrl}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: srv.adminToken }).toString(),
    redirect: 'manual',
  });
  cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
});
after(async () => srv?.stop());

const page = async (path: string) => {
  const res = await fetch(`${srv.baseUrl}${path}`, { headers: { cookie } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  return res.text();
};

test('People lists invited people with their names escaped; Groups and Access list members and roles', async () => {
  const invited = await fetch(`${srv.baseUrl}/api/v1/people`, {
    method: 'POST',
    headers: { cookie, 'x-requested-with': 'otaship', 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ivy@example.com', name: '<img src=x onerror=alert(1)>' }),
  });
  assert.equal(invited.status, 201);
  const { person, invitation } = (await invited.json()) as { person: { id: string }; invitation: { sent: boolean; link: string } };
  assert.equal(invitation.sent, false);
  const people = await page('/admin/people');
  assert.match(people, /ivy@example\.com/);
  assert.match(people, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.doesNotMatch(people, /<img src=x/);
  assert.match(people, /<script type="module" src="\/assets\/people\.js/);

  const { repos } = srv.services;
  const group = await repos.people.createGroup({ name: 'Beta <testers>', createdAt: new Date() });
  await repos.people.addMember(group.id, person.id, 'admin', new Date());
  const groups = await page('/admin/groups');
  assert.match(groups, /Beta &lt;testers&gt;/);
  assert.match(groups, new RegExp(`data-api="/api/v1/groups/${group.id}/members/${person.id}"`));

  const app = await repos.apps.create({ platform: 'ios', bundleId: 'com.example.access', name: 'Access App', isPublic: false });
  await repos.people.setGrant(app.id, { groupId: group.id }, 'developer', new Date());
  const access = await page(`/admin/apps/${app.id}/access`);
  assert.match(access, /Beta &lt;testers&gt;<\/strong> <span class="muted small">group<\/span><\/td><td>developer/);
});
