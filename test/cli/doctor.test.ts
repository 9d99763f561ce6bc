// `otaship doctor` as a user runs it (the built CLI, node bin/otaship, as a child process): exit 0 and
// a JSON report for a healthy otaship over TLS with --ca, 1 for a deployment that cannot install, 2
// for input that cannot be checked; human output names the code, what the phone shows and the fix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OtashipClient } from '../../src/client/index.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'otaship');

/** Asynchronous: the server under test runs in this process. */
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('otaship doctor', () => {
  let srv: TestServer;
  let pageUrl: string;
  let caFile: string;

  before(async () => {
    srv = await startTestServer({ tls: true });
    const ipa = await buildIpa({ bundleId: 'com.example.cli-doctor' });
    const published = await new OtashipClient({ server: srv.baseUrl, token: srv.adminToken, ca: srv.ca! }).publish(ipa);
    pageUrl = published.installPageUrl;
    caFile = join(srv.dataDir, 'doctor-ca.pem');
    await writeFile(caFile, srv.ca!);
  });
  after(() => srv?.stop());

  test('a healthy install page with --ca: exit 0, JSON report', async () => {
    const { status, stdout } = await run(['doctor', pageUrl, '--ca', caFile, '--json']);
    assert.equal(status, 0, stdout);
    const report = JSON.parse(stdout) as { installable: boolean; package: { bundleId: string }; findings: { severity: string }[] };
    assert.equal(report.installable, true);
    assert.equal(report.package.bundleId, 'com.example.cli-doctor');
    assert.deepEqual(report.findings.filter((f) => f.severity !== 'info'), []);
  });

  test('the same page without --ca: exit 1, the untrusted CA named with what the phone shows and the fix', async () => {
    const { status, stdout } = await run(['doctor', pageUrl]);
    assert.equal(status, 1, stdout);
    assert.match(stdout, /ERROR TLS_UNKNOWN_CA|ERROR TLS_INCOMPLETE_CHAIN/);
    assert.match(stdout, /phone: .*Cannot connect/);
    assert.match(stdout, /fix: /);
    assert.match(stdout, /NOT installable/);
  });

  test('input that cannot be checked: exit 2', async () => {
    const notUrl = await run(['doctor', 'hello world']);
    assert.equal(notUrl.status, 2);
    assert.match(notUrl.stderr, /neither an itms-services link nor an http\(s\) URL/);
    const badCa = await run(['doctor', pageUrl, '--ca', join(srv.dataDir, 'missing.pem')]);
    assert.equal(badCa.status, 2);
    const badUdid = await run(['doctor', pageUrl, '--ca', caFile, '--udid', 'my-phone']);
    assert.equal(badUdid.status, 2);
    assert.match(badUdid.stderr, /not a device UDID/);
  });

  test('a page without an install link: exit 2', async () => {
    const { status, stderr } = await run(['doctor', `${srv.baseUrl}/ca`, '--ca', caFile]);
    assert.equal(status, 2, stderr);
  });
});
