// stageUpload with a mirror: the bytes reach both the temp file and the mirror; every failure
// (empty, cut off, too large, failing mirror) settles promptly, even when the store attaches to the
// mirror stream late, and leaves no temp file and no mirrored blob.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { stageUpload, type MirrorSink } from '../../../src/services/publish/stage.js';
import { OtashipError } from '../../../src/core/errors.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-stage-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A mirror that starts consuming after `delay` ms and records what it got and whether it was deleted. */
function recordingMirror(delay: number, fail?: Error) {
  const state = { bytes: Buffer.alloc(0), stored: false, deleted: false };
  const sink: MirrorSink = {
    key: 'releases/x/package.ipa',
    async write(stream) {
      await sleep(delay);
      if (fail) throw fail;
      const chunks: Buffer[] = [];
      await pipeline(stream, new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }));
      state.bytes = Buffer.concat(chunks);
      state.stored = true;
      // As a BlobStore.put does: the digest of what it stored.
      return { sha256: createHash('sha256').update(state.bytes).digest('hex') };
    },
    async delete() {
      state.deleted = true;
    },
  };
  return { sink, state };
}

/** Settles within a bound, or fails the test instead of hanging it. */
async function settle<T>(p: Promise<T>): Promise<{ ok: T } | { err: unknown }> {
  const r = await Promise.race([p.then((ok) => ({ ok }), (err: unknown) => ({ err })), sleep(10_000).then(() => 'hang' as const)]);
  assert.notEqual(r, 'hang', 'stageUpload must settle');
  return r as { ok: T } | { err: unknown };
}

const codeOf = (r: { err: unknown } | { ok: unknown }) => ('err' in r && r.err instanceof OtashipError ? r.err.code : 'ok' in r ? 'OK' : String(r.err));

describe('stageUpload with a mirror', () => {
  for (const delay of [0, 30]) {
    test(`success (store attaches after ${delay} ms): same bytes in file and mirror, right hash`, async () => {
      const data = randomBytes(3 * 1024 * 1024 + 17);
      const { sink, state } = recordingMirror(delay);
      const r = await settle(stageUpload(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), { tmpDir: dir, maxBytes: 1e9, mirror: sink, expectedSize: data.length }));
      assert.ok('ok' in r, String((r as { err: unknown }).err));
      const staged = r.ok;
      assert.equal(staged.sha256, createHash('sha256').update(data).digest('hex'));
      assert.deepEqual(await readFile(staged.path), data);
      assert.ok(state.stored);
      assert.deepEqual(state.bytes, data);
      staged.adoptMirror();
      await staged.dispose();
      assert.equal(state.deleted, false, 'an adopted mirror is kept');
      assert.deepEqual(await readdir(dir), []);
    });

    test(`empty body (store attaches after ${delay} ms): VALIDATION, nothing kept`, async () => {
      const { sink, state } = recordingMirror(delay);
      const r = await settle(stageUpload(Readable.from([]), { tmpDir: dir, maxBytes: 1e9, mirror: sink }));
      assert.equal(codeOf(r), 'VALIDATION');
      assert.ok(state.deleted);
      assert.deepEqual(await readdir(dir), []);
    });

    test(`cut-off body (store attaches after ${delay} ms): UPLOAD_INCOMPLETE, nothing kept`, async () => {
      const { sink, state } = recordingMirror(delay);
      const body = new PassThrough();
      body.write(randomBytes(100_000));
      setTimeout(() => body.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })), 20);
      const r = await settle(stageUpload(body, { tmpDir: dir, maxBytes: 1e9, mirror: sink }));
      assert.equal(codeOf(r), 'UPLOAD_INCOMPLETE');
      assert.ok(state.deleted);
      assert.deepEqual(await readdir(dir), []);
    });

    test(`shorter than Content-Length and over the limit (store after ${delay} ms)`, async () => {
      const short = recordingMirror(delay);
      const r1 = await settle(stageUpload(Readable.from([Buffer.alloc(10)]), { tmpDir: dir, maxBytes: 1e9, mirror: short.sink, expectedSize: 11 }));
      assert.equal(codeOf(r1), 'UPLOAD_INCOMPLETE');
      assert.ok(short.state.deleted);
      const big = recordingMirror(delay);
      const r2 = await settle(stageUpload(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { tmpDir: dir, maxBytes: 1000, mirror: big.sink }));
      assert.equal(codeOf(r2), 'PAYLOAD_TOO_LARGE');
      assert.ok(big.state.deleted);
      assert.deepEqual(await readdir(dir), []);
    });
  }

  test("the store's digest is the upload's: one that gives none fails the upload (STORAGE), nothing kept", async () => {
    const { sink, state } = recordingMirror(0);
    const write = sink.write.bind(sink);
    const r = await settle(
      stageUpload(Readable.from([randomBytes(10_000)]), { tmpDir: dir, maxBytes: 1e9, mirror: { ...sink, write: async (s) => (await write(s), {}) } }),
    );
    assert.equal(codeOf(r), 'STORAGE');
    assert.ok(state.deleted);
    assert.deepEqual(await readdir(dir), []);
  });

  test('a failing store fails the upload promptly and leaves no temp file', async () => {
    const { sink } = recordingMirror(0, new OtashipError('STORAGE', 'bucket gone'));
    const endless = new Readable({ read() { this.push(Buffer.alloc(64 * 1024)); } });
    const r = await settle(stageUpload(endless, { tmpDir: dir, maxBytes: 1e12, mirror: sink }));
    assert.notEqual(codeOf(r), 'OK');
    endless.destroy();
    assert.deepEqual(await readdir(dir), []);
  });
});
