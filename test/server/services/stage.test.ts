// stageUpload with a mirror: the bytes reach both the temp file and the mirror; every failure
// (empty, cut off, too large, failing mirror) settles promptly, even when the store attaches to the
// mirror stream late, and leaves no temp file and no mirrored blob.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stageUpload, type MirrorSink } from '../../../src/services/publish/stage.js';
import { OtashipError } from '../../../src/core/errors.js';

// Each test has its own temp folder: a failure in one cannot leave files that fail the next.
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-stage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A test that hangs fails on the runner's timeout instead of blocking the file. */
const bounded = { timeout: 60_000 };

/**
 * A mirror that starts consuming once `attach` resolves (a store that attaches only after an await)
 * and records what it got and whether it was deleted.
 */
function recordingMirror(attach: () => Promise<unknown>, fail?: Error) {
  const state = { bytes: Buffer.alloc(0), stored: false, deleted: false };
  const sink: MirrorSink = {
    key: 'releases/x/package.ipa',
    async write(stream) {
      await attach();
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

/**
 * A body that serves `chunks` when read, then ends — or, with `cut`, fails when read once more (a
 * connection reset after those bytes). `firstRead` resolves when staging first pulls from it.
 */
function body(chunks: Buffer[], cut = false) {
  let resolveFirst: () => void = () => undefined;
  const firstRead = new Promise<void>((r) => (resolveFirst = r));
  const queue = [...chunks];
  const stream = new Readable({
    read() {
      resolveFirst();
      const next = queue.shift();
      if (next) this.push(next);
      else if (cut) this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      else this.push(null);
    },
  });
  return { stream, firstRead };
}

async function settle<T>(p: Promise<T>): Promise<{ ok: T } | { err: unknown }> {
  return p.then((ok) => ({ ok }), (err: unknown) => ({ err }));
}

const codeOf = (r: { err: unknown } | { ok: unknown }) => ('err' in r && r.err instanceof OtashipError ? r.err.code : 'ok' in r ? 'OK' : String(r.err));

/** When the store attaches: at once, or only after staging has started reading the body. */
const ATTACH = {
  'at once': () => () => Promise.resolve(),
  'after the first read': (firstRead: Promise<void>) => () => firstRead.then(() => new Promise((r) => setImmediate(r))),
} as const;

describe('stageUpload with a mirror', () => {
  for (const [when, attachAt] of Object.entries(ATTACH)) {
    test(`success (store attaches ${when}): same bytes in file and mirror, right hash`, bounded, async () => {
      const data = randomBytes(3 * 1024 * 1024 + 17);
      const b = body([data.subarray(0, 1000), data.subarray(1000)]);
      const { sink, state } = recordingMirror(attachAt(b.firstRead));
      const r = await settle(stageUpload(b.stream, { tmpDir: dir, maxBytes: 1e9, mirror: sink, expectedSize: data.length }));
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

    test(`empty body (store attaches ${when}): VALIDATION, nothing kept`, bounded, async () => {
      const b = body([]);
      const { sink, state } = recordingMirror(attachAt(b.firstRead));
      const r = await settle(stageUpload(b.stream, { tmpDir: dir, maxBytes: 1e9, mirror: sink }));
      assert.equal(codeOf(r), 'VALIDATION');
      assert.ok(state.deleted);
      assert.deepEqual(await readdir(dir), []);
    });

    test(`cut-off body (store attaches ${when}): UPLOAD_INCOMPLETE, nothing kept`, bounded, async () => {
      const b = body([randomBytes(100_000)], true);
      const { sink, state } = recordingMirror(attachAt(b.firstRead));
      const r = await settle(stageUpload(b.stream, { tmpDir: dir, maxBytes: 1e9, mirror: sink }));
      assert.equal(codeOf(r), 'UPLOAD_INCOMPLETE');
      assert.ok(state.deleted);
      assert.deepEqual(await readdir(dir), []);
    });

    test(`shorter than Content-Length and over the limit (store attaches ${when})`, bounded, async () => {
      const b1 = body([Buffer.alloc(10)]);
      const short = recordingMirror(attachAt(b1.firstRead));
      const r1 = await settle(stageUpload(b1.stream, { tmpDir: dir, maxBytes: 1e9, mirror: short.sink, expectedSize: 11 }));
      assert.equal(codeOf(r1), 'UPLOAD_INCOMPLETE');
      assert.ok(short.state.deleted);
      const b2 = body([Buffer.alloc(600), Buffer.alloc(600)]);
      const big = recordingMirror(attachAt(b2.firstRead));
      const r2 = await settle(stageUpload(b2.stream, { tmpDir: dir, maxBytes: 1000, mirror: big.sink }));
      assert.equal(codeOf(r2), 'PAYLOAD_TOO_LARGE');
      assert.ok(big.state.deleted);
      assert.deepEqual(await readdir(dir), []);
    });
  }

  test("the store's digest is the upload's: one that gives none fails the upload (STORAGE), nothing kept", bounded, async () => {
    const { sink, state } = recordingMirror(() => Promise.resolve());
    const write = sink.write.bind(sink);
    const r = await settle(
      stageUpload(Readable.from([randomBytes(10_000)]), { tmpDir: dir, maxBytes: 1e9, mirror: { ...sink, write: async (s) => (await write(s), {}) } }),
    );
    assert.equal(codeOf(r), 'STORAGE');
    assert.ok(state.deleted);
    assert.deepEqual(await readdir(dir), []);
  });

  test('a body cut while staging creates its temp folder (before it listens): UPLOAD_INCOMPLETE, no hang', bounded, async () => {
    // The race behind the hanging cut-off test: the body fails while stageUpload awaits mkdir, so
    // its 'error' and 'close' have fired before staging attaches to it.
    for (const mirrored of [false, true]) {
      const b = body([randomBytes(100_000)]);
      const { sink, state } = recordingMirror(ATTACH['at once']());
      const staging = settle(stageUpload(b.stream, { tmpDir: join(dir, 'nested', String(mirrored)), maxBytes: 1e9, ...(mirrored ? { mirror: sink } : {}) }));
      b.stream.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      const r = await staging;
      assert.equal(codeOf(r), 'UPLOAD_INCOMPLETE');
      if (mirrored) assert.ok(state.deleted);
      assert.deepEqual(await readdir(join(dir, 'nested', String(mirrored))), []);
    }
  });

  test('a failing store fails the upload promptly and leaves no temp file', bounded, async () => {
    const { sink } = recordingMirror(() => Promise.resolve(), new OtashipError('STORAGE', 'bucket gone'));
    const endless = new Readable({ read() { this.push(Buffer.alloc(64 * 1024)); } });
    const r = await settle(stageUpload(endless, { tmpDir: dir, maxBytes: 1e12, mirror: sink }));
    assert.notEqual(codeOf(r), 'OK');
    endless.destroy();
    assert.deepEqual(await readdir(dir), []);
  });
});
