// Apple CgBI ("crushed") PNG → standard PNG (ota-notes §5). Hand-written because the only library for
// it (cgbi-to-png) leaves alpha premultiplied, and sharp/pngjs refuse CgBI outright. Steps: join the
// IDATs, inflateRaw (no zlib header), undo the row filters, swap BGR(A) → RGB(A), un-premultiply, then
// let pngjs encode a normal RGBA PNG (fresh filters, zlib header and CRCs).
import { createRequire } from 'node:module';
import { inflateRawSync, inflateSync } from 'node:zlib';
import type { PNG as PngClass } from 'pngjs';
import { pngChunks } from './chunks.js';
import { readPngHeader } from './size.js';

/** Refuse absurd dimensions before allocating: app icons are at most 1024×1024. */
const MAX_PIXELS = 4096 * 4096;

export class PngConversionError extends Error {}

/** Returns standard PNG bytes: CgBI input is converted, a standard PNG is returned unchanged. */
export function toStandardPng(buf: Buffer): Buffer {
  const header = readPngHeader(buf);
  if (!header) throw new PngConversionError('not a PNG image');
  if (!header.cgbi) return buf;
  const { width, height, bitDepth, colorType, interlace } = header;
  if (interlace !== 0) throw new PngConversionError('interlaced CgBI PNGs are not supported');
  if (bitDepth !== 8 || (colorType !== 6 && colorType !== 2)) {
    throw new PngConversionError(`unsupported CgBI pixel format (bit depth ${bitDepth}, colour type ${colorType})`);
  }
  if (width * height > MAX_PIXELS) throw new PngConversionError(`image too large (${width}×${height})`);
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const expected = height * (stride + 1);
  const idat = Buffer.concat([...pngChunks(buf)].filter((c) => c.type === 'IDAT').map((c) => c.data));
  const raw = inflateIdat(idat, expected);
  if (raw.length < expected) throw new PngConversionError('image data is shorter than its dimensions');
  const pixels = unfilter(raw, width, height, channels);
  const { PNG } = loadPngjs();
  const png = new PNG({ width, height });
  const out = png.data;
  for (let i = 0, o = 0; i < pixels.length; i += channels, o += 4) {
    const b = pixels[i] ?? 0;
    const g = pixels[i + 1] ?? 0;
    const r = pixels[i + 2] ?? 0;
    const a = channels === 4 ? (pixels[i + 3] ?? 0) : 255;
    out[o] = unpremultiply(r, a);
    out[o + 1] = unpremultiply(g, a);
    out[o + 2] = unpremultiply(b, a);
    out[o + 3] = a;
  }
  return PNG.sync.write(png, { colorType: 6 });
}

// pngjs is loaded only when a CgBI icon must be re-encoded (~50-100 ms of module loading that a
// standard PNG, and every other command, should not pay). It is CommonJS, so a synchronous require
// keeps toStandardPng() synchronous.
let pngjs: { PNG: typeof PngClass } | undefined;
function loadPngjs(): { PNG: typeof PngClass } {
  pngjs ??= createRequire(import.meta.url)('pngjs') as { PNG: typeof PngClass };
  return pngjs;
}

export function unpremultiply(c: number, a: number): number {
  if (a === 255) return c;
  return a ? Math.min(255, Math.round((c * 255) / a)) : 0;
}

function inflateIdat(idat: Buffer, expected: number): Buffer {
  // maxOutputLength bounds memory even if the stream claims more than the header allows.
  const limit = { maxOutputLength: expected + 1024 };
  try {
    return inflateRawSync(idat, limit);
  } catch {
    // A few tools write CgBI with an ordinary zlib header; accept that too.
    try {
      return inflateSync(idat, limit);
    } catch (err) {
      throw new PngConversionError(`image data cannot be inflated (${(err as Error).message})`);
    }
  }
}

/** Undoes the PNG row filters (None, Sub, Up, Average, Paeth) into a tightly packed pixel buffer. */
function unfilter(raw: Buffer, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    const prev = dst - stride;
    for (let x = 0; x < stride; x++) {
      const v = raw[src + x] ?? 0;
      const left = x >= bpp ? (out[dst + x - bpp] ?? 0) : 0;
      const up = y > 0 ? (out[prev + x] ?? 0) : 0;
      const upLeft = y > 0 && x >= bpp ? (out[prev + x - bpp] ?? 0) : 0;
      let pred: number;
      switch (filter) {
        case 0:
          pred = 0;
          break;
        case 1:
          pred = left;
          break;
        case 2:
          pred = up;
          break;
        case 3:
          pred = (left + up) >> 1;
          break;
        case 4:
          pred = paeth(left, up, upLeft);
          break;
        default:
          throw new PngConversionError(`row ${y} has unknown filter type ${String(filter)}`);
      }
      out[dst + x] = (v + pred) & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
