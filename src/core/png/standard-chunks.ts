// Keeps only the chunks of the PNG standard that describe a still image, so that icons otaship
// writes or serves pass strict validators (pngcheck, libpng in strict mode): Apple's private chunks
// (CgBI, iDOT), editor metadata, text, EXIF and animation are dropped. An allow-list, not a
// deny-list: a private chunk nobody has seen yet is dropped as well.
import { crc32 } from 'node:zlib';
import { PNG_SIGNATURE, PngConversionError, pngChunks } from './chunks.js';

/**
 * Critical chunks, then the ancillary ones that change how the pixels look (transparency, colour
 * space, gamma, significant bits, pixel aspect, background). Text, time, EXIF, histograms, suggested
 * palettes and APNG frames do not matter for an icon.
 */
const KEPT = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'cHRM', 'gAMA', 'iCCP', 'sBIT', 'sRGB', 'cICP', 'pHYs', 'bKGD']);
const CRITICAL = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);

/**
 * The PNG rebuilt from its standard chunks, with IEND added when the file ends after a whole chunk
 * without one (a file cut inside a chunk is refused: its image data is incomplete). The
 * input is returned as is when nothing would change. A critical chunk whose CRC does not match is
 * damage (PngConversionError); a damaged ancillary chunk is dropped like an unknown one.
 */
export function standardChunksOnly(buf: Buffer): Buffer {
  const parts: Buffer[] = [PNG_SIGNATURE];
  let changed = false;
  let ended = false;
  let pos = 8;
  for (const chunk of pngChunks(buf)) {
    const start = pos;
    const end = start + 12 + chunk.data.length;
    pos = end;
    const raw = buf.subarray(start, end);
    const crcOk = end <= buf.length && raw.readUInt32BE(raw.length - 4) === crc32(raw.subarray(4, raw.length - 4)) >>> 0;
    if (!KEPT.has(chunk.type) || !crcOk) {
      if (CRITICAL.has(chunk.type)) throw new PngConversionError(`the ${chunk.type} chunk is damaged (CRC mismatch)`);
      changed = true;
      continue;
    }
    parts.push(raw);
    if (chunk.type === 'IEND') ended = true;
  }
  if (!ended && pos < buf.length) throw new PngConversionError('the PNG is cut short (its last chunk runs past the end of the file)');
  if (!ended) {
    parts.push(Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]));
    changed = true;
  }
  if (!changed && pos === buf.length) return buf;
  return Buffer.concat(parts);
}
