// The server on S3 storage (s3rver on loopback, real AWS SDK calls): publish, ranged proxy
// downloads, redirect mode with presigned URLs, and deletion removing the objects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startS3, type LocalS3 } from '../helpers/s3.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

let s3: LocalS3;
let ipa: Buffer;
before(async () => {
  s3 = await startS3('otaship-server-test');
  ipa = await readFile(await buildIpa({ bundleId: 'com.example.s3', fillerBytes: 3 * 1024 * 1024, icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] }));
});
after(async () => {
  await s3?.stop();
});

function s3Settings(prefix: string, extra: Record<string, string> = {}) {
  return { ...s3.serverSettings(prefix), ...extra };
}

async function publish(srv: TestServer): Promise<{ release: { id: string }; downloadUrl: string }> {
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: new Uint8Array(ipa),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { release: { id: string }; downloadUrl: string };
}

async function keys(srv: TestServer): Promise<string[]> {
  const out: string[] = [];
  for await (const k of srv.services.blobs.list('')) out.push(k);
  return out;
}

describe('S3 storage', () => {
  test('proxy mode: publish, ranged download, delete removes the objects', async () => {
    const srv = await startTestServer({ settings: s3Settings('proxy/') });
    try {
      assert.equal(srv.services.blobs.kind, 's3');
      const pub = await publish(srv);
      const stored = await keys(srv);
      assert.ok(stored.some((k) => k.endsWith('package.ipa')), stored.join(','));
      const part = await fetch(pub.downloadUrl, { headers: { range: 'bytes=100-199' } });
      assert.equal(part.status, 206);
      assert.deepEqual(Buffer.from(await part.arrayBuffer()), ipa.subarray(100, 200));
      const whole = Buffer.from(await (await fetch(pub.downloadUrl)).arrayBuffer());
      assert.equal(createHash('sha256').update(whole).digest('hex'), createHash('sha256').update(ipa).digest('hex'));
      const del = await fetch(`${srv.baseUrl}/api/v1/releases/${pub.release.id}`, { method: 'DELETE', headers: srv.auth() });
      assert.equal(del.status, 204);
      assert.deepEqual(await keys(srv), []);
    } finally {
      await srv.stop();
    }
  });

  test('redirect mode: the package URL answers 302 to a presigned URL that serves the bytes', async () => {
    const srv = await startTestServer({ settings: s3Settings('redirect/', { downloadMode: 'redirect' }) });
    try {
      const pub = await publish(srv);
      const res = await fetch(pub.downloadUrl, { redirect: 'manual' });
      assert.equal(res.status, 302);
      const location = res.headers.get('location');
      assert.ok(location?.startsWith(s3.endpoint), location ?? '');
      const direct = await fetch(location!);
      assert.equal(direct.status, 200);
      assert.deepEqual(Buffer.from(await direct.arrayBuffer()), ipa);
      // Unauthorised requests never get a presigned URL.
      const noToken = await fetch(pub.downloadUrl.split('?')[0]!, { redirect: 'manual' });
      assert.equal(noToken.status, 403);
    } finally {
      await srv.stop();
    }
  });

  test('redirect mode with a CDN: only public releases go to the CDN (package and icons, under the key prefix)', async () => {
    const cdn = 'https://cdn.example.com/builds';
    const srv = await startTestServer({ settings: s3Settings('cdn/x', { downloadMode: 'redirect', cdnUrl: cdn }) });
    try {
      const pub = await publish(srv);
      const id = pub.release.id;
      const t = new URL(pub.downloadUrl).search;
      // Private: a presigned URL (signed, expiring), never the CDN; private icons are served by otaship.
      const priv = await fetch(pub.downloadUrl, { redirect: 'manual' });
      assert.equal(priv.status, 302);
      const location = priv.headers.get('location') ?? '';
      assert.ok(location.startsWith(`${s3.endpoint}/${s3.bucket}/cdn/x/releases/${id}/package.ipa?`), location);
      assert.match(location, /X-Amz-Signature=/);
      assert.match(location, /X-Amz-Expires=/);
      const privIcon = await fetch(`${srv.baseUrl}/i/${id}/icon.png${t}`, { redirect: 'manual' });
      assert.equal(privIcon.status, 200);
      assert.equal(privIcon.headers.get('content-type'), 'image/png');

      const patch = await fetch(`${srv.baseUrl}/api/v1/releases/${id}`, {
        method: 'PATCH',
        headers: srv.auth({ 'content-type': 'application/json' }),
        body: JSON.stringify({ isPublic: true }),
      });
      assert.equal(patch.status, 200);
      const root = `${srv.baseUrl}/i/${id}`;
      const pkg = await fetch(`${root}/package.ipa`, { redirect: 'manual' });
      assert.equal(pkg.status, 302);
      // The key prefix is part of the object's name in the bucket, so of its CDN URL too.
      assert.equal(pkg.headers.get('location'), `${cdn}/cdn/x/releases/${id}/package.ipa`);
      for (const icon of ['icon.png', 'icon-57.png', 'icon-512.png']) {
        const res = await fetch(`${root}/${icon}`, { redirect: 'manual' });
        assert.equal(res.status, 302, icon);
        assert.equal(res.headers.get('location'), `${cdn}/cdn/x/releases/${id}/${icon}`);
        assert.equal(res.headers.get('cache-control'), 'no-store');
      }
      // HEAD is answered by otaship itself.
      assert.equal((await fetch(`${root}/icon.png`, { method: 'HEAD', redirect: 'manual' })).status, 200);
      assert.ok((await keys(srv)).includes(`releases/${id}/package.ipa`));
    } finally {
      await srv.stop();
    }
  });
});
