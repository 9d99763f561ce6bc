// In-process blob store for tests and throwaway servers. Same contract as the others: a put becomes
// visible only once its whole stream has been read; an error or abort leaves the old value.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { OtashipError } from '../core/errors.js';
import type { BlobRange, BlobStat, BlobStore, PutOptions } from '../ports/blob-store.js';
import { assertValidKey, assertValidPrefix } from './keys.js';
import { checkRange, etagFromSha256 } from './measure.js';

interface Entry {
  data: Buffer;
  stat: BlobStat;
}

export class MemoryBlobStore implements BlobStore {
  readonly kind = 'memory';
  readonly capabilities = { presign: false } as const;
  private readonly blobs = new Map<string, Entry>();

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<BlobStat> {
    assertValidKey(key);
    options.signal?.throwIfAborted();
    const chunks: Buffer[] = [];
    let size = 0;
    const onAbort = () => body.destroy(options.signal?.reason instanceof Error ? options.signal.reason : new DOMException('aborted', 'AbortError'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const chunk of body) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        size += buf.length;
        if (options.size !== undefined && size > options.size) {
          throw new OtashipError('VALIDATION', `blob ${key} is longer than the announced ${options.size} bytes`);
        }
        chunks.push(buf);
      }
      options.signal?.throwIfAborted();
    } catch (err) {
      body.destroy();
      throw err;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (options.size !== undefined && size !== options.size) {
      throw new OtashipError('UPLOAD_INCOMPLETE', `blob ${key} ended after ${size} of ${options.size} bytes`);
    }
    const data = Buffer.concat(chunks);
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (options.sha256 !== undefined && sha256 !== options.sha256) {
      throw new OtashipError('VALIDATION', `blob ${key} has SHA-256 ${sha256}, not the expected ${options.sha256}`);
    }
    const stat: BlobStat = { size, etag: etagFromSha256(sha256), lastModified: new Date(), sha256 };
    if (options.contentType) stat.contentType = options.contentType;
    this.blobs.set(key, { data, stat });
    return { ...stat };
  }

  async stat(key: string): Promise<BlobStat | null> {
    assertValidKey(key);
    const entry = this.blobs.get(key);
    return entry ? { ...entry.stat } : null;
  }

  async get(key: string, range?: BlobRange, signal?: AbortSignal): Promise<Readable> {
    assertValidKey(key);
    signal?.throwIfAborted();
    const entry = this.blobs.get(key);
    if (!entry) throw new OtashipError('NOT_FOUND', `blob ${key} does not exist`);
    const bounds = range ? checkRange(key, entry.data.length, range) : { start: 0, end: entry.data.length - 1 };
    const slice = entry.data.subarray(bounds.start, bounds.end + 1);
    // Hand out 64 KiB chunks like a file stream would, not one giant buffer.
    const chunks = function* () {
      for (let i = 0; i < slice.length; i += 65536) yield slice.subarray(i, i + 65536);
    };
    return Readable.from(chunks(), { objectMode: false, ...(signal ? { signal } : {}) });
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.blobs.delete(key);
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    for (const key of [...this.blobs.keys()]) if (key.startsWith(prefix)) yield key;
  }
}
