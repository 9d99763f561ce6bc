// The S3 endpoint going away under a running server (s3rver stopped, then started again on the same
// port): a download and a publish answer 503 UNAVAILABLE with Retry-After, never 500 "bug";
// readiness names the storage; nothing half-written is left; back without restarting otaship.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startS3, type LocalS3 } from '../helpers/s3.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

interface Envelope {
  error: { code: string; message: string };
}

describe('S3 outage', () => {
  let s3: LocalS3;
  let srv: TestServer;
  let ipa: Uint8Array<ArrayBuffer>;
  before(async () => {
    s3 = await startS3('otaship-outage-test');
    ipa = new Uint8Array(await readFile(await buildIpa({ bundleId: 'com.example.s3outage', fillerBytes: 1024 * 1024 })));
    srv = await startTestServer({ settings: s3.serverSettings() });
  });
  after(async () => {
    await srv?.stop();
    await s3?.stop();
  });

  const publish = () =>
    fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: ipa,
    });

  async function keys(): Promise<string[]> {
    const out: string[] = [];
    for await (const k of srv.services.blobs.list('')) out.push(k);
    return out.sort();
  }

  test('stopped S3: downloads and publishes answer 503, readiness names the storage; back without a restart', async () => {
    const first = await publish();
    assert.equal(first.status, 201, await first.clone().text());
    const { downloadUrl } = (await first.json()) as { downloadUrl: string };
    const stored = await keys();

    await s3.outage.stop();
    try {
      const download = await fetch(downloadUrl);
      const dBody = (await download.json()) as Envelope;
      assert.equal(download.status, 503, JSON.stringify(dBody));
      assert.equal(dBody.error.code, 'UNAVAILABLE');
      assert.match(dBody.error.message, /storage/);
      assert.ok(Number(download.headers.get('retry-after')) > 0);

      const up = await publish();
      const uBody = (await up.json()) as Envelope;
      assert.equal(up.status, 503, JSON.stringify(uBody));
      assert.doesNotMatch(JSON.stringify(uBody), /bug/i);

      const ready = await fetch(`${srv.baseUrl}/api/v1/ready`);
      const rBody = (await ready.json()) as { database: { ok: boolean }; storage: { ok: boolean; error?: string } };
      assert.equal(ready.status, 503);
      assert.equal(rBody.database.ok, true);
      assert.equal(rBody.storage.ok, false);
    } finally {
      await s3.outage.start();
    }
    assert.deepEqual(await keys(), stored, 'the refused publish left no object behind');
    assert.equal((await fetch(downloadUrl)).status, 200);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/ready`)).status, 200);
    assert.equal((await publish()).status, 201);
  });

  test('stopped S3: resumable uploads answer 503 at creation and PATCH, and continue once it is back', async () => {
    const tus = (extra: Record<string, string>) => srv.auth({ 'tus-resumable': '1.0.0', ...extra });
    const bytes = Buffer.from(ipa);
    const created = await fetch(`${srv.baseUrl}/api/v1/uploads`, { method: 'POST', headers: tus({ 'upload-length': String(bytes.length) }) });
    assert.equal(created.status, 201, await created.clone().text());
    const location = new URL(created.headers.get('location')!, `${srv.baseUrl}/api/v1/uploads`).href;
    const patch = (from: number) =>
      fetch(location, { method: 'PATCH', headers: tus({ 'upload-offset': String(from), 'content-type': 'application/offset+octet-stream' }), body: bytes.subarray(from) });

    await s3.outage.stop();
    try {
      const create = await fetch(`${srv.baseUrl}/api/v1/uploads`, { method: 'POST', headers: tus({ 'upload-length': '10' }) });
      const createText = await create.text();
      assert.equal(create.status, 503, createText);
      assert.match(createText, /storage cannot be reached/);
      assert.doesNotMatch(createText, /bug/i);
      const sent = await patch(0);
      const sentText = await sent.text();
      assert.equal(sent.status, 503, sentText);
      assert.doesNotMatch(sentText, /bug/i);
    } finally {
      await s3.outage.start();
    }
    const head = await fetch(location, { method: 'HEAD', headers: tus({}) });
    assert.equal(head.status, 200);
    const resumed = await patch(Number(head.headers.get('upload-offset')));
    assert.equal(resumed.status, 204, await resumed.text());
    const published = await fetch(`${location}/publish`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/json' }), body: '{}' });
    assert.equal(published.status, 201, await published.clone().text());
  });
});
