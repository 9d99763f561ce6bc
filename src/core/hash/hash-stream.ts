// Hash a stream of bytes (a file, an upload, a blob read back from storage) with SHA-256 and/or MD5,
// whole and chunked, in one pass and constant memory.
import { OtashipError } from '../errors.js';
import { ChunkedHasher, type ChunkHashes } from './chunked-hasher.js';

/** Apple's examples and Xcode-era tools use 10 MiB chunks. */
export const DEFAULT_CHUNK_SIZE = 10 * 1024 * 1024;

export interface HashOptions {
  /** Whole-file SHA-256 (default true). */
  sha256?: boolean;
  /** Whole-file MD5 (default false). MD5 is only for old devices and tools; prefer SHA-256. */
  md5?: boolean;
  /** Chunk hashes of this size for every algorithm whose whole hash is on. */
  chunkSize?: number;
  /** SHA-256 chunk hashes of this size, whether or not the whole SHA-256 is on. */
  sha256ChunkSize?: number;
  /** MD5 chunk hashes of this size, whether or not the whole MD5 is on. */
  md5ChunkSize?: number;
}

export interface FileHashes {
  /** Bytes hashed. */
  size: number;
  sha256?: string;
  md5?: string;
  sha256Chunks?: ChunkHashes;
  md5Chunks?: ChunkHashes;
}

interface Plan {
  sha256: ChunkedHasher | undefined;
  md5: ChunkedHasher | undefined;
}

function checkChunkSize(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
    throw new OtashipError('VALIDATION', `${name} must be a positive whole number of bytes, got ${String(value)}`);
  }
  return value;
}

function hasher(algo: 'sha256' | 'md5', whole: boolean, chunk: number | undefined): ChunkedHasher | undefined {
  if (!whole && chunk === undefined) return undefined;
  return new ChunkedHasher(algo, chunk, { whole });
}

function plan(options: HashOptions): Plan {
  const chunk = checkChunkSize('chunkSize', options.chunkSize);
  const sha256Whole = options.sha256 ?? true;
  const md5Whole = options.md5 ?? false;
  // Each byte is hashed once per digest kept: a whole hash nobody asked for would double the work.
  return {
    sha256: hasher('sha256', sha256Whole, checkChunkSize('sha256ChunkSize', options.sha256ChunkSize) ?? (sha256Whole ? chunk : undefined)),
    md5: hasher('md5', md5Whole, checkChunkSize('md5ChunkSize', options.md5ChunkSize) ?? (md5Whole ? chunk : undefined)),
  };
}

export async function hashStream(source: AsyncIterable<Uint8Array | string>, options: HashOptions = {}): Promise<FileHashes> {
  const { sha256, md5 } = plan(options);
  let size = 0;
  for await (const piece of source) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
    size += bytes.length;
    sha256?.update(bytes);
    md5?.update(bytes);
  }
  const result: FileHashes = { size };
  if (sha256) {
    const r = sha256.digest();
    if (r.whole !== undefined) result.sha256 = r.whole;
    if (r.chunks) result.sha256Chunks = r.chunks;
  }
  if (md5) {
    const r = md5.digest();
    if (r.whole !== undefined) result.md5 = r.whole;
    if (r.chunks) result.md5Chunks = r.chunks;
  }
  return result;
}
