// The tus DataStore over the BlobStore port, on the memory and fs adapters: parts in order, bytes that
// arrived before a cut are kept, a commit at a stale offset is refused (two instances racing), the
// owner is taken from server metadata and never shown, removal and expiry.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ERRORS, Upload } from '@tus/server';
import type { BlobStore } from '../../../src/ports/blob-store.js';
import { BlobUploadStore, OWNER_METADATA } from '../../../src/services/resumable/blob-upload-store.js';
import { openBlobStore } from '../../../src/storage/open.js';

const ID = 'a'.repeat(32);

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A body that delivers `data` and then fails, as a request whose connection is cut. */
function cutAfter(data: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(data);
      } else {
        setImmediate(() => this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      }
    },
  });
}

for (const kind of ['memory', 'fs'] as const) {
  describe(`BlobUploadStore on ${kind} storage`, () => {
    async function setup(now = () => Date.now()) {
      const dir = await mkdtemp(join(tmpdir(), 'otaship-tus-store-'));
      const blobs: BlobStore = await openBlobStore(kind === 'fs' ? { kind: 'fs', root: join(dir, 'blobs') } : { kind: 'memory' });
      const store = new BlobUploadStore(blobs, { tmpDir: join(dir, 'tmp'), expirationMs: 3600_000, now });
      const create = (size: number | undefined, id = ID) =>
        store.create(new Upload({ id, offset: 0, ...(size === undefined ? {} : { size }), metadata: { filename: 'a.ipa', [OWNER_METADATA]: 'tok1' } }));
      return { dir, blobs, store, create, cleanup: () => rm(dir, { recursive: true, force: true }) };
    }

    test('parts are stored in order and read back as one stream', async () => {
      const { store, create, cleanup, dir } = await setup();
      try {
        const data = randomBytes(300_000);
        const created = await create(data.length);
        assert.equal(created.metadata?.[OWNER_METADATA], undefined, 'the owner is not part of the visible metadata');
        assert.equal(await store.write(Readable.from([data.subarray(0, 100_000)]), ID, 0), 100_000);
        assert.equal(await store.write(Readable.from([data.subarray(100_000)]), ID, 100_000), data.length);
        const upload = await store.getUpload(ID);
        assert.equal(upload.offset, data.length);
        assert.equal(upload.size, data.length);
        assert.deepEqual(upload.metadata, { filename: 'a.ipa' });
        const info = (await store.info(ID))!;
        assert.equal(info.owner, 'tok1');
        assert.deepEqual(await collect(store.read(info)), data);
        assert.deepEqual(await readdir(join(dir, 'tmp')), [], 'per-request temp files are removed');
      } finally {
        await cleanup();
      }
    });

    test('bytes that arrived before a cut are kept; the write still reports the failure', async () => {
      const { store, create, cleanup } = await setup();
      try {
        const data = randomBytes(50_000);
        await create(100_000);
        await assert.rejects(store.write(cutAfter(data), ID, 0), /aborted/);
        const upload = await store.getUpload(ID);
        assert.equal(upload.offset, data.length);
        assert.deepEqual(await collect(store.read((await store.info(ID))!)), data);
      } finally {
        await cleanup();
      }
    });

    test('a write at a stale offset is refused and leaves nothing behind', async () => {
      const { store, create, blobs, cleanup } = await setup();
      try {
        await create(10);
        await store.write(Readable.from([Buffer.from('01234')]), ID, 0);
        await assert.rejects(store.write(Readable.from([Buffer.from('xxxxx')]), ID, 0), (e) => e === ERRORS.INVALID_OFFSET);
        const keys: string[] = [];
        for await (const k of blobs.list('uploads/')) keys.push(k);
        assert.equal(keys.filter((k) => k.includes('/part-')).length, 1);
        assert.deepEqual(await collect(store.read((await store.info(ID))!)), Buffer.from('01234'));
      } finally {
        await cleanup();
      }
    });

    test('two instances storing a part at the same offset: one chain everywhere, the loser gets 409', async () => {
      const { store, create, blobs, cleanup, dir } = await setup();
      try {
        await create(10);
        // Another instance (a second store over the same blobs) commits its part while ours is
        // being stored: simulated by a blob store that lets it in just before our part lands.
        const other = new BlobUploadStore(blobs, { tmpDir: join(dir, 'tmp2'), expirationMs: 3600_000 });
        let raced = false;
        const racing: BlobStore = Object.create(blobs) as BlobStore;
        racing.put = async (key, body, options) => {
          if (!raced && key.includes('/part-')) {
            raced = true;
            await other.write(Readable.from([Buffer.from('AAAAAA')]), ID, 0);
          }
          return blobs.put(key, body, options);
        };
        const ours = new BlobUploadStore(racing, { tmpDir: join(dir, 'tmp'), expirationMs: 3600_000 });
        const result = await ours.write(Readable.from([Buffer.from('bbbb')]), ID, 0).then(
          (n) => ({ n }),
          (e: unknown) => ({ e }),
        );
        const info = (await store.info(ID))!;
        const stored = await collect(store.read(info));
        // Whichever key sorts first won; both instances agree, and only the winner's part is kept.
        if ('e' in result) {
          assert.equal(result.e, ERRORS.INVALID_OFFSET);
          assert.deepEqual(stored, Buffer.from('AAAAAA'));
          assert.equal(info.offset, 6);
        } else {
          assert.equal(result.n, 4);
          assert.deepEqual(stored, Buffer.from('bbbb'));
          assert.equal(info.offset, 4);
        }
        assert.equal((await other.info(ID))!.offset, info.offset, 'every instance sees the same offset');
        const keys: string[] = [];
        for await (const k of blobs.list(`uploads/${ID}/part-`)) keys.push(k);
        assert.ok(keys.length <= 2);
      } finally {
        await cleanup();
      }
    });

    test('deferred length, unknown ids, removal', async () => {
      const { store, create, blobs, cleanup } = await setup();
      try {
        await create(undefined);
        assert.equal((await store.getUpload(ID)).size, undefined);
        await store.declareUploadLength(ID, 42);
        assert.equal((await store.getUpload(ID)).size, 42);
        await assert.rejects(store.getUpload('b'.repeat(32)), (e) => e === ERRORS.FILE_NOT_FOUND);
        await assert.rejects(store.getUpload('../../etc'), (e) => e === ERRORS.FILE_NOT_FOUND);
        await store.write(Readable.from([Buffer.from('abc')]), ID, 0);
        await store.remove(ID);
        const keys: string[] = [];
        for await (const k of blobs.list('uploads/')) keys.push(k);
        assert.deepEqual(keys, []);
      } finally {
        await cleanup();
      }
    });

    test('an upload created without an owner is refused', async () => {
      const { store, cleanup } = await setup();
      try {
        await assert.rejects(store.create(new Upload({ id: ID, offset: 0, size: 1, metadata: {} })), /owner/);
      } finally {
        await cleanup();
      }
    });

    test('expiry: only uploads created before the cut-off are swept', async () => {
      let now = Date.parse('2026-01-01T00:00:00Z');
      const { store, create, cleanup } = await setup(() => now);
      try {
        await create(10, 'c'.repeat(32));
        now += 2 * 3600_000;
        await create(10, 'd'.repeat(32));
        assert.equal(await store.deleteExpired(), 1);
        assert.equal(await store.info('c'.repeat(32)), null);
        assert.ok(await store.info('d'.repeat(32)));
      } finally {
        await cleanup();
      }
    });
  });
}
