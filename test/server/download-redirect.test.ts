// Redirect mode on disk storage, which cannot presign: public releases go to the CDN, private ones
// are served by otaship (a CDN URL has no token and no expiry); ranged redirects are not counted as
// new downloads; without a CDN the server refuses to start. (Redirect mode on S3, with presigned
// URLs, is in s3-storage.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

const CDN = 'https://cdn.example.com/builds';

interface Published {
  release: { id: string };
  app: { id: string };
  downloadUrl: string;
}

let srv: TestServer;
let ipa: Buffer;
before(async () => {
  srv = await startTestServer({ settings: { downloadMode: 'redirect', cdnUrl: CDN } });
  ipa = await readFile(await buildIpa({ bundleId: 'com.example.cdn', fillerBytes: 20_000, icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] }));
});
after(async () => {
  await srv?.stop();
});

async function publish(): Promise<Published> {
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: new Uint8Array(ipa),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as Published;
}

async function setPublic(releaseId: string, isPublic: boolean): Promise<void> {
  const res = await fetch(`${srv.baseUrl}/api/v1/releases/${releaseId}`, {
    method: 'PATCH',
    headers: srv.auth({ 'content-type': 'application/json' }),
    body: JSON.stringify({ isPublic }),
  });
  assert.equal(res.status, 200);
}

describe('redirect mode on fs storage with a CDN', () => {
  test('a private release is served by otaship, never sent to the CDN', async () => {
    const pub = await publish();
    const res = await fetch(pub.downloadUrl, { redirect: 'manual' });
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), ipa);
    const t = new URL(pub.downloadUrl).search;
    const icon = await fetch(`${srv.baseUrl}/i/${pub.release.id}/icon.png${t}`, { redirect: 'manual' });
    assert.equal(icon.status, 200);
    await icon.arrayBuffer();
  });

  test('a public release redirects its package and icons to the CDN', async () => {
    const pub = await publish();
    await setPublic(pub.release.id, true);
    const root = `${srv.baseUrl}/i/${pub.release.id}`;
    const res = await fetch(`${root}/package.ipa`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), `${CDN}/releases/${pub.release.id}/package.ipa`);
    const icon = await fetch(`${root}/icon-57.png`, { redirect: 'manual' });
    assert.equal(icon.status, 302);
    assert.equal(icon.headers.get('location'), `${CDN}/releases/${pub.release.id}/icon-57.png`);
    // Made private again: back to otaship.
    await setPublic(pub.release.id, false);
    assert.equal((await fetch(`${root}/package.ipa`, { redirect: 'manual' })).status, 403);
  });

  test('only a GET from byte 0 counts as a download start; ranged resumptions do not', async () => {
    const pub = await publish();
    await setPublic(pub.release.id, true);
    const url = `${srv.baseUrl}/i/${pub.release.id}/package.ipa`;
    const started = async () => (await srv.services.counters.get(pub.release.id)).downloadsStarted;
    const get = async (range?: string) => {
      const res = await fetch(url, { redirect: 'manual', ...(range ? { headers: { range } } : {}) });
      assert.equal(res.status, 302, range ?? 'no range');
    };
    await get();
    assert.equal(await started(), 1);
    await get('bytes=0-999');
    assert.equal(await started(), 2, 'a range from byte 0 starts a download');
    for (const range of ['bytes=1000-', 'bytes=1000-1999', 'bytes=-500']) {
      await get(range);
      assert.equal(await started(), 2, `${range} resumes a download`);
    }
    await get('items=5-9');
    assert.equal(await started(), 3, 'a Range in another unit is ignored: the whole file, a start');
    await fetch(url, { method: 'HEAD' });
    assert.equal(await started(), 3, 'HEAD is no download');
  });
});

test('redirect mode on fs storage without a CDN is refused at startup, saying what to do', async () => {
  await assert.rejects(
    startTestServer({ settings: { downloadMode: 'redirect' } }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CONFIG');
      assert.match(err.message, /OTASHIP_DOWNLOAD_MODE is redirect/);
      assert.match(err.message, /OTASHIP_CDN_URL/);
      assert.match(err.message, /OTASHIP_DOWNLOAD_MODE=proxy/);
      return true;
    },
  );
});
