// Storage migration fs → S3 (s3rver, real AWS SDK): every blob copied and verified, re-runs skip
// what is already there, damaged or missing copies are redone; and the real CLI end to end.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { migrateBlobs } from '../../src/storage/migrate.js';
import type { MigrateEvent } from '../../src/storage/migrate.js';
import { openBlobStore } from '../../src/storage/open.js';
import { startS3 } from '../helpers/s3.js';
import type { LocalS3 } from '../helpers/s3.js';
import { generatedChunks, sha256Of } from './blob-store.conformance.js';

let s3Promise: Promise<LocalS3> | null = null;
const s3 = () => (s3Promise ??= startS3());
const dirs: string[] = [];
after(async () => {
  if (s3Promise) await (await s3Promise).stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'otaship-migrate-'));
  dirs.push(d);
  return d;
}

async function hashOf(store: BlobStore, key: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of await store.get(key)) h.update(c as Buffer);
  return h.digest('hex');
}

async function keysOf(store: BlobStore): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list('')) out.push(k);
  return out.sort();
}

const BLOBS: Record<string, Buffer> = {
  'releases/01a/package.ipa': Buffer.from('ipa bytes '.repeat(1000)),
  'releases/01a/icon.png': Buffer.from('png'),
  'releases/01a/icon-512.png': Buffer.from('bigger png'),
  'releases/02b/package.apk': Buffer.from('apk'),
  'releases/02b/empty.bin': Buffer.alloc(0),
};

async function seed(store: BlobStore): Promise<void> {
  for (const [key, data] of Object.entries(BLOBS)) {
    await store.put(key, Readable.from([data]), { contentType: key.endsWith('.png') ? 'image/png' : 'application/octet-stream' });
  }
  // One blob larger than a multipart part, so the copy streams through a multipart upload.
  await store.put('releases/03c/large.ipa', Readable.from(generatedChunks(20 * 1024 * 1024, 9)));
}

describe('storage migrate fs → s3', () => {
  test('copies everything verified, then resumes: skips same-hash blobs, redoes damaged and missing ones', { timeout: 120_000 }, async () => {
    const source = await openBlobStore({ kind: 'fs', root: tempDir() });
    await seed(source);
    const dest = await openBlobStore((await s3()).config('lib-run/'));
    try {
      const events: MigrateEvent[] = [];
      const first = await migrateBlobs(source, dest, { onEvent: (e) => events.push(e) });
      assert.equal(first.total, 6);
      assert.equal(first.copied, 6);
      assert.equal(first.failed, 0);
      assert.equal(first.bytesCopied, Object.values(BLOBS).reduce((n, b) => n + b.length, 0) + 20 * 1024 * 1024);
      assert.deepEqual(await keysOf(dest), await keysOf(source));
      for (const key of await keysOf(source)) {
        assert.equal(await hashOf(dest, key), await hashOf(source, key), key);
        assert.equal((await dest.stat(key))?.sha256, await hashOf(source, key), `${key}: hash recorded at the destination`);
      }
      assert.equal((await dest.stat('releases/01a/icon.png'))?.contentType, 'image/png');
      assert.equal(await hashOf(dest, 'releases/03c/large.ipa'), sha256Of(generatedChunks(20 * 1024 * 1024, 9)));

      const again = await migrateBlobs(source, dest);
      assert.deepEqual({ copied: again.copied, skipped: again.skipped, failed: again.failed }, { copied: 0, skipped: 6, failed: 0 });

      // Damage one copy (same size, other bytes) and lose another: only those two are redone.
      await dest.put('releases/01a/icon.png', Readable.from([Buffer.from('PNG')]));
      await dest.delete('releases/02b/package.apk');
      const redo: MigrateEvent[] = [];
      const third = await migrateBlobs(source, dest, { onEvent: (e) => redo.push(e) });
      assert.equal(third.copied, 2);
      assert.equal(third.skipped, 4);
      assert.deepEqual(
        redo.filter((e) => e.type === 'copied').map((e) => e.key).sort(),
        ['releases/01a/icon.png', 'releases/02b/package.apk'],
      );
      assert.equal((await hashOf(dest, 'releases/01a/icon.png')), await hashOf(source, 'releases/01a/icon.png'));
    } finally {
      await dest.close?.();
    }
  });

  test('dry run copies nothing; a failing blob is reported and the others still copy', async () => {
    const source = await openBlobStore({ kind: 'memory' });
    await source.put('a/1', Readable.from([Buffer.from('one')]));
    await source.put('a/2', Readable.from([Buffer.from('two')]));
    const dest = await openBlobStore({ kind: 'fs', root: tempDir() });
    const dry = await migrateBlobs(source, dest, { dryRun: true });
    assert.equal(dry.copied, 0);
    assert.deepEqual(await keysOf(dest), []);

    // A destination that refuses one key.
    const picky: BlobStore = {
      ...dest,
      kind: dest.kind,
      capabilities: dest.capabilities,
      stat: (k) => dest.stat(k),
      get: (k, r, s) => dest.get(k, r, s),
      delete: (k) => dest.delete(k),
      list: (p) => dest.list(p),
      put: (k, b, o) => (k === 'a/2' ? Promise.reject(new Error('disk full')) : dest.put(k, b, o)),
    };
    const result = await migrateBlobs(source, picky);
    assert.equal(result.copied, 1);
    assert.equal(result.failed, 1);
    assert.deepEqual(result.failures, [{ key: 'a/2', error: 'disk full' }]);
    assert.deepEqual(await keysOf(dest), ['a/1']);
  });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('otaship storage migrate (CLI)', () => {
  test('fs → s3 end to end, resumable, with a JSON summary', { timeout: 180_000 }, async () => {
    const local = await s3();
    const dir = tempDir();
    const source = await openBlobStore({ kind: 'fs', root: dir });
    await seed(source);
    const to = `s3://S3RVER:S3RVER@${local.bucket}/cli-run/?endpoint=${encodeURIComponent(local.endpoint)}&forcePathStyle=true&region=us-east-1`;

    const first = await cli(['storage', 'migrate', '--from', `fs:${dir}`, '--to', to, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as { total: number; copied: number; skipped: number; failed: number };
    assert.deepEqual({ total: summary.total, copied: summary.copied, skipped: summary.skipped, failed: summary.failed }, { total: 6, copied: 6, skipped: 0, failed: 0 });

    const dest = await openBlobStore(local.config('cli-run/'));
    try {
      for (const key of await keysOf(source)) assert.equal(await hashOf(dest, key), await hashOf(source, key), key);
    } finally {
      await dest.close?.();
    }

    const second = await cli(['storage', 'migrate', '--from', dir, '--to', to]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /6 blob\(s\): 0 copied \(0 B\), 6 already present, 0 failed/);
    assert.doesNotMatch(second.stdout, /S3RVER:S3RVER/, 'credentials are never printed');
  });

  test('bad locations are usage errors (exit 2) with a clear message', async () => {
    const res = await cli(['storage', 'migrate', '--from', 'ftp://x/y', '--to', 'fs:/tmp/x']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /unknown scheme/);
    const same = await cli(['storage', 'migrate', '--from', 'fs:/tmp/a', '--to', 'fs:/tmp/a']);
    assert.equal(same.code, 2);
    assert.match(same.stderr, /same storage/);
  });
});
