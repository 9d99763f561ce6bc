// The reverse-proxy configurations shipped in deploy/ (nginx, Caddy), run as written in front of a real
// otaship, pass every check of the doctor: TLS from the proxy, the manifest untransformed (the test
// nginx compresses everything else), Range and If-Range through the proxy, links on the public URL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtashipClient } from '../../src/client/index.js';
import { runDoctor } from '../../src/services/doctor/index.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { freePort } from '../helpers/doctor-nginx.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CADDY_BIN, NGINX_BIN, proxyCertificate, startCaddy, startNginx, type ProxyTarget, type RunningProxy } from '../helpers/reverse-proxy.js';

function scenario(name: string, available: boolean, start: (t: ProxyTarget) => Promise<RunningProxy>): void {
  describe(`doctor through ${name}`, { skip: available ? false : `${name} is not installed` }, () => {
    let work: string;
    let srv: TestServer;
    let proxy: RunningProxy;
    let ca: string;

    before(async () => {
      work = await mkdtemp(join(tmpdir(), `otaship-doctor-${name}-`));
      const cert = await proxyCertificate(work);
      ca = cert.caPem;
      const port = await freePort();
      srv = await startTestServer({ settings: { publicUrl: `https://127.0.0.1:${port}` } });
      proxy = await start({ work, port, upstreamPort: srv.server.port, cert });
    });
    after(async () => {
      await proxy?.stop();
      await srv?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    test('a published build is installable with no error or warning', async () => {
      const ipa = await buildIpa({ bundleId: `com.example.doctor-${name}`, fillerBytes: 2 * 1024 * 1024 });
      const published = await new OtashipClient({ server: proxy.origin, token: srv.adminToken, ca }).publish(ipa);
      const report = await runDoctor(published.installPageUrl, { caPem: ca });
      const bad = report.findings.filter((f) => f.severity !== 'info');
      assert.deepEqual(bad, [], JSON.stringify(bad, null, 2));
      assert.equal(report.package?.bundleId, `com.example.doctor-${name}`);
    });
  });
}

scenario('nginx', NGINX_BIN !== null, startNginx);
scenario('caddy', CADDY_BIN !== null, startCaddy);
