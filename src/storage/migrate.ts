// Copies every blob from one store to another (e.g. fs → S3 when a server moves to object storage).
// Every copy is checked by SHA-256: the put is told the source's hash (so a corrupted transfer
// stores nothing) and, unless disabled, the destination is read back and hashed. Re-running is
// cheap and safe: blobs already at the destination with the same hash are skipped, so an
// interrupted migration resumes where it stopped.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { OtashipError } from '../core/errors.js';
import type { BlobStat, BlobStore } from '../ports/blob-store.js';

export interface MigrateOptions {
  /** Read each copied blob back from the destination and compare hashes (default true). */
  verify?: boolean;
  /** Only report what would be copied. */
  dryRun?: boolean;
  /** Blobs copied in parallel (default 2). */
  concurrency?: number;
  /** Only keys under this prefix (default: everything). */
  prefix?: string;
  signal?: AbortSignal;
  onEvent?: (event: MigrateEvent) => void;
}

export type MigrateEvent =
  | { type: 'copied'; key: string; size: number; sha256: string }
  | { type: 'skipped'; key: string; size: number; reason: 'same-hash' | 'gone' }
  | { type: 'would-copy'; key: string; size: number }
  | { type: 'failed'; key: string; error: string };

export interface MigrateSummary {
  total: number;
  copied: number;
  skipped: number;
  failed: number;
  bytesCopied: number;
  failures: Array<{ key: string; error: string }>;
}

async function hashOf(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The blob's SHA-256: recorded by the store when it knows it, else computed by reading it. */
async function sha256Of(store: BlobStore, key: string, stat: BlobStat, signal?: AbortSignal): Promise<string> {
  return stat.sha256 ?? hashOf(await store.get(key, undefined, signal));
}

export async function migrateBlobs(source: BlobStore, destination: BlobStore, options: MigrateOptions = {}): Promise<MigrateSummary> {
  const { verify = true, dryRun = false, prefix = '', signal } = options;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 2, 16));
  const summary: MigrateSummary = { total: 0, copied: 0, skipped: 0, failed: 0, bytesCopied: 0, failures: [] };
  const emit = (event: MigrateEvent) => options.onEvent?.(event);

  async function copyOne(key: string): Promise<void> {
    const srcStat = await source.stat(key);
    if (!srcStat) {
      // Deleted since it was listed: nothing to migrate.
      summary.skipped += 1;
      emit({ type: 'skipped', key, size: 0, reason: 'gone' });
      return;
    }
    const srcSha = await sha256Of(source, key, srcStat, signal);
    const dstStat = await destination.stat(key);
    if (dstStat && dstStat.size === srcStat.size && (await sha256Of(destination, key, dstStat, signal)) === srcSha) {
      summary.skipped += 1;
      emit({ type: 'skipped', key, size: srcStat.size, reason: 'same-hash' });
      return;
    }
    if (dryRun) {
      emit({ type: 'would-copy', key, size: srcStat.size });
      return;
    }
    const put = await destination.put(key, await source.get(key, undefined, signal), {
      size: srcStat.size,
      sha256: srcSha,
      ...(srcStat.contentType ? { contentType: srcStat.contentType } : {}),
      ...(signal ? { signal } : {}),
    });
    if (verify) {
      const readBack = await hashOf(await destination.get(key, undefined, signal));
      if (readBack !== srcSha) {
        throw new OtashipError('STORAGE', `${key} reads back from the destination with SHA-256 ${readBack}, not ${srcSha}`);
      }
    }
    summary.copied += 1;
    summary.bytesCopied += put.size;
    emit({ type: 'copied', key, size: put.size, sha256: srcSha });
  }

  // A small worker pool over the (possibly huge) key listing; the listing is consumed lazily.
  const keys = source.list(prefix)[Symbol.asyncIterator]();
  let listingError: unknown;
  const next = async (): Promise<string | undefined> => {
    try {
      const r = await keys.next();
      return r.done ? undefined : r.value;
    } catch (err) {
      listingError ??= err;
      return undefined;
    }
  };
  const worker = async () => {
    for (let key = await next(); key !== undefined; key = await next()) {
      signal?.throwIfAborted();
      summary.total += 1;
      try {
        await copyOne(key);
      } catch (err) {
        if (signal?.aborted) throw err;
        const error = err instanceof Error ? err.message : String(err);
        summary.failed += 1;
        summary.failures.push({ key, error });
        emit({ type: 'failed', key, error });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (listingError) throw listingError;
  return summary;
}
