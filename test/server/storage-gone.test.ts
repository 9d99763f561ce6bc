// The fs blob directory disappearing under a running server (a volume unmounted or removed): every
// download would be a 404 and a publish would quietly recreate the directory on the disk below.
// Instead downloads, publishes and readiness answer 503 UNAVAILABLE naming the directory, nothing is
// recreated, and once the directory is back everything works without a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

describe('fs blob directory gone', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv?.stop();
  });

  test('downloads, publishes and readiness answer 503 while it is gone; back without a restart', async () => {
    const ipa = new Uint8Array(await readFile(await buildIpa({ bundleId: 'com.example.gone' })));
    const publish = () =>
      fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/octet-stream' }), body: ipa });
    const first = await publish();
    assert.equal(first.status, 201, await first.clone().text());
    const { downloadUrl } = (await first.json()) as { downloadUrl: string };

    const root = join(srv.config.dataDir, 'blobs');
    const away = `${root}.unmounted`;
    await rename(root, away);
    try {
      const download = await fetch(downloadUrl);
      const body = (await download.json()) as { error: { code: string; message: string } };
      assert.equal(download.status, 503, JSON.stringify(body));
      assert.match(body.error.message, /blob directory .* is gone/);
      assert.ok(download.headers.get('retry-after'));
      assert.equal((await publish()).status, 503);
      assert.equal(await stat(root).then(() => true, () => false), false, 'the directory is not recreated on the disk below');
      const ready = (await (await fetch(`${srv.baseUrl}/api/v1/ready`)).json()) as { storage: { ok: boolean } };
      assert.equal(ready.storage.ok, false);
    } finally {
      await rename(away, root);
    }
    assert.equal((await fetch(downloadUrl)).status, 200);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/ready`)).status, 200);
  });
});
