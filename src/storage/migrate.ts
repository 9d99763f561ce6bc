// Copies every blob from one store to another (e.g. fs → S3 when a server moves to object storage).
// Every copy is checked by SHA-256: the put is told the source's hash (so a corrupted transfer
// stores nothing) and, unless disabled, the destination is read back and hashed. Where the caller
// knows the hash a blob must have (a package's SHA-256 recorded in the database at publish), a
// source blob that differs is refused: copying it would spread a damaged package, and the source
// and destination agreeing proves nothing about it. Re-running is cheap and safe: blobs already at
// the destination with the same hash are skipped, so an interrupted migration resumes where it
// stopped; an interrupted put stores nothing (the BlobStore contract), and every copy in flight has
// finished cleaning up before migrateBlobs rejects.
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
  /** Hashes blobs must have, by key (e.g. packages as recorded at publish); label names the owner in errors. */
  recorded?: ReadonlyMap<string, RecordedHash>;
}

export interface RecordedHash {
  sha256: string;
  /** Who recorded it, for messages: e.g. "release 01j…". */
  label: string;
}

export type MigrateEvent =
  | { type: 'copied'; key: string; size: number; sha256: string }
  | { type: 'skipped'; key: string; size: number; reason: 'same-hash' | 'gone' }
  | { type: 'would-copy'; key: string; size: number }
  | { type: 'failed'; key: string; error: string; mismatch: boolean };

export interface MigrateSummary {
  total: number;
  copied: number;
  skipped: number;
  failed: number;
  /** Of the failures, source blobs that differ from their recorded hash (a re-run will not fix them). */
  mismatched: number;
  bytesCopied: number;
  failures: Array<{ key: string; error: string }>;
}

/** A source blob that is not what was recorded for it. */
class RecordedHashMismatch extends OtashipError {}

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
  const summary: MigrateSummary = { total: 0, copied: 0, skipped: 0, failed: 0, mismatched: 0, bytesCopied: 0, failures: [] };
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
    const recorded = options.recorded?.get(key);
    if (recorded && recorded.sha256 !== srcSha) throw mismatch(key, recorded, srcSha);
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
    // srcSha may be the hash the source store recorded rather than one computed now: the put
    // checks the bytes themselves against it as they stream, and stores nothing on a mismatch.
    const put = await destination
      .put(key, await source.get(key, undefined, signal), {
        size: srcStat.size,
        sha256: srcSha,
        ...(srcStat.contentType ? { contentType: srcStat.contentType } : {}),
        ...(signal ? { signal } : {}),
      })
      .catch((err: unknown) => {
        const actual = recorded && err instanceof OtashipError && err.code === 'VALIDATION' ? /SHA-256 ([0-9a-f]{64})/.exec(err.message)?.[1] : undefined;
        throw actual ? mismatch(key, recorded!, actual) : err;
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

  // One request to each store before any copy: a store that cannot be used at all (no credentials,
  // access denied, endpoint away) fails the run once, saying so, instead of failing every blob.
  await Promise.all([usable(source, 'source'), usable(destination, 'destination')]);

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
        const isMismatch = err instanceof RecordedHashMismatch;
        summary.failed += 1;
        if (isMismatch) summary.mismatched += 1;
        summary.failures.push({ key, error });
        emit({ type: 'failed', key, error, mismatch: isMismatch });
      }
    }
  };
  // allSettled, not all: on an abort, every worker's put must finish removing what it started
  // before the caller hears of it (and perhaps exits).
  const results = await Promise.allSettled(Array.from({ length: concurrency }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  if (listingError) throw listingError;
  return summary;
}

/** A key no blob has: asking for it needs the same access (credentials, bucket) as any blob. */
const PROBE_KEY = 'otaship-migrate-probe';

/** AWS SDK error names that mean no request can succeed until the credentials are fixed. */
const NO_ACCESS = new Set(['CredentialsProviderError', 'AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden']);

async function usable(store: BlobStore, role: 'source' | 'destination'): Promise<void> {
  try {
    await store.stat(PROBE_KEY);
  } catch (err) {
    const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
    const name = (cause as { name?: unknown } | null)?.name;
    const status = (cause as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
    if ((typeof name === 'string' && NO_ACCESS.has(name)) || status === 403) {
      throw new OtashipError(
        'STORAGE',
        `the ${role} storage refused access, so no blob was copied: ${(cause as Error).message || String(name)}`,
        {
          cause: err,
          hint:
            'Give S3 credentials in the location (s3://KEY:SECRET@bucket…) or through the AWS default chain ' +
            '(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ~/.aws, an instance role), then run the same command again.',
        },
      );
    }
    throw err;
  }
}

function mismatch(key: string, recorded: RecordedHash, actual: string): RecordedHashMismatch {
  return new RecordedHashMismatch(
    'STORAGE',
    `${recorded.label}: ${key} at the source has SHA-256 ${actual}, but ${recorded.sha256} was recorded when it was published; ` +
      'the source copy is damaged, so it was not copied (restore it from a backup, or delete the release)',
  );
}
