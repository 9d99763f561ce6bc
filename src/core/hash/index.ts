// Streaming SHA-256 / MD5 hashes (whole and chunked) of files and streams, in constant memory.
export { ChunkedHasher, type ChunkHashes, type HashAlgorithm, type HasherResult } from './chunked-hasher.js';
export { hashStream, DEFAULT_CHUNK_SIZE, type FileHashes, type HashOptions } from './hash-stream.js';
export { hashFile } from './hash-file.js';
