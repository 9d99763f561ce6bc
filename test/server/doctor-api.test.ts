// POST /api/v1/releases/:id/doctor: the server checks its own install page over real TLS (its local
// CA) and answers the report, matching the route's response schema; only callers who may read the
// release can run it, and an unknown release is a 404, not a run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { OtashipClient } from '../../src/client/index.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** https with the server's local CA (fetch cannot be given a CA). */
function send(method: string, url: string, ca: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const post = (url: string, ca: string, headers: Record<string, string>) => send('POST', url, ca, headers);

describe('POST /api/v1/releases/:id/doctor', () => {
  let srv: TestServer;
  let releaseId: string;
  let appId: string;

  before(async () => {
    srv = await startTestServer({ tls: true });
    const ipa = await buildIpa({ bundleId: 'com.example.api-doctor' });
    const published = await new OtashipClient({ server: srv.baseUrl, token: srv.adminToken, ca: srv.ca! }).publish(ipa);
    releaseId = published.release.id;
    appId = published.app.id;
  });
  after(() => srv?.stop());

  test('the server checks its own deployment: installable, the package read by Range', async () => {
    const res = await post(`${srv.baseUrl}/api/v1/releases/${releaseId}/doctor`, srv.ca!, srv.auth());
    assert.equal(res.status, 200, res.body);
    const report = JSON.parse(res.body) as { installable: boolean; package: { bundleId: string; bytesRead: number }; findings: { severity: string; phone: string }[] };
    assert.equal(report.installable, true);
    assert.equal(report.package.bundleId, 'com.example.api-doctor');
    assert.ok(report.package.bytesRead > 0);
    assert.deepEqual(report.findings.filter((f) => f.severity !== 'info'), []);
    assert.ok(report.findings.every((f) => f.phone.length > 0), 'the schema keeps every finding field');
  });

  test('without credentials: 401; an unknown release: 404', async () => {
    assert.equal((await post(`${srv.baseUrl}/api/v1/releases/${releaseId}/doctor`, srv.ca!, {})).status, 401);
    assert.equal((await post(`${srv.baseUrl}/api/v1/releases/01nonexistent0000000000000/doctor`, srv.ca!, srv.auth())).status, 404);
  });

  test('admin: "Check this release" posts from the release row and shows the report; a cross-site post is refused', async () => {
    const signIn = await send('POST', `${srv.baseUrl}/admin/login`, srv.ca!, { 'content-type': 'application/x-www-form-urlencoded', origin: srv.publicUrl }, new URLSearchParams({ token: srv.adminToken }).toString());
    assert.equal(signIn.status, 303, signIn.body);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const page = await send('GET', `${srv.baseUrl}/admin/apps/${appId}`, srv.ca!, { cookie });
    assert.ok(page.body.includes(`action="/admin/releases/${releaseId}/doctor"`), 'the release row has the button');
    const form = { cookie, 'content-type': 'application/x-www-form-urlencoded' };
    const report = await send('POST', `${srv.baseUrl}/admin/releases/${releaseId}/doctor`, srv.ca!, { ...form, origin: srv.publicUrl }, '');
    assert.equal(report.status, 200, report.body);
    assert.match(report.body, /data-role="verdict">Installable: 0 errors, 0 warnings/);
    const forged = await send('POST', `${srv.baseUrl}/admin/releases/${releaseId}/doctor`, srv.ca!, { ...form, origin: 'https://evil.example' }, '');
    assert.equal(forged.status, 403);
  });
});
