// A pass-through that hashes (SHA-256) and counts the bytes on their way into a store, and refuses
// a body that runs past the size the caller announced — before writing the surplus.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { OtashipError } from '../core/errors.js';

export class MeasureStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  constructor(
    private readonly key: string,
    private readonly expectedSize?: number,
  ) {
    super();
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

  /** Call once the stream has ended: checks the announced size and returns the hex digest. */
  finish(): string {
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      throw new OtashipError('UPLOAD_INCOMPLETE', `blob ${this.key} ended after ${this.bytes} of ${this.expectedSize} bytes`);
    }
    return this.hash.digest('hex');
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
