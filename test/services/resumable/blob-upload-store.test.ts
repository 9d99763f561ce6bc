// The tus DataStore over the BlobStore port, on the memory and fs adapters: parts in order, bytes that
// arrived before a cut are kept, a commit at a stale offset is refused (two instances racing, a
// stalled write landing late), an acknowledged offset never goes back, the owner is taken from
// server metadata and never shown, removal and expiry.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
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
        assert.deepEqual(await readdir(join(dir, 'tmp')).catch(() => []), [], 'per-request temp files are removed');
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

    test('a stalled write that ends after the client resumed on another instance stores nothing and gets 409', async () => {
      const { store: b, create, blobs, cleanup, dir } = await setup();
      try {
        const data = randomBytes(30_000);
        await create(data.length);
        // Instance A (a second store over the same blobs) records what it puts.
        const putByA: string[] = [];
        const blobsOfA: BlobStore = Object.create(blobs) as BlobStore;
        blobsOfA.put = (key, body, options) => {
          putByA.push(key);
          return blobs.put(key, body, options);
        };
        const a = new BlobUploadStore(blobsOfA, { tmpDir: join(dir, 'tmp-a'), expirationMs: 3600_000 });
        // A's PATCH from 0 delivers a third of the body, then its connection stalls (stays open).
        let reading!: () => void;
        const aReads = new Promise<void>((resolve) => (reading = resolve));
        let sent = false;
        const stalled = new Readable({
          read() {
            if (sent) return;
            sent = true;
            this.push(data.subarray(0, 10_000));
            reading();
          },
        });
        const aWrite = a.write(stalled, ID, 0).then(
          (n) => ({ n }),
          (e: unknown) => ({ e }),
        );
        await aReads;
        // The client gives up on A: HEAD on B says 0, and B takes the whole body.
        assert.equal((await b.getUpload(ID)).offset, 0);
        assert.equal(await b.write(Readable.from([data]), ID, 0), data.length);
        // A's connection finally closes: its shorter part must not take back B's offset.
        stalled.push(null);
        assert.deepEqual(await aWrite, { e: ERRORS.INVALID_OFFSET });
        assert.deepEqual(putByA.filter((k) => k.includes('/part-')), [], 'A stored no part');
        const info = (await b.info(ID))!;
        assert.equal(info.offset, data.length);
        assert.equal((await a.getUpload(ID)).offset, data.length, 'every instance sees the same offset');
        assert.deepEqual(await collect(b.read(info)), data);
        assert.deepEqual(await readdir(join(dir, 'tmp-a')).catch(() => []), [], "A's temp file is removed");
      } finally {
        await cleanup();
      }
    });

    // Two parts at one offset that both passed the check before either landed: the other instance's
    // part is stored and acknowledged (204, offset 6) just before ours lands. Both carry the same
    // file's bytes from offset 0 (as every PATCH of one upload does), one more of them than the other.
    const FILE = '0123456789';
    for (const [ours, outcome] of [
      [FILE.slice(0, 4), 'shorter: ours loses with 409'],
      [FILE.slice(0, 8), 'longer: ours wins, the offset moves forward'],
    ] as const) {
      test(`two puts at one offset overlap; ours is ${outcome}; an acknowledged offset never goes back`, async () => {
        const { store, create, blobs, cleanup, dir } = await setup();
        try {
          await create(10);
          const other = new BlobUploadStore(blobs, { tmpDir: join(dir, 'tmp2'), expirationMs: 3600_000 });
          let acknowledged = -1;
          const racing: BlobStore = Object.create(blobs) as BlobStore;
          // The other part lands just before ours, whichever way ours is stored (put, or adoptFile on fs).
          const raceIn = async (key: string) => {
            if (acknowledged < 0 && key.includes('/part-')) {
              acknowledged = await other.write(Readable.from([Buffer.from(FILE.slice(0, 6))]), ID, 0);
            }
          };
          racing.put = async (key, body, options) => {
            await raceIn(key);
            return blobs.put(key, body, options);
          };
          if (blobs.adoptFile) {
            const adopt = blobs.adoptFile.bind(blobs);
            racing.adoptFile = async (key, file, options) => {
              await raceIn(key);
              return adopt(key, file, options);
            };
          }
          const mine = new BlobUploadStore(racing, { tmpDir: join(dir, 'tmp'), expirationMs: 3600_000 });
          const result = await mine.write(Readable.from([Buffer.from(ours)]), ID, 0).then(
            (n) => ({ n }),
            (e: unknown) => ({ e }),
          );
          assert.equal(acknowledged, 6);
          const info = (await store.info(ID))!;
          const stored = await collect(store.read(info));
          if (ours.length < acknowledged) {
            assert.deepEqual(result, { e: ERRORS.INVALID_OFFSET });
            assert.deepEqual(stored, Buffer.from(FILE.slice(0, 6)));
          } else {
            assert.deepEqual(result, { n: ours.length });
            assert.deepEqual(stored, Buffer.from(ours));
          }
          assert.ok(info.offset >= acknowledged, `offset ${info.offset} went back from ${acknowledged}`);
          assert.equal((await other.info(ID))!.offset, info.offset, 'every instance sees the same offset');
        } finally {
          await cleanup();
        }
      });
    }

    test('a part landing late at an offset already covered never shortens the chain', async () => {
      const { store, create, blobs, cleanup } = await setup();
      try {
        await create(20);
        await store.write(Readable.from([Buffer.from('0123456789')]), ID, 0);
        await store.write(Readable.from([Buffer.from('abcdefghij')]), ID, 10);
        // A shorter part at 0 whose key sorts first, as a put that slipped past the check would leave.
        const late = `uploads/${ID}/part-${'0'.repeat(16)}-${'3'.padStart(16, '0')}-00`;
        await blobs.put(late, Readable.from([Buffer.from('012')]), { size: 3 });
        const info = (await store.info(ID))!;
        assert.equal(info.offset, 20);
        assert.deepEqual(await collect(store.read(info)), Buffer.from('0123456789abcdefghij'));
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

describe('BlobUploadStore: where the bytes live', () => {
  async function setup(kind: 'fs' | 'memory') {
    const dir = await mkdtemp(join(tmpdir(), 'otaship-tus-layout-'));
    const blobs = await openBlobStore(kind === 'fs' ? { kind: 'fs', root: join(dir, 'blobs') } : { kind: 'memory' });
    const store = new BlobUploadStore(blobs, { tmpDir: join(dir, 'tmp'), expirationMs: 3600_000 });
    const create = (s: BlobUploadStore, size: number) =>
      s.create(new Upload({ id: ID, offset: 0, size, metadata: { [OWNER_METADATA]: 'tok1' } }));
    return { dir, blobs, store, create, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }

  test('fs: PATCHes write into one data file; a finished upload links out with exactly its bytes', async () => {
    const { dir, blobs, store, create, cleanup } = await setup('fs');
    try {
      const data = randomBytes(200_000);
      await create(store, data.length);
      await store.write(Readable.from([data.subarray(0, 70_000)]), ID, 0);
      // Bytes past the end of the chain (a cut PATCH that lost to a longer one) are not the upload's.
      await blobs.writeAt!(`uploads/${ID}/data`, 70_000, Readable.from([data.subarray(70_000, 90_000)]));
      assert.equal(await store.linkFinished((await store.info(ID))!), null, 'an unfinished upload is not linked');
      await store.write(Readable.from([data.subarray(70_000)]), ID, 70_000);
      const info = (await store.info(ID))!;
      assert.deepEqual(info.parts.map((p) => [p.offset, p.size]), [[0, 70_000], [70_000, 130_000]]);
      const linked = await store.linkFinished(info);
      assert.ok(linked);
      assert.ok(linked.startsWith(join(dir, 'tmp')), 'in the store\'s temp folder');
      assert.deepEqual(await readFile(linked), data);
      assert.equal((await stat(linked)).ino, (await stat(join(dir, 'blobs', 'uploads', ID, 'final'))).ino, 'a link, not a copy');
      assert.deepEqual(await collect(store.read(info)), data);
    } finally {
      await cleanup();
    }
  });

  test('fs: the last PATCH seals the file; no write can reach a finished upload\'s bytes again', async () => {
    const { dir, blobs, store, create, cleanup } = await setup('fs');
    try {
      const data = randomBytes(100_000);
      await create(store, data.length);
      await store.write(Readable.from([data]), ID, 0);
      const final = join(dir, 'blobs', 'uploads', ID, 'final');
      await assert.rejects(stat(join(dir, 'blobs', 'uploads', ID, 'data')), /ENOENT/, 'the data name is gone with the last byte');
      const before = await stat(final);
      // A write that would come late (its check passed before the upload finished) finds no file
      // to open and creates none.
      await assert.rejects(store.write(Readable.from([randomBytes(10)]), ID, data.length - 10), (e: { status_code?: number }) => e.status_code === 409 || e.status_code === 410);
      await assert.rejects(blobs.writeAt!(`uploads/${ID}/data`, 0, Readable.from([randomBytes(10)])), /does not exist/);
      await assert.rejects(stat(join(dir, 'blobs', 'uploads', ID, 'data')), /ENOENT/);
      const linked = (await store.linkFinished((await store.info(ID))!))!;
      assert.deepEqual(await readFile(linked), data);
      assert.equal((await stat(final)).mtimeMs, before.mtimeMs);
    } finally {
      await cleanup();
    }
  });

  test('fs: a long PATCH records its progress as it goes, so a crash keeps what reached the disk', async () => {
    const { dir, blobs, cleanup } = await setup('fs');
    try {
      const store = new BlobUploadStore(blobs, { tmpDir: join(dir, 'tmp'), expirationMs: 3600_000, syncEvery: 64 * 1024 });
      const data = randomBytes(300_000);
      await store.create(new Upload({ id: ID, offset: 0, size: data.length, metadata: { [OWNER_METADATA]: 'tok1' } }));
      // The body stops after 200 000 bytes and never ends (a process killed mid-PATCH never commits).
      const body = new Readable({ read() {} });
      for (let at = 0; at < 200_000; at += 50_000) body.push(data.subarray(at, at + 50_000));
      let settled = false;
      const writing = store.write(body, ID, 0).finally(() => {
        settled = true;
      });
      // Waits for the records of the bytes on disk (every 64 KiB or more: 100 000 and 200 000).
      while ((await store.info(ID))!.offset < 200_000) await new Promise((r) => setImmediate(r));
      assert.equal((await store.info(ID))!.offset, 200_000);
      assert.equal(settled, false, 'recorded while the PATCH is still open');
      assert.equal((await store.info(ID))!.parts.length, 1, 'one record per PATCH: each replaces the previous');
      body.push(data.subarray(200_000));
      body.push(null);
      assert.equal(await writing, data.length);
      assert.deepEqual(await collect(store.read((await store.info(ID))!)), data);
    } finally {
      await cleanup();
    }
  });

  test('fs: an upload begun by an instance without in-place writes continues in parts', async () => {
    const { blobs, store, create, cleanup } = await setup('fs');
    try {
      // An older instance (or one whose store cannot write in place) created the upload.
      const partsOnly: BlobStore = Object.create(blobs) as BlobStore;
      Object.defineProperty(partsOnly, 'writeAt', { value: undefined });
      const older = new BlobUploadStore(partsOnly, { tmpDir: join(tmpdir(), 'otaship-older'), expirationMs: 3600_000 });
      const data = randomBytes(50_000);
      await create(older, data.length);
      await older.write(Readable.from([data.subarray(0, 20_000)]), ID, 0);
      await store.write(Readable.from([data.subarray(20_000)]), ID, 20_000);
      const info = (await store.info(ID))!;
      assert.equal(info.layout, 'parts');
      assert.equal(await blobs.stat(`uploads/${ID}/data`), null, 'no data file');
      assert.equal(await store.linkFinished(info), null);
      assert.deepEqual(await collect(store.read(info)), data);
    } finally {
      await cleanup();
    }
  });

  test('memory: the bytes stay in the parts; nothing is linked', async () => {
    const { store, create, cleanup } = await setup('memory');
    try {
      await create(store, 3);
      await store.write(Readable.from([Buffer.from('abc')]), ID, 0);
      const info = (await store.info(ID))!;
      assert.equal(info.layout, 'parts');
      assert.equal(await store.linkFinished(info), null);
      assert.deepEqual(await collect(store.read(info)), Buffer.from('abc'));
    } finally {
      await cleanup();
    }
  });
});
