// The blob-store conformance suite against S3 (s3rver, real AWS SDK calls), plus S3 specifics.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { openBlobStore } from '../../src/storage/open.js';
import { attachmentDisposition } from '../../src/storage/content-disposition.js';
import { DownloadRedirects } from '../../src/services/download-redirects.js';
import { startS3 } from '../helpers/s3.js';
import type { LocalS3 } from '../helpers/s3.js';
import { blobStoreConformance } from './blob-store.conformance.js';

let s3Promise: Promise<LocalS3> | null = null;
const s3 = () => (s3Promise ??= startS3());
after(async () => {
  if (s3Promise) await (await s3Promise).stop();
});

blobStoreConformance('S3 (s3rver)', {
  create: async () => openBlobStore({ ...(await s3()).config('otaship/'), partSize: 8 * 1024 * 1024, queueSize: 2 }),
  streaming: true,
});

async function text(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts).toString();
}

describe('S3 blob store specifics', () => {
  test('a private download redirect is presigned for the configured lifetime, not a default one', async () => {
    const local = await s3();
    const store = await openBlobStore(local.config('otaship/'));
    try {
      await store.put('releases/r1/package.ipa', Readable.from([Buffer.from('ipa bytes')]));
      for (const ttl of [5400, 604_800]) {
        const redirects = new DownloadRedirects(
          { downloadMode: 'redirect', cdnUrl: null, presignTtlSeconds: ttl, storage: { kind: 's3', prefix: 'otaship/' } } as unknown as ConstructorParameters<typeof DownloadRedirects>[0],
          store,
        );
        const url = await redirects.package({ key: 'releases/r1/package.ipa', isPublic: false, filename: 'App.ipa' });
        assert.ok(url, 'a presigned URL');
        assert.equal(new URL(url).searchParams.get('X-Amz-Expires'), String(ttl));
        const res = await fetch(url);
        assert.equal(await res.text(), 'ipa bytes');
      }
      const direct = await store.presignGet!('releases/r1/package.ipa', { expiresInSeconds: 3600.9 });
      assert.equal(new URL(direct).searchParams.get('X-Amz-Expires'), '3600');
    } finally {
      await store.close?.();
    }
  });

  test('the key prefix isolates stores sharing a bucket and never shows in keys', async () => {
    const local = await s3();
    const a = await openBlobStore(local.config('tenant-a'));
    const b = await openBlobStore(local.config('tenant-b/'));
    try {
      await a.put('r/1.bin', Readable.from([Buffer.from('A')]));
      await b.put('r/1.bin', Readable.from([Buffer.from('B')]));
      assert.equal(await text(await a.get('r/1.bin')), 'A');
      assert.equal(await text(await b.get('r/1.bin')), 'B');
      const keys: string[] = [];
      for await (const k of a.list('r/')) keys.push(k);
      assert.deepEqual(keys, ['r/1.bin']);
    } finally {
      await a.close?.();
      await b.close?.();
    }
  });

  test('a streamed put stores the plain bytes (no aws-chunked framing) with checksums WHEN_REQUIRED', async () => {
    const store = await openBlobStore((await s3()).config());
    try {
      const chunks = ['line one\n', 'line two\n', 'line three\n'];
      const put = await store.put('framing/check.txt', Readable.from(chunks.map((c) => Buffer.from(c))));
      assert.equal(put.size, chunks.join('').length);
      assert.equal(await text(await store.get('framing/check.txt')), chunks.join(''));
    } finally {
      await store.close?.();
    }
  });

  test('an expected sha256 is recorded and returned by stat()', async () => {
    const store = await openBlobStore((await s3()).config());
    try {
      const sha = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
      await store.put('meta/abc', Readable.from([Buffer.from('abc')]), { sha256: sha });
      assert.equal((await store.stat('meta/abc'))?.sha256, sha);
    } finally {
      await store.close?.();
    }
  });

  test('unreachable endpoints give a STORAGE error naming the object', async () => {
    const store = await openBlobStore({ kind: 's3', bucket: 'b', endpoint: 'http://127.0.0.1:1', forcePathStyle: true, region: 'us-east-1', accessKeyId: 'x', secretAccessKey: 'y' });
    try {
      await assert.rejects(store.stat('some/key'), (err: unknown) => {
        assert.equal((err as { code?: string }).code, 'STORAGE');
        assert.match((err as Error).message, /s3:\/\/b\/some\/key/);
        return true;
      });
    } finally {
      await store.close?.();
    }
  });

  test('Content-Disposition survives quotes, non-ASCII and header injection attempts', () => {
    const value = attachmentDisposition('My "App"\r\nX-Evil: 1 ü.ipa');
    assert.doesNotMatch(value, /[\r\n]/);
    assert.match(value, /^attachment; filename="My _App___X-Evil: 1 _.ipa"; filename\*=UTF-8''My%20%22App%22%0D%0AX-Evil%3A%201%20%C3%BC.ipa$/);
  });
});
