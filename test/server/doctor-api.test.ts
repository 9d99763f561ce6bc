// POST /api/v1/releases/:id/doctor: the server checks its own install page over real TLS (its local
// CA) and answers the report, matching the route's response schema; only callers who may read the
// release can run it, and an unknown release is a 404, not a run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { OtashipClient } from '../../src/client/index.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

function post(url: string, ca: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('POST /api/v1/releases/:id/doctor', () => {
  let srv: TestServer;
  let releaseId: string;

  before(async () => {
    srv = await startTestServer({ tls: true });
    const ipa = await buildIpa({ bundleId: 'com.example.api-doctor' });
    const published = await new OtashipClient({ server: srv.baseUrl, token: srv.adminToken, ca: srv.ca! }).publish(ipa);
    releaseId = published.release.id;
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
});
