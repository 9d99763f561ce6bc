// The parts layout (memory storage; S3 has the multipart layout: multipart-layout.test.ts) keeps a long PATCH's bytes as they arrive: every
// SYNC_EVERY bytes they are stored as the next part of the chain, so another instance sees them
// while the PATCH is still open and a server that dies mid-PATCH keeps them. Two store instances
// over one storage stand for two servers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Upload } from '@tus/server';
import type { BlobStore } from '../../../src/ports/blob-store.js';
import { BlobUploadStore, OWNER_METADATA, type LeaseGuard } from '../../../src/services/resumable/blob-upload-store.js';
import { openBlobStore } from '../../../src/storage/open.js';

const ID = 'c'.repeat(32);
const EVERY = 64 * 1024;

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}


for (const kind of ['memory'] as const) {
  describe(`parts layout on ${kind} storage`, () => {
    test('a long PATCH stores a part every SYNC_EVERY bytes; a server lost mid-PATCH keeps them and the upload resumes', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'otaship-tus-progress-'));
      try {
        const blobs: BlobStore = await openBlobStore({ kind });
        // Server A holds the write lease until it is "lost" (its process gone, the lease lapsed).
        let leaseLost = false;
        const lease: LeaseGuard = {
          check() {
            if (leaseLost) throw Object.assign(new Error('lease lost'), { status_code: 409 });
          },
        };
        const a = new BlobUploadStore(blobs, { tmpDir: join(dir, 'tmp-a'), expirationMs: 3600_000, syncEvery: EVERY, leaseOf: () => lease });
        const b = new BlobUploadStore(blobs, { tmpDir: join(dir, 'tmp-b'), expirationMs: 3600_000, syncEvery: EVERY });
        const data = randomBytes(4 * EVERY);
        await a.create(new Upload({ id: ID, offset: 0, size: data.length, metadata: { [OWNER_METADATA]: 'tok1' } }));

        // 2.5 × SYNC_EVERY bytes arrive, in chunks that do not line up with it, then the body stalls.
        const body = new Readable({ read() {} });
        const sent = 2.5 * EVERY;
        for (let at = 0; at < sent; at += 40_000) body.push(data.subarray(at, Math.min(at + 40_000, sent)));
        let settled = false;
        const writing = a.write(body, ID, 0).finally(() => {
          settled = true;
        });
        writing.catch(() => undefined);

        // Server B sees the two full parts while A's PATCH is still open.
        let offset = 0;
        for (let polls = 0; polls < 5000 && offset < 2 * EVERY; polls++) {
          offset = (await b.info(ID))!.offset;
          if (offset < 2 * EVERY) await new Promise((r) => setImmediate(r));
        }
        assert.equal(offset, 2 * EVERY, 'the bytes of the full parts are visible to another instance');
        assert.equal(settled, false, 'stored while the PATCH is still open');
        const parts = (await b.info(ID))!.parts;
        assert.deepEqual(parts.map((p) => [p.offset, p.size]), [[0, EVERY], [EVERY, EVERY]], 'one PATCH, several consecutive parts');

        // A is gone: its lease lapses and its connection is cut. What it had not stored is not kept.
        leaseLost = true;
        body.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
        await assert.rejects(writing);
        assert.equal((await b.info(ID))!.offset, 2 * EVERY, 'the offset stays at the stored parts');
        assert.deepEqual(await readdir(join(dir, 'tmp-a')), [], "A's temp files are removed");

        // The client resumes on B from there, to the exact bytes.
        assert.equal(await b.write(Readable.from([data.subarray(2 * EVERY)]), ID, 2 * EVERY), data.length);
        const info = (await b.info(ID))!;
        assert.equal(info.offset, data.length);
        assert.deepEqual(await collect(b.read(info)), data);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    test('a cut body keeps the full parts and the bytes after them; temp files go', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'otaship-tus-progress-'));
      try {
        const blobs: BlobStore = await openBlobStore({ kind });
        const store = new BlobUploadStore(blobs, { tmpDir: join(dir, 'tmp'), expirationMs: 3600_000, syncEvery: EVERY });
        const data = randomBytes(3 * EVERY);
        await store.create(new Upload({ id: ID, offset: 0, size: data.length, metadata: { [OWNER_METADATA]: 'tok1' } }));
        const sent = 2 * EVERY + 1000;
        let pushed = false;
        const body = new Readable({
          read() {
            if (pushed) return void setImmediate(() => this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
            pushed = true;
            this.push(data.subarray(0, sent));
          },
        });
        await assert.rejects(store.write(body, ID, 0), /aborted/);
        const info = (await store.info(ID))!;
        assert.deepEqual(info.parts.map((p) => [p.offset, p.size]), [[0, EVERY], [EVERY, EVERY], [2 * EVERY, 1000]]);
        assert.deepEqual(await readdir(join(dir, 'tmp')), []);
        assert.equal(await store.write(Readable.from([data.subarray(sent)]), ID, sent), data.length);
        assert.deepEqual(await collect(store.read((await store.info(ID))!)), data);
        assert.equal(await store.deleteExpired(), 0);
        await store.remove(ID);
        assert.equal(await store.info(ID), null);
        for await (const key of blobs.list('uploads/')) assert.fail(`left behind: ${key}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
