// A pass-through that hashes (SHA-256) and counts the bytes on their way into a store. It fails the
// stream — before it ends, so no backend commits the object — when the body runs past or stops
// short of the announced size, or does not match the announced hash.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { OtashipError } from '../core/errors.js';

export class MeasureStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  /** Hex digest, set once the whole body has gone through. */
  sha256: string | undefined;

  constructor(
    private readonly key: string,
    private readonly expectedSize?: number,
    private readonly expectedSha256?: string,
  ) {
    super();
    if (expectedSha256 !== undefined && !/^[0-9a-f]{64}$/.test(expectedSha256)) {
      throw new OtashipError('VALIDATION', `expected SHA-256 for blob ${key} is not 64 lower-case hex digits`);
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      callback(new OtashipError('VALIDATION', `blob ${this.key} is longer than the announced ${this.expectedSize} bytes`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      callback(new OtashipError('UPLOAD_INCOMPLETE', `blob ${this.key} ended after ${this.bytes} of ${this.expectedSize} bytes`));
      return;
    }
    const digest = this.hash.digest('hex');
    if (this.expectedSha256 !== undefined && digest !== this.expectedSha256) {
      callback(new OtashipError('VALIDATION', `blob ${this.key} has SHA-256 ${digest}, not the expected ${this.expectedSha256}`));
      return;
    }
    this.sha256 = digest;
    callback();
  }
}

export function etagFromSha256(hex: string): string {
  return `"${hex}"`;
}

/** The inclusive range clamped to the blob, or a VALIDATION error when it cannot be served. */
export function checkRange(key: string, size: number, range: { start: number; end: number }): { start: number; end: number } {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || start >= size) {
    throw new OtashipError('VALIDATION', `byte range ${start}-${end} is outside blob ${key} of ${size} bytes`);
  }
  return { start, end: Math.min(end, size - 1) };
}

/** Storage failures become STORAGE errors; the caller's own errors (abort, body errors) pass through. */
export function storageError(action: string, key: string, err: unknown): unknown {
  if (err instanceof OtashipError) return err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  if (err instanceof Error && 'syscall' in err) {
    return new OtashipError('STORAGE', `cannot ${action} blob ${key}: ${err.message}`, { cause: err });
  }
  return err;
}
