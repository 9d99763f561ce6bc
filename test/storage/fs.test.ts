import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openBlobStore } from '../../src/storage/open.js';
import { readChunkSize } from '../../src/storage/fs.js';
import { isOtashipError } from '../../src/core/errors.js';
import { blobStoreConformance } from './blob-store.conformance.js';

const root = mkdtempSync(join(tmpdir(), 'otaship-fs-'));

/** Runs `fn` in a fresh temporary folder, removed afterwards whatever happens. */
async function inTempDir(prefix: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Temporary files anywhere under the root (sidecars are expected, .tmp files are not). */
function tmpFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.tmp'));
}

blobStoreConformance('fs', {
  create: () => openBlobStore({ kind: 'fs', root: join(root, 'blobs') }),
  dispose: async () => rmSync(root, { recursive: true, force: true }),
  leftovers: async () => tmpFiles(join(root, 'blobs')),
  streaming: true,
});

describe('fs blob store specifics', () => {
  test('ETags come from the stored SHA-256 and agree between instances sharing the directory', async () => {
    await inTempDir('otaship-fs-etag-', async (dir) => {
      const a = await openBlobStore({ kind: 'fs', root: dir });
      const b = await openBlobStore({ kind: 'fs', root: dir });
      const put = await a.put('r/1/package.ipa', Readable.from([Buffer.from('abc')]));
      assert.equal(put.etag, '"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"');
      assert.equal((await b.stat('r/1/package.ipa'))?.etag, put.etag);
      assert.equal((await b.stat('r/1/package.ipa'))?.sha256, put.sha256);
    });
  });

  test('a sidecar longer than one small read (a long content type) is still read whole', async () => {
    await inTempDir('otaship-fs-long-meta-', async (dir) => {
      const store = await openBlobStore({ kind: 'fs', root: dir });
      const contentType = `application/x-test; note=${'n'.repeat(6000)}`;
      const put = await store.put('r/1/package.ipa', Readable.from([Buffer.from('abc')]), { contentType });
      const st = await store.stat('r/1/package.ipa');
      assert.equal(st?.sha256, put.sha256);
      assert.equal(st?.contentType, contentType);
    });
  });

  test('a file replaced behind the store gets a new ETag, not the stale sidecar one', async () => {
    await inTempDir('otaship-fs-stale-', async (dir) => {
      const store = await openBlobStore({ kind: 'fs', root: dir });
      const put = await store.put('x.bin', Readable.from([Buffer.from('one')]));
      writeFileSync(join(dir, 'x.bin.new'), 'two!');
      const { renameSync } = await import('node:fs');
      renameSync(join(dir, 'x.bin.new'), join(dir, 'x.bin'));
      const st = await store.stat('x.bin');
      assert.equal(st?.size, 4);
      assert.notEqual(st?.etag, put.etag);
      assert.equal(st?.sha256, undefined);
      assert.match(st?.etag ?? '', /^"fs-/);
    });
  });

  test('deleting the last blob of a directory removes the emptied directories, never the root', async () => {
    await inTempDir('otaship-fs-rmdir-', async (dir) => {
      const store = await openBlobStore({ kind: 'fs', root: join(dir, 'blobs') });
      await store.put('releases/r1/package.ipa', Readable.from([Buffer.from('p')]));
      await store.put('releases/r1/icon.png', Readable.from([Buffer.from('i')]));
      await store.put('releases/r2/package.ipa', Readable.from([Buffer.from('q')]));
      await store.delete('releases/r1/package.ipa');
      assert.deepEqual(readdirSync(join(dir, 'blobs', 'releases')).sort(), ['r1', 'r2']);
      await store.delete('releases/r1/icon.png');
      assert.deepEqual(readdirSync(join(dir, 'blobs', 'releases')), ['r2']);
      await store.delete('releases/r2/package.ipa');
      assert.deepEqual(readdirSync(join(dir, 'blobs')), []);
      // The store still works in the emptied root.
      await store.put('releases/r3/package.ipa', Readable.from([Buffer.from('r')]));
      assert.equal((await store.stat('releases/r3/package.ipa'))?.size, 1);
    });
  });

  test('keys never escape the root', async () => {
    await inTempDir('otaship-fs-escape-', async (dir) => {
      const store = await openBlobStore({ kind: 'fs', root: join(dir, 'inner') });
      await assert.rejects(store.put('../outside', Readable.from([Buffer.from('x')])));
      assert.deepEqual(readdirSync(dir), ['inner']);
      assert.deepEqual(readdirSync(join(dir, 'inner')), []);
    });
  });

  test('adoptFile moves a finished file in without copying: same inode, SHA-256 ETag, source gone', async () => {
    await inTempDir('otaship-fs-adopt-', async (dir) => {
      const store = await openBlobStore({ kind: 'fs', root: join(dir, 'blobs') });
      const src = join(dir, 'staged.part');
      writeFileSync(src, 'abc');
      const ino = statSync(src).ino;
      const sha256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
      const st = await store.adoptFile!('releases/r1/package.ipa', src, { size: 3, sha256, contentType: 'application/octet-stream' });
      assert.ok(st);
      assert.equal(st.etag, `"${sha256}"`);
      assert.equal(existsSync(src), false);
      assert.equal(statSync(join(dir, 'blobs', 'releases', 'r1', 'package.ipa')).ino, ino);
      const got = await store.get('releases/r1/package.ipa');
      assert.equal(Buffer.concat(await got.toArray()).toString(), 'abc');
      assert.equal((await store.stat('releases/r1/package.ipa'))?.contentType, 'application/octet-stream');
    });
  });

  test('adoptFile refuses a file of the wrong size and leaves it where it was', async () => {
    await inTempDir('otaship-fs-adopt-size-', async (dir) => {
      const store = await openBlobStore({ kind: 'fs', root: join(dir, 'blobs') });
      const src = join(dir, 'staged.part');
      writeFileSync(src, 'abcd');
      await assert.rejects(store.adoptFile!('k/package.ipa', src, { size: 3 }), (err: unknown) => isOtashipError(err) && err.code === 'VALIDATION');
      assert.equal(existsSync(src), true);
      assert.equal(await store.stat('k/package.ipa'), null);
    });
  });

  test('reads are 1 MiB for a lone download and shrink as concurrent downloads pile up, back again once they close', async () => {
    assert.deepEqual([0, 3, 4, 7, 8, 15, 16, 31, 32, 99].map(readChunkSize), [
      1048576, 1048576, 524288, 524288, 262144, 262144, 131072, 131072, 65536, 65536,
    ]);
    await inTempDir('otaship-fs-chunks-', async (dir) => {
      const store = await openBlobStore({ kind: 'fs', root: dir });
      await store.put('k/blob', Readable.from([Buffer.alloc(10)]));
      const open = [];
      for (let i = 0; i < 6; i++) open.push(await store.get('k/blob'));
      assert.deepEqual(open.map((r) => r.readableHighWaterMark), [1048576, 1048576, 1048576, 1048576, 524288, 524288]);
      await Promise.all(open.map(async (r) => Buffer.concat(await r.toArray())));
      // The count drops when each stream has closed its file, which follows the end of its data.
      await Promise.all(open.map((r) => (r.closed ? null : new Promise((resolve) => r.once('close', resolve)))));
      const next = await store.get('k/blob');
      assert.equal(next.readableHighWaterMark, 1048576);
      next.destroy();
    });
  });
});
