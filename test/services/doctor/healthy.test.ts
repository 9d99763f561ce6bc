// The doctor against otaship itself, over real TLS from otaship's own local CA: a published build
// passes every check (no error, no warning), from the install page, the link or the manifest URL,
// and the package is judged from a few Range reads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { OtashipClient } from '../../../src/client/index.js';
import { runDoctor } from '../../../src/services/doctor/index.js';
import { buildIpa, SAMPLE_UDIDS } from '../../helpers/synthetic-ipa.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('doctor on a healthy otaship deployment', () => {
  let srv: TestServer;
  let published: Awaited<ReturnType<OtashipClient['publish']>>;
  let size: number;

  before(async () => {
    srv = await startTestServer({ tls: true });
    const ipa = await buildIpa({ bundleId: 'com.example.healthy', icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }], fillerBytes: 3 * 1024 * 1024 });
    size = (await stat(ipa)).size;
    const client = new OtashipClient({ server: srv.baseUrl, token: srv.adminToken, ca: srv.ca! });
    published = await client.publish(ipa);
  });
  after(() => srv?.stop());

  for (const which of ['installPageUrl', 'installLink', 'manifestUrl'] as const) {
    test(`from the ${which}: installable, no error or warning`, async () => {
      const report = await runDoctor(published[which]!, { caPem: srv.ca, udid: SAMPLE_UDIDS[0]! });
      const bad = report.findings.filter((f) => f.severity !== 'info');
      assert.deepEqual(bad, [], JSON.stringify(bad, null, 2));
      assert.equal(report.installable, true);
      assert.equal(report.package?.bundleId, 'com.example.healthy');
      assert.equal(report.package?.size, size);
      assert.ok(report.findings.some((f) => f.code === 'DEVICE_IN_PROFILE'));
      // The package was judged from its directory and a few entries, not downloaded.
      assert.ok(report.package!.bytesRead > 0 && report.package!.bytesRead < size / 4, `${report.package!.bytesRead} of ${size} bytes read`);
      assert.equal(report.tls[0]?.protocol, 'TLSv1.3');
    });
  }
});
