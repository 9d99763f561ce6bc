// The admin app page offers each person only the controls their role on the app allows (decided by
// services/authz.ts appActions): a tester sees no Publish, Delete or Check; a developer may publish
// and check; a manager also gets the app's Access page. Real server, real sessions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { AppRole } from '../../src/ports/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { parseHtml } from '../web/dom.js';

let srv: TestServer;
let appId: string;
const cookies = new Map<AppRole, string>();

before(async () => {
  srv = await startTestServer();
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: await readFile(await buildIpa({ bundleId: 'com.example.controls', build: '1' })),
  });
  assert.equal(res.status, 201, await res.clone().text());
  appId = ((await res.json()) as { app: { id: string } }).app.id;
  const people = srv.services.repos.people;
  for (const role of ['manager', 'developer', 'tester'] as const) {
    const p = await people.createPerson({ email: `${role}@example.com`, name: role, admin: false, createdAt: new Date() });
    await people.setGrant(appId, { personId: p.id }, role, new Date());
    cookies.set(role, `otaship_session=${(await srv.services.sessions.signInPerson(p.id)).value}`);
  }
});

after(async () => srv?.stop());

async function controls(role: AppRole) {
  const res = await fetch(`${srv.baseUrl}/admin/apps/${appId}`, { headers: { cookie: cookies.get(role)! } });
  assert.equal(res.status, 200);
  const dom = parseHtml(await res.text());
  const action = (name: string) => dom.all((e) => e.attribs['data-action'] === name).length > 0;
  return {
    upload: Boolean(dom.byId('dropzone')),
    editNotes: action('edit-notes'),
    deleteRelease: action('delete-release'),
    deleteApp: action('delete-app'),
    rename: action('rename-app'),
    check: dom.all((e) => e.name === 'form' && (e.attribs['action'] ?? '').endsWith('/doctor')).length > 0,
    access: dom.all((e) => e.name === 'a' && e.attribs['href'] === `/admin/apps/${appId}/access`).length > 0,
    shareLinks: dom.all((e) => e.name === 'a' && e.attribs['href'] === `/admin/apps/${appId}/share-links`).length > 0,
  };
}

test('a tester sees the builds but no control they may not use', async () => {
  assert.deepEqual(await controls('tester'), { upload: false, editNotes: false, deleteRelease: false, deleteApp: false, rename: false, check: false, access: false, shareLinks: false });
});

test('a developer may publish, edit notes and check; not delete or manage access', async () => {
  assert.deepEqual(await controls('developer'), { upload: true, editNotes: true, deleteRelease: false, deleteApp: false, rename: false, check: true, access: false, shareLinks: false });
});

test("a manager gets every control and the app's Access page", async () => {
  assert.deepEqual(await controls('manager'), { upload: true, editNotes: true, deleteRelease: true, deleteApp: true, rename: true, check: true, access: true, shareLinks: true });
});
