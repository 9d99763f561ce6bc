// Apple CgBI ("crushed") PNG → standard PNG (ota-notes §5). Hand-written because the only library for
// it (cgbi-to-png) leaves alpha premultiplied, and sharp/pngjs refuse CgBI outright. Steps: check the
// pixel budget from IHDR, join the IDATs, inflateRaw (no zlib header), undo the row filters, swap
// BGR(A) → RGB(A), un-premultiply, then let pngjs encode a normal RGBA PNG (fresh filters, zlib header
// and CRCs, standard chunks only). A standard PNG keeps its pixels and loses its non-standard chunks.
import { createRequire } from 'node:module';
import { inflateRawSync, inflateSync } from 'node:zlib';
import type { PNG as PngClass } from 'pngjs';
import { checkIconBudget } from './budget.js';
import { PngConversionError, pngChunks } from './chunks.js';
import { readPngHeader } from './size.js';
import { standardChunksOnly } from './standard-chunks.js';

export { PngConversionError } from './chunks.js';

/**
 * Returns standard PNG bytes that strict validators accept: CgBI input is decoded and re-encoded, a
 * standard PNG keeps its pixel data and only loses private and metadata chunks (standard-chunks.ts).
 * A CgBI image past the icon pixel budget is refused (ICON_TOO_LARGE) before anything is inflated.
 */
export function toStandardPng(buf: Buffer): Buffer {
  const header = readPngHeader(buf);
  if (!header) throw new PngConversionError('not a PNG image');
  if (!header.cgbi) return standardChunksOnly(buf);
  const { width, height, bitDepth, colorType, interlace } = header;
  checkIconBudget(width, height, 'The CgBI icon');
  if (interlace !== 0) throw new PngConversionError('interlaced CgBI PNGs are not supported');
  if (bitDepth !== 8 || (colorType !== 6 && colorType !== 2)) {
    throw new PngConversionError(`unsupported CgBI pixel format (bit depth ${bitDepth}, colour type ${colorType})`);
  }
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
    const b = pixels[i]!;
    const g = pixels[i + 1]!;
    const r = pixels[i + 2]!;
    const a = channels === 4 ? pixels[i + 3]! : 255;
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

/**
 * Undoes the PNG row filters (None, Sub, Up, Average, Paeth) into a tightly packed pixel buffer. One
 * loop per filter type, with the first pixel of a row (no left neighbour) and the first row (no row
 * above: `prev` reads the zero-filled row at the end of `out`) handled without per-byte branches.
 */
function unfilter(raw: Uint8Array, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  // One spare zero row after the image stands in for "the row above the first row".
  const out = Buffer.alloc(stride * (height + 1));
  const zeroRow = stride * height;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    const prev = y > 0 ? dst - stride : zeroRow;
    switch (filter) {
      case 0:
        for (let x = 0; x < stride; x++) out[dst + x] = raw[src + x]!;
        break;
      case 1:
        for (let x = 0; x < stride; x++) out[dst + x] = (raw[src + x]! + (x >= bpp ? out[dst + x - bpp]! : 0)) & 0xff;
        break;
      case 2:
        for (let x = 0; x < stride; x++) out[dst + x] = (raw[src + x]! + out[prev + x]!) & 0xff;
        break;
      case 3:
        for (let x = 0; x < stride; x++) {
          const left = x >= bpp ? out[dst + x - bpp]! : 0;
          out[dst + x] = (raw[src + x]! + ((left + out[prev + x]!) >> 1)) & 0xff;
        }
        break;
      case 4:
        for (let x = 0; x < stride; x++) {
          const left = x >= bpp ? out[dst + x - bpp]! : 0;
          const upLeft = x >= bpp ? out[prev + x - bpp]! : 0;
          out[dst + x] = (raw[src + x]! + paeth(left, out[prev + x]!, upLeft)) & 0xff;
        }
        break;
      default:
        throw new PngConversionError(`row ${y} has unknown filter type ${String(filter)}`);
    }
  }
  return out.subarray(0, zeroRow);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
