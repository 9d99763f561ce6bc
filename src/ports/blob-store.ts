// The storage contract. Packages and icons cross it as streams; nothing reads a whole package into
// memory. One adapter per backend (storage/fs.ts, storage/s3.ts, storage/memory.ts); only the
// composition root imports adapters. Capabilities are declared, never probed.
import type { Readable } from 'node:stream';

export interface BlobStat {
  size: number;
  /**
   * Strong validator for HTTP ETag/If-Range (content hash or backend ETag), already in entity-tag
   * form with its double quotes (e.g. `"9f86d0…"`): send it as the ETag header value unchanged.
   */
  etag: string;
  lastModified: Date;
  contentType?: string;
  /** Hex SHA-256 of the content. Always set on the result of put() (hashed while streaming). */
  sha256?: string;
}

export interface BlobRange {
  /** Inclusive byte offsets, as in HTTP Range. */
  start: number;
  end: number;
}

export interface PutOptions {
  contentType?: string;
  /**
   * Known length, if any (lets S3 skip multipart for small bodies). When given, a body that is
   * shorter (UPLOAD_INCOMPLETE) or longer (VALIDATION) fails the put and stores nothing.
   */
  size?: number;
  signal?: AbortSignal;
  /**
   * Expected hex SHA-256, if known (e.g. when copying between stores). A mismatch fails the put
   * (VALIDATION) and stores nothing; stores that keep object metadata record it for stat().
   */
  sha256?: string;
}

export interface PresignOptions {
  expiresInSeconds: number;
  /** Suggested download filename (Content-Disposition). */
  filename?: string;
  contentType?: string;
}

/**
 * Bytes between two progress records of one long write (WriteAtOptions.syncEvery's default, and the
 * resumable uploads' parts): what a crash mid-PATCH can lose at most.
 */
export const SYNC_EVERY = 8 * 1024 * 1024;

export interface WriteAtOptions {
  /** Create the object when it is missing (else a missing object fails with NOT_FOUND). */
  create?: boolean;
  /** Called (and awaited, holding the body back) each time `syncEvery` more bytes are on disk. */
  onDurable?: (written: number) => Promise<void>;
  syncEvery?: number;
}

/** One part of a multipart write, as the store acknowledged it. */
export interface StoredPart {
  /** 1-based, in byte order. */
  partNumber: number;
  /** The store's tag for the part's bytes, given back when the parts are assembled. */
  etag: string;
}

/**
 * Writing one object in parts that arrive over time, possibly through several processes, and that
 * the store assembles itself (S3 multipart uploads). Nothing is visible under the key until
 * complete(). A resumable upload sends each part once, and the release's package appears without its
 * bytes crossing the network again. Parts other than the last must be at least `minPartSize`.
 */
export interface MultipartWrites {
  readonly minPartSize: number;
  readonly maxParts: number;
  /** Parts one writer may send at once. */
  readonly concurrency: number;
  /** Starts a write of `key`; returns its id. */
  begin(key: string, options?: { contentType?: string }): Promise<string>;
  /** Stores part `partNumber` (replacing one of that number); `size` is the body's exact length. */
  uploadPart(key: string, writeId: string, partNumber: number, body: Readable, size: number): Promise<StoredPart>;
  /**
   * Assembles the parts, in order, into the object. NOT_FOUND when the write is gone (completed,
   * aborted or expired at the store); CONFLICT when a part is not the one acknowledged.
   */
  complete(key: string, writeId: string, parts: readonly StoredPart[]): Promise<BlobStat>;
  /** Drops the write and its parts; a write that is gone already is not an error. */
  abort(key: string, writeId: string): Promise<void>;
}

export interface BlobStore {
  readonly kind: string; // 'fs' | 's3' | 'memory'
  readonly capabilities: { readonly presign: boolean };
  /**
   * Writes the stream under key atomically: readers see the old object or the whole new one, never a
   * partial one. If the stream errors or the signal aborts, nothing is left behind.
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<BlobStat>;
  /**
   * Moves a finished local file into the store under `key` without copying its bytes, where the
   * store can (fs storage on the same file system: one rename). Returns null when it cannot, and
   * the caller put()s the bytes instead; on null or an error the file is left where it was. Once it
   * returns a stat, the file belongs to the store. `options.size`/`sha256` describe the file (sha256
   * is recorded for stat(); a size mismatch fails with VALIDATION).
   */
  adoptFile?(key: string, path: string, options?: Omit<PutOptions, 'signal'>): Promise<BlobStat | null>;
  /**
   * Writes `body` into the object `key` from byte `offset` on, in place (fs storage: one file, each
   * write landing where its bytes belong). The object must exist unless `options.create` is set, so a
   * write can never bring back an object that was renamed or removed (a finished upload). Unlike put()
   * this is not atomic: it is for data whose valid extent is recorded elsewhere (a resumable upload's
   * parts). Bytes that arrived before the body failed stay written and are flushed to disk; the result
   * gives their count and the body's error. With `onDurable`, every `syncEvery` bytes are flushed to
   * disk and reported (the caller records them, so a crash keeps them). A storage error rejects; a
   * full disk (INSUFFICIENT_STORAGE) first gives back what this write added (the object is cut back to
   * `offset`), so a failed upload does not keep the disk full.
   */
  writeAt?(key: string, offset: number, body: Readable, options?: WriteAtOptions): Promise<{ written: number; bodyError: unknown }>;
  /**
   * Gives an object a new key in one atomic step, bytes untouched (fs: rename(2)); false when `from`
   * does not exist. Offered by the stores that offer writeAt.
   */
  rename?(from: string, to: string): Promise<boolean>;
  /**
   * Gives the object's bytes a second name at the local `path` without copying them (fs storage on
   * the same file system: a hard link), for a reader that needs a file. Returns false when the store
   * cannot; then nothing was created. The object itself is unchanged.
   */
  linkFile?(key: string, path: string): Promise<boolean>;
  /** Multipart writes the store assembles (S3); absent elsewhere. */
  readonly multipart?: MultipartWrites;
  /** Returns null when the key does not exist. */
  stat(key: string): Promise<BlobStat | null>;
  /** Throws OtashipError NOT_FOUND when missing. range is inclusive. */
  get(key: string, range?: BlobRange, signal?: AbortSignal): Promise<Readable>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix, in no particular order. */
  list(prefix: string): AsyncIterable<string>;
  /** A time-limited direct GET URL (only when capabilities.presign). */
  presignGet?(key: string, options: PresignOptions): Promise<string>;
  /**
   * Removes what writes cut off by a crash left behind, when started or last written before
   * `olderThan`: temporary files (fs), unfinished multipart uploads (S3). Returns how many; with
   * `dryRun` only counts them. Stores that keep no such leftovers (memory) do not implement it.
   */
  sweepTemporary?(olderThan: Date, options?: { dryRun?: boolean }): Promise<number>;
  close?(): Promise<void>;
}
