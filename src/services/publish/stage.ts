// Staging an upload: the request body streams to a temp file on local disk while SHA-256 and the
// byte count are computed on the way (constant memory, whatever the package size). Inspection then
// reads the zip from that file by random access.
//
// Optionally the same bytes are mirrored, as they arrive, into the blob store under the key the
// package will most likely keep (`mirror`): the storage write then overlaps the upload instead of
// following it, which halves ingest time on disk and hides an S3 upload behind the network transfer.
// Backpressure comes from both the temp file and the mirror. The store hashes what it stores
// (BlobStore.put), so with a mirror that digest is the upload's and the bytes are hashed once.
//
// A cut-off, oversized or failing upload removes its temp file (and its mirrored blob) before the
// error propagates, so nothing stray is left behind.
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OtashipError, isOtashipError } from '../../core/errors.js';
import { hashFile, type FileHashes } from '../../core/hash/index.js';
import { newId } from '../ids.js';

export interface StagedUpload {
  /** Upload id; the release created from it takes the same id. */
  id: string;
  path: string;
  size: number;
  sha256: string;
  /** The mirrored blob, when one was written (see module comment). */
  mirror: { key: string } | null;
  /** Keeps the mirrored blob: the release now owns it, dispose() will not delete it. */
  adoptMirror(): void;
  /** Removes the temp file and an unadopted mirror; safe to call twice. */
  dispose(): Promise<void>;
  /**
   * An adopted mirror stays when publishing fails after adopting it (an assembled resumable upload,
   * kept for a retry; its blob intent lets the sweeper remove it if none comes).
   */
  keepMirrorOnFailure?: boolean;
  /** Throws when this publish may no longer record its release (the upload's lease was lost). */
  stillOurs?(): void;
}

export interface MirrorSink {
  key: string;
  /**
   * Consumes the stream into storage; rejects (and stores nothing) if the stream errors. Resolves
   * with the SHA-256 of what it stored (as BlobStore.put does).
   */
  write(stream: Readable): Promise<{ sha256?: string }>;
  delete(): Promise<void>;
}

export interface StageOptions {
  tmpDir: string;
  maxBytes: number;
  /** Content-Length, when the client sent one: fewer bytes means the upload was cut off. */
  expectedSize?: number;
  signal?: AbortSignal;
  /** Upload id (default: a new one). */
  id?: string;
  mirror?: MirrorSink;
}

export async function stageUpload(body: Readable, options: StageOptions): Promise<StagedUpload> {
  if (options.expectedSize !== undefined && options.expectedSize > options.maxBytes) {
    // Refuse before reading a byte; the route closes the connection instead of draining it.
    throw tooLarge(options.maxBytes);
  }
  // The client may vanish while we create the temp folder, before the pipeline listens: that error
  // must fail this upload (pipeline sees the errored stream), not crash the process as unhandled.
  body.on('error', () => undefined);
  await mkdir(options.tmpDir, { recursive: true });
  const id = options.id ?? newId();
  const path = join(options.tmpDir, `upload-${id}.part`);
  const mirror = options.mirror ? new PassThrough({ highWaterMark: 1024 * 1024 }) : null;
  // The store may attach its listeners only after an await (e.g. mkdir); an abort in between must
  // not become an uncaught 'error'. The failure itself surfaces through the main pipeline.
  mirror?.on('error', () => undefined);
  // With a mirror the store hashes the bytes; hashing them here too would be a second pass.
  const meter = new Meter(options.maxBytes, mirror);
  const mirrored = mirror && options.mirror ? options.mirror.write(mirror) : null;
  // A failing mirror (storage down) fails the upload at once rather than after the last byte.
  mirrored?.catch((err: unknown) => meter.destroy(err instanceof Error ? err : new Error(String(err))));

  // A deep write buffer: fs.WriteStream then hands the thread pool many chunks per writev while the
  // socket keeps arriving, instead of pausing the upload every 16 KiB until the disk catches up.
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: 8 * 1024 * 1024 });
  const cleanup = async () => {
    // The write stream opens its file asynchronously: when the pipeline fails early, the file may be
    // created after a first rm. pipeline() destroys the stream on failure; once it has closed, the
    // file either exists or never will.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await rm(path, { force: true });
    if (mirror && options.mirror) {
      // Destroy WITH an error: a store that attaches to the stream only now (after an await) gets a
      // rejected pipeline; a stream destroyed without one can leave that pipeline pending forever.
      if (!mirror.destroyed) mirror.destroy(new Error('upload not stored'));
      await mirrored?.catch(() => undefined);
      await options.mirror.delete().catch(() => undefined);
    }
  };
  let sha256: string;
  try {
    feed(body, meter);
    await pipeline(meter, out, { signal: options.signal });
    if (options.expectedSize !== undefined && meter.size !== options.expectedSize) {
      throw new OtashipError('UPLOAD_INCOMPLETE', `the upload ended after ${meter.size} of ${options.expectedSize} announced bytes`);
    }
    if (meter.size === 0) throw new OtashipError('VALIDATION', 'the upload is empty: send the package bytes as the request body');
    if (mirrored) {
      const stored = await mirrored;
      if (!stored.sha256) throw new OtashipError('STORAGE', `the store gave no SHA-256 for ${options.mirror!.key}`);
      sha256 = stored.sha256;
    } else {
      sha256 = meter.digest();
    }
  } catch (err) {
    await cleanup();
    if (meter.overLimit) throw tooLarge(options.maxBytes);
    if (isOtashipError(err)) throw err;
    // The temp file could not be written: the server's disk, not the client's upload, failed (the
    // error edge makes a full disk 507 and a failing one 503 from the cause).
    if (LOCAL_DISK_FAULTS.has((err as NodeJS.ErrnoException).code ?? '')) {
      throw new OtashipError('STORAGE', `staging the upload in the temp folder failed after ${meter.size} bytes (${describe(err)})`, { cause: err });
    }
    throw new OtashipError('UPLOAD_INCOMPLETE', `the upload stopped after ${meter.size} bytes (${describe(err)})`, {
      cause: err,
    });
  }
  let adopted = false;
  return {
    id,
    path,
    size: meter.size,
    sha256,
    mirror: options.mirror ? { key: options.mirror.key } : null,
    adoptMirror: () => {
      adopted = true;
    },
    dispose: async () => {
      await rm(path, { force: true });
      if (options.mirror && !adopted) await options.mirror.delete().catch(() => undefined);
    },
  };
}

/**
 * Pipes the body into the meter, passing its failure on. Not stream.pipeline: on failure that
 * destroys the source too, and destroying a request destroys its socket, so the answer to a refused
 * upload (413) would be lost or raced by a reset. The body is left as it is: the server drains it
 * after answering (server/http/lingering-close.ts).
 */
function feed(body: Readable, meter: Meter): void {
  // The body may have failed or been cut while staging awaited (creating the temp folder): its
  // 'error' and 'close' are then gone, and piping a destroyed stream sends nothing, so the pipeline
  // below would wait for ever (the cut-off staging test hung in about 1 run in 20 on a busy machine).
  if (body.destroyed && !body.readableEnded) {
    meter.destroy(body.errored ?? Object.assign(new Error('the request body ended early'), { code: 'ECONNRESET' }));
    return;
  }
  const onError = (err: Error) => meter.destroy(err);
  const onClose = () => {
    if (!body.readableEnded) meter.destroy(Object.assign(new Error('the request body ended early'), { code: 'ECONNRESET' }));
  };
  body.once('error', onError);
  body.once('close', onClose);
  meter.once('close', () => {
    body.off('error', onError);
    body.off('close', onClose);
    body.unpipe(meter);
  });
  body.pipe(meter);
}

let filesReadBack = 0;

/**
 * How many staged files had to be read back to hash them (stageLocalFile without a known SHA-256)
 * since the process started. The fast path never does; tests and diagnostics check that it did not.
 */
export function stagedFilesReadBack(): number {
  return filesReadBack;
}

/**
 * Stages a file that is already on local disk (a finished resumable upload, linked out of the blob
 * store); nothing is copied. Its SHA-256 is `sha256` when that was computed as the bytes arrived,
 * else it is computed by reading the file. The file becomes the staged upload's own, so dispose()
 * removes it; a refused file is removed before the error propagates.
 */
export async function stageLocalFile(
  path: string,
  options: { maxBytes: number; expectedSize?: number; id?: string; sha256?: string },
): Promise<StagedUpload> {
  const id = options.id ?? newId();
  let hashes: FileHashes;
  try {
    if (options.sha256 !== undefined) {
      hashes = { size: (await stat(path)).size, sha256: options.sha256 };
    } else {
      filesReadBack += 1;
      hashes = await hashFile(path);
    }
    if (hashes.size > options.maxBytes) throw tooLarge(options.maxBytes);
    if (options.expectedSize !== undefined && hashes.size !== options.expectedSize) {
      throw new OtashipError('UPLOAD_INCOMPLETE', `the upload holds ${hashes.size} of ${options.expectedSize} announced bytes`);
    }
    if (hashes.size === 0) throw new OtashipError('VALIDATION', 'the upload is empty: send the package bytes');
  } catch (err) {
    await rm(path, { force: true });
    // hashFile names a file the user gave it; this one is the server's own, so a failed read (or
    // stat) is storage's.
    if (isOtashipError(err) && err.code !== 'FILE_NOT_FOUND') throw err;
    throw new OtashipError('STORAGE', `reading the finished upload failed (${describe(err)})`, { cause: err });
  }
  return {
    id,
    path,
    size: hashes.size,
    sha256: hashes.sha256 ?? '',
    mirror: null,
    adoptMirror: () => undefined,
    dispose: () => rm(path, { force: true }),
  };
}

class Meter extends Transform {
  size = 0;
  overLimit = false;
  /** Null when a mirror hashes the bytes instead. */
  readonly #hash: Hash | null;
  #digest: string | null = null;

  constructor(
    private readonly maxBytes: number,
    private readonly mirror: PassThrough | null,
  ) {
    super({ highWaterMark: 1024 * 1024 });
    this.#hash = mirror ? null : createHash('sha256');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.overLimit = true;
      cb(tooLarge(this.maxBytes));
      return;
    }
    this.#hash?.update(chunk);
    if (this.mirror && !this.mirror.write(chunk)) {
      this.mirror.once('drain', () => cb(null, chunk));
      return;
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.mirror?.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    // Pass an abort on to the mirror so its storage write fails (and stores nothing).
    if (err && this.mirror && !this.mirror.destroyed) this.mirror.destroy(err);
    cb(err);
  }

  digest(): string {
    this.#digest ??= this.#hash!.digest('hex');
    return this.#digest;
  }
}

function tooLarge(max: number): OtashipError {
  return new OtashipError('PAYLOAD_TOO_LARGE', `the upload is larger than the limit of ${max} bytes`);
}

/** errno codes of the temp file's disk (a client's broken connection has others: ECONNRESET…). */
const LOCAL_DISK_FAULTS = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EROFS', 'EACCES', 'EPERM']);

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err.name === 'AbortError') return 'aborted';
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
