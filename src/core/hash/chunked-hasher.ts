// Incremental hashing of one byte stream into a whole-file digest and, optionally, one digest per
// fixed-size chunk (the `sha256-size` + `sha256s` / `md5-size` + `md5s` scheme of an OTA manifest).
// Bytes are fed as they arrive and never kept, so memory stays constant whatever the file size.
import { createHash, type Hash } from 'node:crypto';

export type HashAlgorithm = 'sha256' | 'md5';

export interface ChunkHashes {
  /** Chunk size in bytes; the last chunk may be shorter. */
  size: number;
  /** Lower-case hex digest of every chunk, in file order. An empty file has no chunks. */
  hashes: string[];
}

export interface HasherResult {
  /** Lower-case hex digest of all bytes (absent when the hasher was made for chunks only). */
  whole?: string;
  chunks?: ChunkHashes;
}

export class ChunkedHasher {
  readonly algorithm: HashAlgorithm;
  readonly chunkSize: number | undefined;
  private readonly whole: Hash | undefined;
  private current: Hash | undefined;
  private currentFill = 0;
  private readonly chunkDigests: string[] = [];
  private done = false;

  /** `whole: false` skips the whole-file digest (half the work when only chunk hashes are wanted). */
  constructor(algorithm: HashAlgorithm, chunkSize?: number, options: { whole?: boolean } = {}) {
    if (chunkSize !== undefined && !(Number.isSafeInteger(chunkSize) && chunkSize > 0)) {
      throw new RangeError(`chunk size must be a positive integer, got ${chunkSize}`);
    }
    this.algorithm = algorithm;
    this.chunkSize = chunkSize;
    if (options.whole === false && chunkSize === undefined) throw new RangeError('a hasher needs the whole digest or a chunk size');
    this.whole = options.whole === false ? undefined : createHash(algorithm);
  }

  update(data: Uint8Array): void {
    if (this.done) throw new Error('ChunkedHasher.update() after digest()');
    this.whole?.update(data);
    if (this.chunkSize === undefined) return;
    // Split the incoming buffer at chunk boundaries; subarray() shares memory, nothing is copied.
    let offset = 0;
    while (offset < data.length) {
      this.current ??= createHash(this.algorithm);
      const take = Math.min(this.chunkSize - this.currentFill, data.length - offset);
      this.current.update(data.subarray(offset, offset + take));
      this.currentFill += take;
      offset += take;
      if (this.currentFill === this.chunkSize) this.closeChunk();
    }
  }

  digest(): HasherResult {
    if (this.done) throw new Error('ChunkedHasher.digest() called twice');
    this.done = true;
    if (this.currentFill > 0) this.closeChunk();
    const result: HasherResult = {};
    if (this.whole) result.whole = this.whole.digest('hex');
    if (this.chunkSize !== undefined) result.chunks = { size: this.chunkSize, hashes: this.chunkDigests };
    return result;
  }

  private closeChunk(): void {
    if (this.current) this.chunkDigests.push(this.current.digest('hex'));
    this.current = undefined;
    this.currentFill = 0;
  }
}
