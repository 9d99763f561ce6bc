// Staging an upload: the request body streams to a temp file on local disk while SHA-256 and the
// byte count are computed on the way (constant memory, whatever the package size). Inspection then
// reads the zip from that file by random access. A cut-off, oversized or failing upload removes
// its temp file before the error propagates, so nothing stray is left behind.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OtashipError, isOtashipError } from '../../core/errors.js';
import { newId } from '../ids.js';

export interface StagedUpload {
  path: string;
  size: number;
  sha256: string;
  /** Removes the temp file; safe to call twice. */
  dispose(): Promise<void>;
}

export interface StageOptions {
  tmpDir: string;
  maxBytes: number;
  /** Content-Length, when the client sent one: fewer bytes means the upload was cut off. */
  expectedSize?: number;
  signal?: AbortSignal;
}

export async function stageUpload(body: Readable, options: StageOptions): Promise<StagedUpload> {
  if (options.expectedSize !== undefined && options.expectedSize > options.maxBytes) {
    // Refuse before reading a byte; the route closes the connection instead of draining it.
    throw tooLarge(options.maxBytes);
  }
  await mkdir(options.tmpDir, { recursive: true });
  const path = join(options.tmpDir, `upload-${newId()}.part`);
  const meter = new Meter(options.maxBytes);
  try {
    await pipeline(body, meter, createWriteStream(path, { flags: 'wx' }), { signal: options.signal });
  } catch (err) {
    await rm(path, { force: true });
    if (meter.overLimit) throw tooLarge(options.maxBytes);
    if (isOtashipError(err)) throw err;
    throw new OtashipError('UPLOAD_INCOMPLETE', `the upload stopped after ${meter.size} bytes (${describe(err)})`, {
      cause: err,
    });
  }
  if (options.expectedSize !== undefined && meter.size !== options.expectedSize) {
    await rm(path, { force: true });
    throw new OtashipError(
      'UPLOAD_INCOMPLETE',
      `the upload ended after ${meter.size} of ${options.expectedSize} announced bytes`,
    );
  }
  if (meter.size === 0) {
    await rm(path, { force: true });
    throw new OtashipError('VALIDATION', 'the upload is empty: send the package bytes as the request body');
  }
  return {
    path,
    size: meter.size,
    sha256: meter.digest(),
    dispose: () => rm(path, { force: true }),
  };
}

class Meter extends Transform {
  size = 0;
  overLimit = false;
  readonly #hash = createHash('sha256');
  #digest: string | null = null;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.overLimit = true;
      cb(tooLarge(this.maxBytes));
      return;
    }
    this.#hash.update(chunk);
    cb(null, chunk);
  }

  digest(): string {
    this.#digest ??= this.#hash.digest('hex');
    return this.#digest;
  }
}

function tooLarge(max: number): OtashipError {
  return new OtashipError('PAYLOAD_TOO_LARGE', `the upload is larger than the limit of ${max} bytes`);
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err.name === 'AbortError') return 'aborted';
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
