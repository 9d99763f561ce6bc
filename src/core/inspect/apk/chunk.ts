// Android's binary resource formats (AXML manifests, resources.arsc) are trees of "chunks":
// every chunk starts with { u16 type, u16 headerSize, u32 size } and children follow the header.
// These helpers read that framing with bounds checks so a malformed or truncated file becomes
// one clear BAD_APK error naming the entry, never a RangeError from deep inside Buffer.
import { OtashipError } from '../../errors.js';

export const ChunkType = {
  STRING_POOL: 0x0001,
  TABLE: 0x0002,
  XML: 0x0003,
  XML_START_NAMESPACE: 0x0100,
  XML_END_NAMESPACE: 0x0101,
  XML_START_ELEMENT: 0x0102,
  XML_END_ELEMENT: 0x0103,
  XML_CDATA: 0x0104,
  XML_RESOURCE_MAP: 0x0180,
  TABLE_PACKAGE: 0x0200,
  TABLE_TYPE: 0x0201,
  TABLE_TYPE_SPEC: 0x0202,
} as const;

export interface Chunk {
  type: number;
  headerSize: number;
  size: number;
  /** Offset of the chunk's first byte in the buffer. */
  offset: number;
}

export function badApk(entry: string, problem: string): OtashipError {
  return new OtashipError('BAD_APK', `${entry} is malformed: ${problem}`);
}

/** Reads the chunk header at offset; the whole chunk must fit before `end`. */
export function readChunk(buf: Buffer, offset: number, end: number, entry: string): Chunk {
  if (offset + 8 > end) throw badApk(entry, `chunk header at byte ${offset} runs past the end of its parent`);
  const type = buf.readUInt16LE(offset);
  const headerSize = buf.readUInt16LE(offset + 2);
  const size = buf.readUInt32LE(offset + 4);
  if (headerSize < 8 || size < headerSize) {
    throw badApk(entry, `chunk 0x${type.toString(16)} at byte ${offset} has an impossible size`);
  }
  if (offset + size > end) {
    throw badApk(entry, `chunk 0x${type.toString(16)} at byte ${offset} is cut short (file truncated?)`);
  }
  return { type, headerSize, size, offset };
}

/** The chunks that follow a parent's header, in order. */
export function* childChunks(buf: Buffer, parent: Chunk, entry: string): Generator<Chunk> {
  const end = parent.offset + parent.size;
  let offset = parent.offset + parent.headerSize;
  while (offset + 8 <= end) {
    const chunk = readChunk(buf, offset, end, entry);
    yield chunk;
    offset += chunk.size;
  }
}

/** A bounds-checked u32 read inside one chunk. */
export function u32(buf: Buffer, at: number, chunk: Chunk, entry: string): number {
  if (at < chunk.offset || at + 4 > chunk.offset + chunk.size) {
    throw badApk(entry, `a field at byte ${at} lies outside its chunk`);
  }
  return buf.readUInt32LE(at);
}

export function u16(buf: Buffer, at: number, chunk: Chunk, entry: string): number {
  if (at < chunk.offset || at + 2 > chunk.offset + chunk.size) {
    throw badApk(entry, `a field at byte ${at} lies outside its chunk`);
  }
  return buf.readUInt16LE(at);
}
