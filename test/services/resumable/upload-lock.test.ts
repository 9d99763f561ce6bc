// The cross-instance write lease of resumable uploads (UploadLeases) on a real SQLite file opened
// twice (two instances): a second request asks the holder to let go and gets the lease once it has;
// a lapsed lease (a crashed holder) is taken over and the old holder learns it lost it; a request that
// cannot get the lease in time is answered 423. And the writer's side: a PATCH whose lease is lost
// stops writing at once and records nothing more.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Upload } from '@tus/server';
import { openRepositories } from '../../../src/db/open.js';
import type { Repositories } from '../../../src/ports/repositories.js';
import { BlobUploadStore, OWNER_METADATA, type LeaseGuard } from '../../../src/services/resumable/blob-upload-store.js';
import { LOCKED, UploadLeases } from '../../../src/services/resumable/upload-lock.js';
import { openBlobStore } from '../../../src/storage/open.js';

let dir: string;
let one: Repositories;
let two: Repositories;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-upload-lock-'));
  one = await openRepositories(`sqlite:${join(dir, 'db.sqlite')}`);
  two = await openRepositories(`sqlite:${join(dir, 'db.sqlite')}`);
});
after(async () => {
  await one?.close();
  await two?.close();
  await rm(dir, { recursive: true, force: true });
});

const signal = () => new AbortController().signal;
/**
 * A promise with its resolver, to wait for a callback. The lease's renewal timer does not keep a
 * process alive (a server has its sockets for that): this does, until the callback comes.
 */
function called(): { promise: Promise<void>; fire: () => void } {
  let fire: () => void = () => undefined;
  const alive = setInterval(() => undefined, 1000);
  const promise = new Promise<void>((r) => (fire = r)).finally(() => clearInterval(alive));
  return { promise, fire };
}

describe('upload write leases across instances', () => {
  test('a second request asks the holder to let go, and gets the lease once it has', async () => {
    const id = randomBytes(16).toString('hex');
    const a = new UploadLeases(one.uploadLocks);
    const b = new UploadLeases(two.uploadLocks);
    const asked = called();
    const held = a.newLock(id);
    await held.lock(signal(), asked.fire);
    assert.ok(a.guardOf(id), 'the writer finds its guard');
    let bHasIt = false;
    const waiting = b
      .newLock(id)
      .lock(signal(), () => undefined)
      .then(() => {
        bHasIt = true;
      });
    await asked.promise; // A's renewal saw B's request
    assert.equal(bHasIt, false, 'B waits while A holds it');
    await held.unlock();
    await waiting;
    assert.equal(bHasIt, true);
    assert.equal(a.guardOf(id), undefined);
  });

  test('a lapsed lease is taken over; the old holder stops (check fails, its request is ended)', async () => {
    const id = randomBytes(16).toString('hex');
    let now = Date.now();
    const a = new UploadLeases(one.uploadLocks, { now: () => now });
    const b = new UploadLeases(two.uploadLocks, { now: () => now, waitMs: 0 });
    const ended = called();
    const lockA = a.newLock(id);
    await lockA.lock(signal(), ended.fire);
    a.guardOf(id)!.check();
    await assert.rejects(b.newLock(id).lock(signal(), () => undefined), (e) => e === LOCKED, 'held: 423 at once with no wait');
    now += 60_000; // A stopped renewing long ago (a paused or crashed process)
    const lockB = b.newLock(id);
    await lockB.lock(signal(), () => undefined);
    assert.throws(() => a.guardOf(id)!.check(), (e: { status_code?: number }) => e.status_code === 409, 'A may not write any more');
    await ended.promise; // A's next renewal fails: its request is ended
    await lockA.unlock();
    b.guardOf(id)!.check();
    await lockB.unlock();
  });

  test('a PATCH whose lease is lost stops writing and records nothing more', async () => {
    const blobs = await openBlobStore({ kind: 'fs', root: join(dir, 'blobs') });
    let lost = false;
    const guard: LeaseGuard = {
      check() {
        if (lost) throw { status_code: 409, body: 'lost\n' };
      },
    };
    const store = new BlobUploadStore(blobs, { tmpDir: join(dir, 'tmp'), expirationMs: 3600_000, leaseOf: () => guard });
    const id = randomBytes(16).toString('hex');
    const data = randomBytes(300_000);
    await store.create(new Upload({ id, offset: 0, size: data.length, metadata: { [OWNER_METADATA]: 'tok' } }));
    const body = new Readable({ read() {} });
    body.push(data.subarray(0, 100_000));
    const writing = store.write(body, id, 0);
    const file = join(dir, 'blobs', 'uploads', id, 'data');
    while ((await readFile(file)).length < 100_000) await new Promise((r) => setImmediate(r));
    lost = true;
    body.push(randomBytes(100_000)); // another request's bytes would be overwritten by these
    body.push(null);
    await assert.rejects(writing, (e: { status_code?: number }) => e.status_code === 409);
    assert.equal((await readFile(file)).length, 100_000, 'nothing written after the lease was lost');
    assert.equal((await store.info(id))!.offset, 0, 'and nothing recorded');
  });
});
