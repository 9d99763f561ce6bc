import { isPng, pngChunks } from './chunks.js';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  /** Apple's "crushed" PNG: BGRA, premultiplied alpha, raw-deflate IDAT (a CgBI chunk precedes IHDR). */
  cgbi: boolean;
}

/** Reads IHDR (after an optional leading CgBI chunk); null when the bytes are not a PNG. */
export function readPngHeader(buf: Buffer): PngHeader | null {
  if (!isPng(buf)) return null;
  let cgbi = false;
  for (const chunk of pngChunks(buf)) {
    if (chunk.type === 'CgBI') {
      cgbi = true;
      continue;
    }
    if (chunk.type !== 'IHDR' || chunk.data.length < 13) return null;
    const width = chunk.data.readUInt32BE(0);
    const height = chunk.data.readUInt32BE(4);
    if (width === 0 || height === 0) return null;
    return {
      width,
      height,
      bitDepth: chunk.data[8] ?? 0,
      colorType: chunk.data[9] ?? 0,
      interlace: chunk.data[12] ?? 0,
      cgbi,
    };
  }
  return null;
}
