// The multipart layout (S3 storage, here the s3rver test server over real HTTP): a PATCH's bytes are
// sent once, as parts of the multipart upload of the package's final key, and the store assembles
// them at publish. Pieces sit on part boundaries; a PATCH that ends mid-part leaves a tail piece that
// the next PATCH completes; another instance continues from what the store holds; removal aborts
// the multipart upload; the instance that received every byte keeps a local copy and its SHA-256.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ERRORS, Upload } from '@tus/server';
import type { BlobStore } from '../../../src/ports/blob-store.js';
import { BlobUploadStore, OWNER_METADATA, type LeaseGuard } from '../../../src/services/resumable/blob-upload-store.js';
import { openBlobStore } from '../../../src/storage/open.js';
import { startS3, type LocalS3 } from '../../helpers/s3.js';

const ID = 'e'.repeat(32);
/** Part size of these tests (S3's 5 MiB minimum is not enforced by s3rver; production uses 8 MiB). */
const P = 64 * 1024;

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function keys(blobs: BlobStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of blobs.list(prefix)) out.push(k);
  return out.sort();
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A body that delivers `data` and then fails, as a request whose connection is cut. */
function cutAfter(data: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) return void setImmediate(() => this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      sent = true;
      this.push(data);
    },
  });
}

let s3: LocalS3;
before(async () => {
  s3 = await startS3('otaship-multipart-test');
});
after(async () => {
  await s3.stop();
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'otaship-tus-multipart-'));
  const blobs: BlobStore = await openBlobStore(s3.config(`mp-${randomBytes(4).toString('hex')}/`));
  const releaseId = `r${randomBytes(6).toString('hex')}`;
  const planPackage = () => ({ key: `releases/${releaseId}/package.ipa`, contentType: 'application/octet-stream', releaseId });
  const storeOn = (name: string, leaseOf?: (id: string) => LeaseGuard | undefined) =>
    new BlobUploadStore(blobs, { tmpDir: join(dir, name), expirationMs: 3600_000, syncEvery: P, planPackage, ...(leaseOf ? { leaseOf } : {}) });
  const create = (store: BlobUploadStore, size: number | undefined) =>
    store.create(new Upload({ id: ID, offset: 0, ...(size === undefined ? {} : { size }), metadata: { filename: 'a.ipa', [OWNER_METADATA]: 'tok1' } }));
  return { dir, blobs, storeOn, create, packageKey: planPackage().key, releaseId, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

describe('multipart layout on S3 storage', () => {
  test('PATCHes of any size become parts on part boundaries; the store assembles the package; nothing else remains', async () => {
    const { blobs, storeOn, create, packageKey, releaseId, dir, cleanup } = await setup();
    try {
      const a = storeOn('tmp-a');
      const data = randomBytes(3 * P + 5000);
      await create(a, data.length);
      const info0 = (await a.info(ID))!;
      assert.equal(info0.layout, 'multipart');
      assert.equal(info0.multipart?.releaseId, releaseId);
      // Sizes that do not line up with the parts: 1.5 parts, then 1 part, then the rest.
      const cuts = [0, P + P / 2, 2 * P + P / 2, data.length];
      for (let i = 0; i + 1 < cuts.length; i++) {
        assert.equal(await a.write(Readable.from([data.subarray(cuts[i], cuts[i + 1])]), ID, cuts[i]!), cuts[i + 1]);
        const info = (await a.info(ID))!;
        assert.equal(info.offset, cuts[i + 1]);
        for (const piece of info.parts) assert.equal(piece.offset % P, 0, 'every piece starts on a part boundary');
      }
      const info = (await a.info(ID))!;
      assert.deepEqual(
        info.parts.map((p) => [p.offset, p.size, p.etag !== undefined]),
        [[0, P, true], [P, P, true], [2 * P, P, true], [3 * P, 5000, true]],
        'full parts, and the last piece sent as the last part',
      );
      assert.equal((await keys(blobs, `uploads/${ID}/`)).length, 5, 'info.json and one marker per part: tails were superseded and removed');
      assert.equal(await blobs.stat(packageKey), null, 'nothing is visible under the package key before assembly');

      assert.equal(await a.finishedDigest(info), sha256(data), 'hashed as the PATCHes arrived');
      await a.assemble(info);
      assert.deepEqual(await collect(await blobs.get(packageKey)), data, 'the store assembled exactly the bytes');
      const after = (await a.info(ID))!;
      assert.equal(after.assembled, true);
      await a.assemble(after); // idempotent
      assert.deepEqual(await collect(a.read(after)), data);

      const shadow = await a.takeShadow(after);
      assert.ok(shadow, 'the instance that received every byte has them locally');
      assert.deepEqual(await readFile(shadow.path), data);
      assert.equal(shadow.sha256, sha256(data));
      assert.equal(await a.takeShadow(after), null, 'taken once');

      await a.remove(ID);
      assert.deepEqual(await keys(blobs, `uploads/${ID}/`), []);
      assert.ok(await blobs.stat(packageKey), 'the assembled package stays: the release (or the blob sweeper) owns it');
      await rm(shadow.path, { force: true });
      assert.deepEqual(await readdir(join(dir, 'tmp-a')), []);
    } finally {
      await cleanup();
    }
  });

  test('a PATCH cut mid-part keeps a tail; another instance completes it from the store and assembles the same bytes', async () => {
    const { blobs, storeOn, create, packageKey, cleanup } = await setup();
    try {
      const a = storeOn('tmp-a');
      const b = storeOn('tmp-b');
      const data = randomBytes(2 * P + 777);
      await create(a, data.length);
      const sent = P + 1234;
      await assert.rejects(a.write(cutAfter(data.subarray(0, sent)), ID, 0), /aborted/);
      const cut = (await b.info(ID))!;
      assert.equal(cut.offset, sent, 'the bytes that arrived before the cut are kept');
      assert.deepEqual(cut.parts.map((p) => [p.offset, p.size, p.etag !== undefined]), [[0, P, true], [P, 1234, false]], 'a full part and a tail of bytes');

      assert.equal(await b.write(Readable.from([data.subarray(sent)]), ID, sent), data.length);
      const info = (await b.info(ID))!;
      assert.deepEqual(info.parts.map((p) => [p.offset, p.size]), [[0, P], [P, P], [2 * P, 777]]);
      assert.equal(await b.finishedDigest(info), null, 'B did not see every byte: the package is hashed when read back');
      assert.equal(await b.takeShadow(info), null);
      assert.equal(await a.finishedDigest(info), null, 'neither did A');
      await b.assemble(info);
      assert.deepEqual(await collect(await blobs.get(packageKey)), data);
    } finally {
      await cleanup();
    }
  });

  test('small PATCHes: each stores only its own bytes until a part is full; the part supersedes them, on any instance', async () => {
    const { blobs, storeOn, create, packageKey, cleanup } = await setup();
    try {
      const a = storeOn('tmp-a');
      const b = storeOn('tmp-b');
      const q = P / 4;
      const data = randomBytes(2 * P);
      await create(a, data.length);
      for (let at = 0; at < 3 * q; at += q) assert.equal(await a.write(Readable.from([data.subarray(at, at + q)]), ID, at), at + q);
      let info = (await a.info(ID))!;
      assert.deepEqual(info.parts.map((p) => [p.offset, p.size, p.etag !== undefined]), [[0, q, false], [q, q, false], [2 * q, q, false]], 'each PATCH stored its own bytes only');
      assert.equal(await a.write(Readable.from([data.subarray(3 * q, 4 * q)]), ID, 3 * q), P);
      info = (await a.info(ID))!;
      assert.deepEqual(info.parts.map((p) => [p.offset, p.size, p.etag !== undefined]), [[0, P, true]], 'the full part supersedes the pieces');
      assert.equal((await keys(blobs, `uploads/${ID}/`)).length, 2, 'and they are removed');
      // Two more small PATCHes on A, then B (without A's copy) fills the second part from the store.
      for (let at = P; at < P + 2 * q; at += q) await a.write(Readable.from([data.subarray(at, at + q)]), ID, at);
      assert.equal(await b.write(Readable.from([data.subarray(P + 2 * q)]), ID, P + 2 * q), data.length);
      info = (await b.info(ID))!;
      assert.deepEqual(info.parts.map((p) => [p.offset, p.size, p.etag !== undefined]), [[0, P, true], [P, P, true]]);
      assert.equal(await a.finishedDigest(info), null, "A's digest does not cover B's bytes");
      await b.assemble(info);
      assert.deepEqual(await collect(await blobs.get(packageKey)), data);
    } finally {
      await cleanup();
    }
  });

  test('a local copy removed between PATCHes (a sweep) is not vouched for: publishing reads the package back', async () => {
    const { blobs, storeOn, create, packageKey, dir, cleanup } = await setup();
    try {
      const a = storeOn('tmp-a');
      const data = randomBytes(2 * P + 300);
      await create(a, data.length);
      await a.write(Readable.from([data.subarray(0, P + 100)]), ID, 0);
      await rm(join(dir, 'tmp-a', `upload-${ID}.shadow`));
      // The next PATCH makes a new copy holding only its own bytes (and the piece it completes).
      assert.equal(await a.write(Readable.from([data.subarray(P + 100)]), ID, P + 100), data.length);
      const info = (await a.info(ID))!;
      assert.equal(await a.finishedDigest(info), null);
      assert.equal(await a.takeShadow(info), null);
      await a.assemble(info);
      assert.deepEqual(await collect(await blobs.get(packageKey)), data);
    } finally {
      await cleanup();
    }
  });

  test('a deferred length: the tail is stored as bytes and sent as the last part at assembly', async () => {
    const { blobs, storeOn, create, packageKey, cleanup } = await setup();
    try {
      const a = storeOn('tmp-a');
      const data = randomBytes(P + 99);
      await create(a, undefined);
      assert.equal(await a.write(Readable.from([data]), ID, 0), data.length);
      await a.declareUploadLength(ID, data.length);
      const info = (await a.info(ID))!;
      assert.deepEqual(info.parts.map((p) => [p.offset, p.size, p.etag !== undefined]), [[0, P, true], [P, 99, false]]);
      assert.equal(await a.finishedDigest(info), sha256(data));
      await a.assemble(info);
      assert.deepEqual(await collect(await blobs.get(packageKey)), data);
    } finally {
      await cleanup();
    }
  });

  test('an instance that died after the store assembled the package finds it assembled', async () => {
    const { blobs, storeOn, create, packageKey, cleanup } = await setup();
    try {
      const a = storeOn('tmp-a');
      const data = randomBytes(P + 10);
      await create(a, data.length);
      await a.write(Readable.from([data]), ID, 0);
      const info = (await a.info(ID))!;
      // The assembly went through at the store; the record of it never was written.
      await blobs.multipart!.complete(packageKey, info.multipart!.writeId, info.parts.map((p, i) => ({ partNumber: i + 1, etag: p.etag! })));
      const target = await storeOn('tmp-b').assemble(info);
      assert.equal(target.key, packageKey);
      assert.equal((await a.info(ID))!.assembled, true);
      assert.deepEqual(await collect(await blobs.get(packageKey)), data);
    } finally {
      await cleanup();
    }
  });

  test('a deferred length assembled by a request that died before recording it is found assembled', async () => {
    const { blobs, storeOn, create, packageKey, cleanup } = await setup();
    try {
      const a = storeOn('tmp-a');
      const data = randomBytes(P + 99);
      await create(a, undefined);
      await a.write(Readable.from([data]), ID, 0);
      await a.declareUploadLength(ID, data.length);
      const info = (await a.info(ID))!;
      const [first, tail] = info.parts;
      // What assemble() does, up to the assembly at the store; the record of it is never written.
      const last = await blobs.multipart!.uploadPart(packageKey, info.multipart!.writeId, 2, await blobs.get(tail!.key), tail!.size);
      await blobs.multipart!.complete(packageKey, info.multipart!.writeId, [{ partNumber: 1, etag: first!.etag! }, last]);
      await storeOn('tmp-b').assemble(info);
      assert.equal((await a.info(ID))!.assembled, true);
      assert.deepEqual(await collect(await blobs.get(packageKey)), data);
    } finally {
      await cleanup();
    }
  });

  test('an empty PATCH at the end of a finished upload changes nothing', async () => {
    const { storeOn, create, cleanup } = await setup();
    try {
      const a = storeOn('tmp-a');
      const data = randomBytes(P + 10);
      await create(a, data.length);
      await a.write(Readable.from([data]), ID, 0);
      assert.equal(await a.write(Readable.from([]), ID, data.length), data.length);
      assert.equal((await a.info(ID))!.offset, data.length);
    } finally {
      await cleanup();
    }
  });

  test('a PATCH whose parts the chain passes by (another request took over) gets 409 and its records go', async () => {
    const { blobs, storeOn, create, cleanup } = await setup();
    try {
      const a = storeOn('tmp-a');
      const data = randomBytes(3 * P);
      await create(a, data.length);
      const body = new Readable({ read() {} });
      body.push(data.subarray(0, P));
      const writing = a.write(body, ID, 0).then(
        (n) => ({ n }),
        (e: unknown) => ({ e }),
      );
      // A's first part is recorded while its PATCH is open...
      let parts: string[] = [];
      for (let polls = 0; polls < 5000 && parts.length === 0; polls++) {
        parts = (await keys(blobs, `uploads/${ID}/part-`)).filter((k) => /-e[a-f0-9]+$/.test(k));
        if (parts.length === 0) await new Promise((r) => setImmediate(r));
      }
      assert.equal(parts.length, 1);
      // ...then another request stores a piece at 0 that reaches further: the chain takes that one.
      const other = `uploads/${ID}/part-${'0'.repeat(16)}-${String(2 * P + 5).padStart(16, '0')}-ff`;
      await blobs.put(other, Readable.from([data.subarray(0, 2 * P + 5)]), { size: 2 * P + 5 });
      body.push(data.subarray(P, 2 * P));
      body.push(null);
      assert.deepEqual(await writing, { e: ERRORS.INVALID_OFFSET }, 'A does not acknowledge bytes the chain does not hold');
      const info = (await a.info(ID))!;
      assert.equal(info.offset, 2 * P + 5, 'the offset is the chain');
      assert.deepEqual((await keys(blobs, `uploads/${ID}/part-`)).filter((k) => /-e[a-f0-9]+$/.test(k)), [], "A's records are removed");
    } finally {
      await cleanup();
    }
  });

  test('removing an unfinished upload aborts its multipart upload and removes the local copy', async () => {
    const { blobs, storeOn, create, packageKey, dir, cleanup } = await setup();
    try {
      const a = storeOn('tmp-a');
      await create(a, 3 * P);
      await a.write(Readable.from([randomBytes(P + 5)]), ID, 0);
      const { writeId } = (await a.info(ID))!.multipart!;
      assert.deepEqual(await readdir(join(dir, 'tmp-a')), [`upload-${ID}.shadow`]);
      await a.remove(ID);
      assert.deepEqual(await keys(blobs, `uploads/${ID}/`), []);
      assert.deepEqual(await readdir(join(dir, 'tmp-a')), []);
      await assert.rejects(blobs.multipart!.complete(packageKey, writeId, [{ partNumber: 1, etag: '"x"' }]), (e: Error & { code?: string }) => e.code === 'NOT_FOUND');
      assert.equal(await blobs.stat(packageKey), null);
    } finally {
      await cleanup();
    }
  });

  test('the expiry sweep removes local copies of uploads that are gone (finished on another instance)', async () => {
    const { storeOn, create, dir, cleanup } = await setup();
    try {
      const a = storeOn('tmp-a');
      const b = storeOn('tmp-b');
      await create(a, 2 * P);
      await a.write(Readable.from([randomBytes(100)]), ID, 0);
      await b.remove(ID);
      assert.deepEqual(await readdir(join(dir, 'tmp-a')), [`upload-${ID}.shadow`]);
      await a.deleteExpired();
      assert.deepEqual(await readdir(join(dir, 'tmp-a')), []);
    } finally {
      await cleanup();
    }
  });

  test('a long PATCH sends each full part while it is still open; a server lost mid-PATCH keeps them', async () => {
    const { storeOn, create, blobs, packageKey, cleanup } = await setup();
    try {
      let leaseLost = false;
      const lease: LeaseGuard = {
        check() {
          if (leaseLost) throw Object.assign(new Error('lease lost'), { status_code: 409 });
        },
      };
      const a = storeOn('tmp-a', () => lease);
      const b = storeOn('tmp-b');
      const data = randomBytes(4 * P);
      await create(a, data.length);
      const body = new Readable({ read() {} });
      const sent = 2.5 * P;
      for (let at = 0; at < sent; at += 40_000) body.push(data.subarray(at, Math.min(at + 40_000, sent)));
      const writing = a.write(body, ID, 0);
      writing.catch(() => undefined);
      let offset = 0;
      for (let polls = 0; polls < 5000 && offset < 2 * P; polls++) {
        offset = (await b.info(ID))!.offset;
        if (offset < 2 * P) await new Promise((r) => setImmediate(r));
      }
      assert.equal(offset, 2 * P, 'the full parts are recorded while the PATCH is open');
      leaseLost = true;
      body.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      await assert.rejects(writing);
      assert.equal((await b.info(ID))!.offset, 2 * P, 'what A had not sent is not kept');
      assert.equal(await b.write(Readable.from([data.subarray(2 * P)]), ID, 2 * P), data.length);
      await b.assemble((await b.info(ID))!);
      assert.deepEqual(await collect(await blobs.get(packageKey)), data);
    } finally {
      await cleanup();
    }
  });
});
