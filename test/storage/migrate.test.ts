// Storage migration fs → S3 (s3rver, real AWS SDK): every blob copied and verified, re-runs skip
// what is already there, damaged or missing copies are redone; packages that differ from the SHA-256
// recorded at publish are refused; an abort leaves nothing half-copied; and the real CLI end to end
// (database check, Ctrl-C).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openRepositories } from '../../src/db/index.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { migrateBlobs } from '../../src/storage/migrate.js';
import type { MigrateEvent, RecordedHash } from '../../src/storage/migrate.js';
import { openBlobStore } from '../../src/storage/open.js';
import { sampleInfo } from '../db/repositories.conformance.js';
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

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('storage migrate checks packages against the SHA-256 recorded at publish', () => {
  test('a source package that differs from its recorded hash is refused, named; the others copy', async () => {
    const source = await openBlobStore({ kind: 'memory' });
    const good = Buffer.from('good package');
    const damaged = Buffer.from('damaged package');
    await source.put('releases/r1/package.ipa', Readable.from([good]));
    await source.put('releases/r2/package.ipa', Readable.from([damaged]));
    await source.put('releases/r2/icon.png', Readable.from([Buffer.from('png')]));
    const dest = await openBlobStore({ kind: 'fs', root: tempDir() });
    const recorded = new Map<string, RecordedHash>([
      ['releases/r1/package.ipa', { sha256: sha(good), label: 'release r1' }],
      ['releases/r2/package.ipa', { sha256: sha(Buffer.from('the published package')), label: 'release r2' }],
    ]);
    const events: MigrateEvent[] = [];
    const result = await migrateBlobs(source, dest, { recorded, onEvent: (e) => events.push(e) });
    assert.deepEqual({ copied: result.copied, failed: result.failed, mismatched: result.mismatched }, { copied: 2, failed: 1, mismatched: 1 });
    assert.equal(result.failures[0]?.key, 'releases/r2/package.ipa');
    assert.equal(
      result.failures[0]?.error,
      `release r2: releases/r2/package.ipa at the source has SHA-256 ${sha(damaged)}, but ${sha(Buffer.from('the published package'))} ` +
        'was recorded when it was published; the source copy is damaged, so it was not copied (restore it from a backup, or delete the release)',
    );
    assert.ok(events.some((e) => e.type === 'failed' && e.mismatch));
    assert.deepEqual(await keysOf(dest), ['releases/r1/package.ipa', 'releases/r2/icon.png']);

    // The same damaged bytes already at the destination are not "present": still refused.
    await dest.put('releases/r2/package.ipa', Readable.from([damaged]));
    const again = await migrateBlobs(source, dest, { recorded });
    assert.deepEqual({ skipped: again.skipped, mismatched: again.mismatched }, { skipped: 2, mismatched: 1 });
  });

  test('bytes that differ from the hash the source store vouches for are caught during the copy', async () => {
    const published = Buffer.from('the published package');
    const damaged = Buffer.from(published);
    damaged.writeUInt8(damaged.readUInt8(4) ^ 0x20, 4);
    const memory = await openBlobStore({ kind: 'memory' });
    await memory.put('releases/r3/package.ipa', Readable.from([damaged]));
    // A store whose recorded hash (fs sidecar, S3 metadata) still says what was published.
    const source: BlobStore = Object.create(memory) as BlobStore;
    source.stat = async (key) => {
      const st = await memory.stat(key);
      return st && { ...st, sha256: sha(published) };
    };
    const dest = await openBlobStore({ kind: 'fs', root: tempDir() });
    const recorded = new Map([['releases/r3/package.ipa', { sha256: sha(published), label: 'release r3' }]]);
    const result = await migrateBlobs(source, dest, { recorded });
    assert.equal(result.mismatched, 1);
    assert.match(result.failures[0]?.error ?? '', new RegExp(`^release r3: releases/r3/package\\.ipa at the source has SHA-256 ${sha(damaged)}, but ${sha(published)}`));
    assert.deepEqual(await keysOf(dest), []);
  });
});

describe('an aborted migration', () => {
  test('rejects once the copy in flight has cleaned up: nothing half-copied at the destination', async () => {
    const memory = await openBlobStore({ kind: 'memory' });
    await memory.put('releases/r4/package.ipa', Readable.from([Buffer.alloc(4096, 1)]));
    const controller = new AbortController();
    // The source delivers half the blob, then stalls; the abort comes while the put waits for more.
    const source: BlobStore = Object.create(memory) as BlobStore;
    let sent = false;
    source.get = async () =>
      new Readable({
        read() {
          if (sent) return;
          sent = true;
          this.push(Buffer.alloc(2048, 1));
          setImmediate(() => controller.abort());
        },
      });
    const root = tempDir();
    const dest = await openBlobStore({ kind: 'fs', root });
    await assert.rejects(migrateBlobs(source, dest, { signal: controller.signal }), (err: Error) => err.name === 'AbortError');
    // Not even the store's temp file (.package.ipa.<random>.tmp) is left.
    assert.deepEqual(readdirSync(root, { recursive: true }).filter((f) => String(f).includes('package')), []);
    assert.deepEqual(await keysOf(dest), []);
  });
});

/** A SQLite database holding one release per package key, with the given recorded hashes. */
async function databaseWith(packages: Record<string, string>): Promise<{ url: string; releaseOf: Map<string, string> }> {
  const url = join(tempDir(), 'otaship.db');
  const repos = await openRepositories(url);
  const releaseOf = new Map<string, string>();
  try {
    const app = await repos.apps.create({ platform: 'ios', bundleId: 'com.example.migrate', name: 'Migrate', isPublic: false });
    for (const [packageKey, sha256] of Object.entries(packages)) {
      const build = String(releaseOf.size + 1);
      const release = await repos.releases.create({
        appId: app.id,
        version: '1.0',
        build,
        name: 'Migrate',
        size: 1,
        sha256,
        packageKey,
        iconKey: null,
        icon57Key: null,
        icon512Key: null,
        info: sampleInfo('Migrate', build),
        notes: '',
        isPublic: null,
      });
      releaseOf.set(packageKey, release.id);
    }
  } finally {
    await repos.close();
  }
  return { url, releaseOf };
}

function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { encoding: 'utf8', timeout: 120_000, env: { ...env, NODE_NO_WARNINGS: '1' } },
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

    const packages = Object.fromEntries(
      await Promise.all((await keysOf(source)).filter((k) => k.endsWith('.ipa') || k.endsWith('.apk')).map(async (k) => [k, await hashOf(source, k)])),
    ) as Record<string, string>;
    const db = await databaseWith(packages);

    const first = await cli(['storage', 'migrate', '--from', `fs:${dir}`, '--to', to, '--json', '--database-url', db.url]);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as { total: number; copied: number; skipped: number; failed: number };
    assert.deepEqual({ total: summary.total, copied: summary.copied, skipped: summary.skipped, failed: summary.failed }, { total: 6, copied: 6, skipped: 0, failed: 0 });

    const dest = await openBlobStore(local.config('cli-run/'));
    try {
      for (const key of await keysOf(source)) assert.equal(await hashOf(dest, key), await hashOf(source, key), key);
    } finally {
      await dest.close?.();
    }

    const second = await cli(['storage', 'migrate', '--from', dir, '--to', to, '--database-url', db.url]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /6 blob\(s\): 0 copied \(0 B\), 6 already present, 0 failed/);
    assert.doesNotMatch(second.stdout, /S3RVER:S3RVER/, 'credentials are never printed');
  });

  test('a package that differs from its recorded hash is refused naming its release (exit 3); the rest is copied', async () => {
    const from = tempDir();
    const source = await openBlobStore({ kind: 'fs', root: from });
    await source.put('releases/ok/package.apk', Readable.from([Buffer.from('fine')]));
    await source.put('releases/bad/package.ipa', Readable.from([Buffer.from('rotten')]));
    const db = await databaseWith({ 'releases/ok/package.apk': sha(Buffer.from('fine')), 'releases/bad/package.ipa': sha(Buffer.from('as published')) });
    const to = tempDir();
    const res = await cli(['storage', 'migrate', '--from', from, '--to', to, '--database-url', db.url]);
    assert.equal(res.code, 3);
    const bad = db.releaseOf.get('releases/bad/package.ipa')!;
    assert.match(res.stderr, new RegExp(`failed {3}releases/bad/package\\.ipa: release ${bad}: releases/bad/package\\.ipa at the source has SHA-256 ${sha(Buffer.from('rotten'))}`));
    assert.match(res.stderr, /1 differ from the SHA-256 recorded at publish and stay uncopied until restored at the source/);
    assert.doesNotMatch(res.stderr, /unexpected error|run the same command again/);
    assert.deepEqual(await keysOf(await openBlobStore({ kind: 'fs', root: to })), ['releases/ok/package.apk']);
  });

  test('without the server database: a usage error saying how to name it, or --no-db-check', async () => {
    const from = tempDir();
    const missing = join(tempDir(), 'nowhere.db');
    const res = await cli(['storage', 'migrate', '--from', from, '--to', tempDir(), '--database-url', missing]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, new RegExp(`no otaship database at ${missing}.*--data-dir.*--no-db-check`));
    const unchecked = await cli(['storage', 'migrate', '--from', from, '--to', tempDir(), '--database-url', missing, '--no-db-check']);
    assert.equal(unchecked.code, 0, unchecked.stderr);
  });

  test('Ctrl-C: one line saying how to resume, exit 130, no bug report', { timeout: 60_000 }, async () => {
    // A destination that never answers an upload, so the copy is surely in flight when SIGINT comes.
    let putArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (putArrived = resolve));
    const fake = createServer((req, res) => {
      if (req.method === 'HEAD') {
        res.writeHead(404).end();
        return;
      }
      req.resume();
      putArrived();
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    try {
      const from = tempDir();
      const source = await openBlobStore({ kind: 'fs', root: from });
      await source.put('releases/r5/package.apk', Readable.from([Buffer.alloc(1000, 7)]));
      const to = `s3://K:S@stalled?endpoint=${encodeURIComponent(endpoint)}&forcePathStyle=true&region=us-east-1`;
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'storage', 'migrate', '--from', from, '--to', to, '--no-db-check'], {
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdout.resume();
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await arrived;
      child.kill('SIGINT');
      assert.equal(await exited, 130);
      assert.equal(stderr, 'otaship: storage migrate interrupted; nothing half-copied was kept — run the same command again to resume\n');
    } finally {
      fake.closeAllConnections();
      fake.close();
    }
  });

  test('no S3 credentials: one refusal up front saying how to give them, not one failure per blob', { timeout: 60_000 }, async () => {
    const local = await s3();
    const from = tempDir();
    const source = await openBlobStore({ kind: 'fs', root: from });
    await seed(source);
    // Nothing in the AWS default chain: no variables, no ~/.aws, no instance metadata.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    const home = tempDir();
    const bare = { ...env, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') };
    const to = `s3://${local.bucket}/nocreds/?endpoint=${encodeURIComponent(local.endpoint)}&forcePathStyle=true&region=us-east-1`;
    const res = await cli(['storage', 'migrate', '--from', from, '--to', to, '--no-db-check'], bare);
    assert.equal(res.code, 3, res.stderr);
    assert.doesNotMatch(res.stderr, /failed {3}releases\//, 'no blob is tried');
    const lines = res.stderr.trim().split('\n');
    assert.equal(lines.length, 1, res.stderr);
    assert.match(lines[0]!, /^otaship: the destination storage refused access, so no blob was copied: .*credentials/i);
    assert.match(lines[0]!, /s3:\/\/KEY:SECRET@bucket.*AWS_ACCESS_KEY_ID/);
  });

  test('bad locations are usage errors (exit 2) with a clear message', async () => {
    const res = await cli(['storage', 'migrate', '--from', 'ftp://x/y', '--to', 'fs:/tmp/x']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /unknown scheme/);
    const same = await cli(['storage', 'migrate', '--from', 'fs:/tmp/a', '--to', 'fs:/tmp/a']);
    assert.equal(same.code, 2);
    assert.match(same.stderr, /same storage/);
    // Usage errors point at this command's own help, not the list of commands.
    assert.match(same.stderr, /Run `otaship storage migrate --help` for usage\.\n$/);
  });
});
