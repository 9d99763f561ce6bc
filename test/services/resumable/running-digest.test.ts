// The SHA-256 of a resumable upload computed while its PATCHes arrive (fs storage, where the bytes
// are written in place): trusted only when this instance wrote the whole chain in order; every other
// history (another instance, a restart, a racing or late write) leaves the caller to read back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { ERRORS, Upload } from '@tus/server';
import type { BlobStore } from '../../../src/ports/blob-store.js';
import { BlobUploadStore, OWNER_METADATA } from '../../../src/services/resumable/blob-upload-store.js';
import { openBlobStore } from '../../../src/storage/open.js';

const ID = 'b'.repeat(32);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'otaship-digest-'));
  const blobs: BlobStore = await openBlobStore({ kind: 'fs', root: join(dir, 'blobs') });
  /** One server instance's store; several over the same blobs are several instances. */
  const instance = (name: string) => new BlobUploadStore(blobs, { tmpDir: join(dir, `tmp-${name}`), expirationMs: 3600_000 });
  const a = instance('a');
  const create = (size: number) =>
    a.create(new Upload({ id: ID, offset: 0, size, metadata: { filename: 'a.ipa', [OWNER_METADATA]: 'tok1' } }));
  const digestOn = async (store: BlobUploadStore) => store.finishedDigest((await store.info(ID))!);
  // The upload's file: `data` while PATCHes arrive, `final` once the last byte sealed it.
  const dataFile = () =>
    readFile(join(dir, 'blobs', 'uploads', ID, 'final')).catch(() => readFile(join(dir, 'blobs', 'uploads', ID, 'data')));
  return { dir, blobs, a, instance, create, digestOn, dataFile, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A body that delivers `first`, then waits for release(rest) before ending (a stalled connection). */
function stalledBody(first: Buffer) {
  const body = new PassThrough();
  body.write(first);
  return { body, release: (rest: Buffer) => body.end(rest) };
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

describe('running digest of a resumable upload (fs storage)', () => {
  test('one PATCH: the digest is the SHA-256 of the file', async () => {
    const { a, create, digestOn, dataFile, cleanup } = await setup();
    try {
      const data = randomBytes(700_001);
      await create(data.length);
      await a.write(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), ID, 0);
      assert.equal(await digestOn(a), sha256(data));
      assert.deepEqual(await dataFile(), data);
    } finally {
      await cleanup();
    }
  });

  test('several PATCHes in order, one of them cut off and continued: still the SHA-256 of the file', async () => {
    const { a, create, digestOn, cleanup } = await setup();
    try {
      const data = randomBytes(900_000);
      await create(data.length);
      assert.equal(await a.write(Readable.from([data.subarray(0, 300_000)]), ID, 0), 300_000);
      await assert.rejects(a.write(cutAfter(data.subarray(300_000, 400_000)), ID, 300_000), /aborted/);
      const offset = (await a.getUpload(ID)).offset!;
      assert.equal(offset, 400_000, 'the bytes that arrived before the cut are kept');
      assert.equal(await digestOn(a), null, 'unfinished: no digest yet');
      await a.write(Readable.from([data.subarray(offset)]), ID, offset);
      assert.equal(await digestOn(a), sha256(data));
    } finally {
      await cleanup();
    }
  });

  test('PATCHes split over two instances: neither trusts a digest', async () => {
    const { a, instance, create, digestOn, cleanup } = await setup();
    try {
      const data = randomBytes(200_000);
      await create(data.length);
      const b = instance('b');
      await a.write(Readable.from([data.subarray(0, 50_000)]), ID, 0);
      await b.write(Readable.from([data.subarray(50_000)]), ID, 50_000);
      assert.equal(await digestOn(a), null);
      assert.equal(await digestOn(b), null);
    } finally {
      await cleanup();
    }
  });

  test('after a restart (a new instance over the same storage) the finished upload has no digest', async () => {
    const { a, instance, create, digestOn, cleanup } = await setup();
    try {
      const data = randomBytes(200_000);
      await create(data.length);
      await a.write(Readable.from([data.subarray(0, 80_000)]), ID, 0);
      const restarted = instance('a2');
      await restarted.write(Readable.from([data.subarray(80_000)]), ID, 80_000);
      assert.equal(await digestOn(restarted), null);
      // And one that received everything before the restart, published after it:
      const other = instance('a3');
      assert.equal(await digestOn(other), null);
    } finally {
      await cleanup();
    }
  });

  test("a part another instance stored at the run's offset breaks the run", async () => {
    const { a, blobs, create, digestOn, cleanup } = await setup();
    try {
      const data = randomBytes(100_000);
      await create(data.length);
      await a.write(Readable.from([data.subarray(0, 40_000)]), ID, 0);
      // Another instance's part over the same bytes, stored in the race the store allows; the
      // smallest key wins the tie, so the chain is now made of its part, not ours.
      const digits = (n: number) => String(n).padStart(16, '0');
      await blobs.put(`uploads/${ID}/part-${digits(0)}-${digits(40_000)}-0000000000000000`, Readable.from([]), { size: 0 });
      assert.ok((await a.info(ID))!.parts[0]!.key.endsWith('-0000000000000000'), 'the other part is in the chain');
      await a.write(Readable.from([data.subarray(40_000)]), ID, 40_000);
      assert.equal(await digestOn(a), null);
    } finally {
      await cleanup();
    }
  });

  test('two PATCHes of one upload at once on one instance: no digest', async () => {
    const { a, create, digestOn, cleanup } = await setup();
    try {
      const data = randomBytes(100_000);
      await create(data.length);
      const first = stalledBody(data.subarray(0, 10_000));
      const firstWrite = a.write(first.body, ID, 0).then(
        (n) => ({ n }),
        (e: unknown) => ({ e }),
      );
      assert.equal(await a.write(Readable.from([data]), ID, 0), data.length);
      first.release(data.subarray(10_000, 20_000));
      assert.deepEqual(await firstWrite, { e: ERRORS.INVALID_OFFSET });
      assert.equal(await digestOn(a), null);
    } finally {
      await cleanup();
    }
  });

  test('a PATCH on another instance that starts after the upload was sealed: refused, file and digest hold', async () => {
    // Writers that overlap in time are kept apart by the database lease (upload-lock tests); the
    // seal is what keeps a finished upload's file out of reach of a later one.
    const { a, instance, create, digestOn, dataFile, cleanup } = await setup();
    try {
      const data = randomBytes(100_000);
      const other = randomBytes(30_000); // a client that sends different bytes for the same offset
      await create(data.length);
      await a.write(Readable.from([data]), ID, 0);
      assert.equal(await digestOn(a), sha256(data));
      await assert.rejects(instance('b').write(Readable.from([other]), ID, 0));
      assert.equal(sha256(await dataFile()), sha256(data), 'the sealed file never takes the late bytes');
      assert.equal(await digestOn(a), sha256(data));
    } finally {
      await cleanup();
    }
  });

  test('a data file changed by something other than a PATCH: no digest', async () => {
    const { a, dir, create, digestOn, cleanup } = await setup();
    try {
      const data = randomBytes(50_000);
      await create(data.length);
      await a.write(Readable.from([data]), ID, 0);
      assert.equal(await digestOn(a), sha256(data));
      await appendFile(join(dir, 'blobs', 'uploads', ID, 'final'), 'x');
      assert.equal(await digestOn(a), null);
    } finally {
      await cleanup();
    }
  });
});
