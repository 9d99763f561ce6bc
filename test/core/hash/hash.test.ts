import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ChunkedHasher, hashFile, hashStream } from '../../../src/core/hash/index.js';
import { OtashipError } from '../../../src/core/errors.js';
import { FIXTURES_DIR, FIXTURES_SKIP } from '../../helpers/fixtures.js';
import { propertyRuns } from '../../helpers/property-runs.js';

// Reference: hash each slice of the whole buffer directly.
function referenceChunks(algo: 'sha256' | 'md5', data: Buffer, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < data.length; i += size) out.push(createHash(algo).update(data.subarray(i, i + size)).digest('hex'));
  return out;
}

async function* pieces(data: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const c of cuts) {
    const end = Math.min(data.length, at + c);
    yield data.subarray(at, end);
    at = end;
  }
  if (at < data.length) yield data.subarray(at);
}

describe('ChunkedHasher', () => {
  test('chunk hashes match slices of the data whatever the pieces it is fed in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5000 }),
        fc.integer({ min: 1, max: 700 }),
        fc.array(fc.integer({ min: 0, max: 900 }), { maxLength: 20 }),
        async (bytes, size, cuts) => {
          const data = Buffer.from(bytes);
          const r = await hashStream(pieces(data, cuts), { sha256: true, md5: true, chunkSize: size });
          assert.equal(r.size, data.length);
          assert.equal(r.sha256, createHash('sha256').update(data).digest('hex'));
          assert.equal(r.md5, createHash('md5').update(data).digest('hex'));
          assert.deepEqual(r.sha256Chunks, { size, hashes: referenceChunks('sha256', data, size) });
          assert.deepEqual(r.md5Chunks, { size, hashes: referenceChunks('md5', data, size) });
        },
      ),
      { numRuns: propertyRuns(150) },
    );
  });

  test('exact multiples of the chunk size end without an empty trailing chunk', () => {
    const h = new ChunkedHasher('sha256', 4);
    h.update(Buffer.from('abcdefgh'));
    const r = h.digest();
    assert.equal(r.chunks?.hashes.length, 2);
  });

  test('refuses a bad chunk size and use after digest', async () => {
    assert.throws(() => new ChunkedHasher('md5', 0), RangeError);
    assert.throws(() => new ChunkedHasher('md5', undefined, { whole: false }), RangeError);
    await assert.rejects(hashStream(pieces(Buffer.alloc(1), []), { chunkSize: -5 }), (e: unknown) => e instanceof OtashipError && e.code === 'VALIDATION');
    const h = new ChunkedHasher('md5');
    h.digest();
    assert.throws(() => h.update(Buffer.alloc(1)));
  });

  test('defaults: whole SHA-256 only; chunkSize follows the whole hashes; per-algorithm chunk sizes', async () => {
    const data = randomBytes(3000);
    const plain = await hashStream(pieces(data, []));
    assert.deepEqual(Object.keys(plain).sort(), ['sha256', 'size']);
    const md5Only = await hashStream(pieces(data, []), { sha256: false, md5: true, chunkSize: 1000 });
    assert.deepEqual(Object.keys(md5Only).sort(), ['md5', 'md5Chunks', 'size']);
    const mixed = await hashStream(pieces(data, []), { sha256: false, md5ChunkSize: 1000, sha256ChunkSize: 2048 });
    // Per-algorithm chunk sizes without whole hashes: chunks only (no second pass over the bytes).
    assert.equal(mixed.sha256, undefined);
    assert.equal(mixed.md5, undefined);
    assert.equal(mixed.sha256Chunks?.hashes.length, 2);
    assert.equal(mixed.md5Chunks?.hashes.length, 3);
    assert.deepEqual(mixed.md5Chunks?.hashes, referenceChunks('md5', data, 1000));
  });

  test('memory stays flat while 512 MiB stream through (fresh buffers, none kept)', async () => {
    const MiB = 1024 * 1024;
    let peak = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 512; i++) {
        peak = Math.max(peak, process.memoryUsage.rss());
        yield Buffer.alloc(MiB, i & 0xff);
      }
    }
    const before = process.memoryUsage.rss();
    const r = await hashStream(source(), { sha256: true, chunkSize: 10 * MiB });
    assert.equal(r.size, 512 * MiB);
    assert.equal(r.sha256Chunks?.hashes.length, 52);
    // Keeping the buffers would add 512 MiB; streaming grows by GC slack only (~60 MiB measured).
    assert.ok(peak - before < 192 * MiB, `RSS grew by ${Math.round((peak - before) / MiB)} MiB`);
  });
});

describe('hashFile', () => {
  test('whole and chunk hashes of a file on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otaship-hash-'));
    try {
      const file = join(dir, 'a.bin');
      const data = randomBytes(10_000);
      writeFileSync(file, data);
      const r = await hashFile(file, { sha256: true, md5: true, chunkSize: 4096 });
      assert.equal(r.size, 10_000);
      assert.equal(r.sha256, createHash('sha256').update(data).digest('hex'));
      assert.deepEqual(r.sha256Chunks?.hashes, referenceChunks('sha256', data, 4096));
      assert.deepEqual(r.md5Chunks?.hashes, referenceChunks('md5', data, 4096));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing file or a directory is a FILE_NOT_FOUND error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otaship-hash-'));
    try {
      await assert.rejects(hashFile(join(dir, 'nope.ipa')), (e: unknown) => e instanceof OtashipError && e.code === 'FILE_NOT_FOUND');
      await assert.rejects(hashFile(dir), (e: unknown) => e instanceof OtashipError && /not a regular file/.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('SHA-256 of every real fixture matches manifest.jsonl', { skip: FIXTURES_SKIP }, async () => {
    const lines = readFileSync(join(FIXTURES_DIR, 'manifest.jsonl'), 'utf8').split('\n').filter(Boolean);
    assert.ok(lines.length > 0);
    for (const line of lines) {
      const entry = JSON.parse(line) as { file: string; size: number; sha256: string };
      const r = await hashFile(join(FIXTURES_DIR, entry.file));
      assert.equal(r.size, entry.size, entry.file);
      assert.equal(r.sha256, entry.sha256, entry.file);
    }
  });
});
