// Blobs between a store and the backup folder's blobs/ tree, hashed on the way so the manifest
// records what was actually written. Keys are checked names (storage/keys.ts), so joining them under
// blobs/ cannot leave it.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../ports/blob-store.js';
import { hashFile } from '../core/hash/index.js';
import { assertValidKey } from '../storage/keys.js';
import { BLOBS_DIR, type BackupBlob } from './manifest.js';

export function blobPath(backupDir: string, key: string): string {
  assertValidKey(key);
  return join(backupDir, BLOBS_DIR, ...key.split('/'));
}

/** Copies one blob out of the store into the backup (a new 0600 file); NOT_FOUND when it is gone. */
export async function copyBlobOut(store: BlobStore, key: string, backupDir: string): Promise<BackupBlob> {
  const dest = blobPath(backupDir, key);
  await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
  const source = await store.get(key);
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(source, tap, createWriteStream(dest, { flags: 'wx', mode: 0o600 }));
  return { key, size, sha256: hash.digest('hex') };
}

/** Puts a blob from the backup into the store; the store refuses it (VALIDATION) if the bytes differ from `blob.sha256`. */
export async function copyBlobIn(store: BlobStore, blob: BackupBlob, backupDir: string): Promise<void> {
  await store.put(blob.key, createReadStream(blobPath(backupDir, blob.key)), { size: blob.size, sha256: blob.sha256 });
}

/** Size and SHA-256 of a blob's copy in the backup; null when the file is missing. */
export async function hashBackupBlob(backupDir: string, key: string): Promise<{ size: number; sha256: string } | null> {
  try {
    const h = await hashFile(blobPath(backupDir, key));
    return { size: h.size, sha256: h.sha256! };
  } catch (err) {
    if ((err as { code?: string }).code === 'FILE_NOT_FOUND') return null;
    throw err;
  }
}

/** Size and SHA-256 of a blob in a store; null when it is missing. */
export async function hashStoredBlob(store: BlobStore, key: string): Promise<{ size: number; sha256: string } | null> {
  if ((await store.stat(key)) === null) return null;
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of await store.get(key)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * Runs `fn` over items, `concurrency` at a time. After a failure no new item starts, and the first
 * error is thrown only once every running one has settled: the caller may then remove what they
 * were writing without a straggler writing into it afterwards.
 */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (!failed && next < items.length) {
      try {
        await fn(items[next++]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  });
  const results = await Promise.allSettled(workers);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}
