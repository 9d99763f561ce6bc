// Minimal PNG chunk walking, shared by size reading and CgBI conversion. Hand-written because no
// PNG library accepts Apple's CgBI variant (the chunk order and IDAT framing differ), and reading
// the IHDR of a few dozen icons needs nothing more than this.
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The bytes are not a PNG that can be converted (damaged, or a format the converter does not handle). */
export class PngConversionError extends Error {}

export interface PngChunk {
  type: string;
  data: Buffer;
}

export function isPng(buf: Uint8Array): boolean {
  return buf.length >= 8 && Buffer.from(buf.buffer, buf.byteOffset, 8).equals(PNG_SIGNATURE);
}

/** Walks the chunks after the signature; stops at IEND or at the first chunk that runs past the end. */
export function* pngChunks(buf: Buffer): Generator<PngChunk> {
  let pos = 8;
  while (pos + 8 <= buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const start = pos + 8;
    if (start + length > buf.length) return;
    yield { type, data: buf.subarray(start, start + length) };
    if (type === 'IEND') return;
    pos = start + length + 4; // skip CRC
  }
}
