import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOtashipError } from '../../src/core/errors.js';
import { describeStorage, parseStorageSpec } from '../../src/storage/config.js';
import { assertValidKey } from '../../src/storage/keys.js';

function usage(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => isOtashipError(err) && err.code === 'USAGE' && pattern.test(err.message));
}

describe('storage locations', () => {
  test('fs forms', () => {
    assert.deepEqual(parseStorageSpec('fs:/var/lib/otaship/blobs'), { kind: 'fs', root: '/var/lib/otaship/blobs' });
    assert.deepEqual(parseStorageSpec('fs:///abs'), { kind: 'fs', root: '/abs' });
    assert.deepEqual(parseStorageSpec('./data/blobs'), { kind: 'fs', root: './data/blobs' });
    assert.deepEqual(parseStorageSpec('memory:'), { kind: 'memory' });
  });

  test('s3 with prefix, credentials and options', () => {
    assert.deepEqual(
      parseStorageSpec('s3://AK%2FX:se%2Bcret@my-bucket/otaship?region=eu-west-1&endpoint=http%3A%2F%2F127.0.0.1%3A9000&forcePathStyle=true&checksum=when_supported&partSize=16777216&queueSize=3'),
      {
        kind: 's3',
        bucket: 'my-bucket',
        prefix: 'otaship/',
        accessKeyId: 'AK/X',
        secretAccessKey: 'se+cret',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:9000',
        forcePathStyle: true,
        checksum: 'when_supported',
        partSize: 16777216,
        queueSize: 3,
      },
    );
    assert.deepEqual(parseStorageSpec('s3://bucket'), { kind: 's3', bucket: 'bucket' });
  });

  test('mistakes are named, secrets are not echoed', () => {
    usage(() => parseStorageSpec(''), /empty/);
    usage(() => parseStorageSpec('s3://bucket?colour=red'), /unknown s3 storage option "colour"/);
    usage(() => parseStorageSpec('s3://bucket?forcePathStyle=maybe'), /not true or false/);
    usage(() => parseStorageSpec('s3://bucket?checksum=always'), /when_required or when_supported/);
    usage(() => parseStorageSpec('s3://bucket?partSize=-1'), /positive whole number/);
    usage(() => parseStorageSpec('gcs://user:topsecret@bucket'), /^(?!.*topsecret).*unknown scheme/);
    assert.equal(describeStorage(parseStorageSpec('s3://k:topsecret@b/p')), 's3://b/p/');
  });

  test('keys: a safe relative form only', () => {
    for (const ok of ['a', 'releases/01HX/package.ipa', 'a-b_c.d/e.f', 'x/y/z/icon-512.png']) assertValidKey(ok);
    for (const bad of ['', '/a', 'a/', '..', 'a/../b', '.a', 'a/.b', 'a b', 'a\u0000b', 'a\\b', 'C:x', 'é']) {
      assert.throws(() => assertValidKey(bad), (err: unknown) => isOtashipError(err) && err.code === 'VALIDATION', JSON.stringify(bad));
    }
  });
});
