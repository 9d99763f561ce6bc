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
  return {
    storage: 's3',
    s3Bucket: s3.bucket,
    s3Endpoint: s3.endpoint,
    s3Region: 'us-east-1',
    s3ForcePathStyle: 'true',
    s3AccessKeyId: 'S3RVER',
    s3SecretAccessKey: 'S3RVER',
    s3Prefix: prefix,
    ...extra,
  };
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
});
