// A resumable upload that meets a full disk, on a real small file system: a 20 MiB tmpfs mounted as
// the blob storage folder of a real server. The PATCH that runs out of space is answered 507
// INSUFFICIENT_STORAGE, the bytes it wrote are given back (the disk is not left full), and the upload
// goes on once there is room. Stores that keep a PATCH in parts (memory) stage each part in a local
// temp file first: that one is removed when it fills the disk. On S3 the local copy of the upload is
// removed, and the parts already sent to the bucket are kept. Needs mount(2) (root); skipped with a message where it is not allowed,
// except under CI, where that is a failure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, statfs } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import { Upload } from '@tus/server';
import { OtashipError } from '../../src/core/errors.js';
import { BlobUploadStore, OWNER_METADATA } from '../../src/services/resumable/blob-upload-store.js';
import { openBlobStore } from '../../src/storage/open.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startS3 } from '../helpers/s3.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;

let dataDir: string;
let blobs: string;
let mounted = false;
let skip: string | false = false;
try {
  dataDir = await mkdtemp(join(tmpdir(), 'otaship-diskfull-'));
  blobs = join(dataDir, 'blobs');
  await mkdir(blobs);
  await run('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', blobs]);
  mounted = true;
} catch (err) {
  if (process.env.CI) throw new Error(`mounting a tmpfs for the full-disk test failed under CI: ${(err as Error).message}`, { cause: err });
  skip = `cannot mount a tmpfs here (needs root): ${(err as Error).message.split('\n')[0]}`;
}

let srv: TestServer;
before(async () => {
  if (skip) return;
  srv = await startTestServer({ settings: { dataDir } });
});
after(async () => {
  await srv?.stop();
  if (mounted) await run('umount', [blobs]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function used(): Promise<number> {
  const s = await statfs(blobs);
  return (s.blocks - s.bfree) * s.bsize;
}

/** Sends `body` as one PATCH in pieces, stopping when the server answers (it may answer early). */
function patch(id: string, offset: number, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${srv.baseUrl}/api/v1/uploads/${id}`, {
      method: 'PATCH',
      headers: srv.auth({
        'tus-resumable': '1.0.0',
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        'content-length': String(body.length),
      }),
    });
    let answered = false;
    req.once('response', (res: IncomingMessage) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('error', (err) => {
      if (!answered) reject(err);
    });
    const send = async () => {
      for (let at = 0; at < body.length && !answered; at += MiB) {
        await new Promise<void>((done) => req.write(body.subarray(at, at + MiB), () => done()));
      }
      if (!answered) req.end();
    };
    void send().catch(() => undefined);
  });
}

async function offsetOf(id: string): Promise<number> {
  const res = await fetch(`${srv.baseUrl}/api/v1/uploads/${id}`, { method: 'HEAD', headers: srv.auth({ 'tus-resumable': '1.0.0' }) });
  return Number(res.headers.get('upload-offset'));
}

describe('a resumable upload on a full disk', { skip }, () => {
  test('stores that keep parts (memory): a PATCH whose local temp file fills the disk fails with INSUFFICIENT_STORAGE and leaves nothing', async () => {
    const memory = await openBlobStore({ kind: 'memory' });
    const tmp = join(blobs, 'parts-tmp');
    // One part per 64 MiB: the temp file of the first (unfinished) part fills the 20 MiB disk.
    // Parts stored before a full disk would be kept (they are in the bucket, not on that disk).
    const store = new BlobUploadStore(memory, { tmpDir: tmp, expirationMs: 3600_000, syncEvery: 64 * MiB });
    const id = 'b'.repeat(32);
    await store.create(new Upload({ id, offset: 0, size: 30 * MiB, metadata: { [OWNER_METADATA]: 'tok' } }));
    const before = await used();
    await assert.rejects(
      store.write(Readable.from((function* () {
        for (let i = 0; i < 30; i++) yield randomBytes(MiB);
      })()), id, 0),
      (e: unknown) => e instanceof OtashipError && e.code === 'INSUFFICIENT_STORAGE',
    );
    assert.deepEqual(await readdir(tmp), [], 'the temp file is gone');
    assert.ok((await used()) - before < MiB, 'and its space given back');
    assert.equal((await store.info(id))!.offset, 0);
  });

  test('S3 (multipart parts): a full temp folder fails the PATCH with INSUFFICIENT_STORAGE, drops the local copy, keeps the parts sent', async () => {
    const s3 = await startS3('otaship-diskfull-s3');
    try {
      const bucket = await openBlobStore(s3.config('diskfull/'));
      const tmp = join(blobs, 'multipart-tmp');
      // Parts of 4 MiB: several are sent before the local copy fills the 20 MiB disk.
      const store = new BlobUploadStore(bucket, { tmpDir: tmp, expirationMs: 3600_000, syncEvery: 4 * MiB });
      const id = 'd'.repeat(32);
      const data = randomBytes(30 * MiB);
      await store.create(new Upload({ id, offset: 0, size: data.length, metadata: { [OWNER_METADATA]: 'tok' } }));
      const before = await used();
      await assert.rejects(
        store.write(Readable.from((function* () {
          for (let at = 0; at < data.length; at += MiB) yield data.subarray(at, at + MiB);
        })()), id, 0),
        (e: unknown) => e instanceof OtashipError && e.code === 'INSUFFICIENT_STORAGE',
      );
      assert.deepEqual(await readdir(tmp), [], 'the local copy is gone');
      assert.ok((await used()) - before < MiB, 'and its space given back');
      const kept = (await store.info(id))!.offset;
      assert.ok(kept > 0 && kept % (4 * MiB) === 0, `the parts sent before the disk filled are kept (${kept})`);
      // The upload goes on from there; this instance no longer vouches for the digest.
      assert.equal(await store.write(Readable.from([data.subarray(kept)]), id, kept), data.length);
      const info = (await store.info(id))!;
      assert.equal(await store.finishedDigest(info), null);
      await store.assemble(info);
      const chunks: Buffer[] = [];
      for await (const c of store.read((await store.info(id))!)) chunks.push(c as Buffer);
      assert.ok(Buffer.concat(chunks).equals(data));
      await store.remove(id);
    } finally {
      await s3.stop();
    }
  });

  test('the PATCH that runs out of space gets 507 and gives its bytes back; the upload goes on when there is room', async () => {
    const size = 30 * MiB;
    const created = await fetch(`${srv.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: srv.auth({ 'tus-resumable': '1.0.0', 'upload-length': String(size) }),
    });
    assert.equal(created.status, 201);
    const id = created.headers.get('location')!.split('/').pop()!;
    const data = randomBytes(size);
    const before = await used();

    const full = await patch(id, 0, data);
    assert.equal(full.status, 507, full.text);
    assert.match(full.text, /storage is full/);
    assert.match(full.text, /free space/);
    assert.ok((await used()) - before < MiB, `the disk is given back: ${before} bytes used before, ${await used()} after`);
    assert.equal(await offsetOf(id), 0, 'nothing of the failed PATCH is counted');

    // Room for a smaller upload's bytes: the same upload takes them.
    const ok = await patch(id, 0, data.subarray(0, 5 * MiB));
    assert.equal(ok.status, 204, ok.text);
    assert.equal(await offsetOf(id), 5 * MiB);
    const del = await fetch(`${srv.baseUrl}/api/v1/uploads/${id}`, { method: 'DELETE', headers: srv.auth({ 'tus-resumable': '1.0.0' }) });
    assert.equal(del.status, 204);
  });
});
