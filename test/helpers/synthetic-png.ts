// PNGs for tests: standard ones through pngjs, and Apple CgBI ones built by hand exactly as
// Xcode's pngcrush writes them (CgBI chunk before IHDR, BGRA, premultiplied alpha, raw deflate).
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

/** RGBA pixels of a deterministic test pattern (varying colour and alpha). */
export function patternPixels(width: number, height: number): Buffer {
  const px = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      px[i] = (x * 37 + y * 11) & 0xff;
      px[i + 1] = (x * 5 + y * 53) & 0xff;
      px[i + 2] = (x * 101 + y * 7) & 0xff;
      px[i + 3] = [255, 0, 128, 1, 254, 64][(x + y) % 6] ?? 255;
    }
  }
  return px;
}

export function standardPng(width: number, height: number, rgba: Buffer = patternPixels(width, height)): Buffer {
  const png = new PNG({ width, height });
  rgba.copy(png.data);
  return PNG.sync.write(png, { colorType: 6 });
}

/** Premultiplies RGBA and writes it the CgBI way. Returns the PNG and the premultiplied RGBA used. */
export function cgbiPng(width: number, height: number, rgba: Buffer = patternPixels(width, height)): Buffer {
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    raw[row] = y % 2 === 0 ? 0 : 2; // filter None / Up, to exercise un-filtering
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 4;
      const a = rgba[s + 3] ?? 0;
      const pre = (c: number): number => Math.round(((rgba[s + c] ?? 0) * a) / 255);
      const bgra = [pre(2), pre(1), pre(0), a];
      for (let c = 0; c < 4; c++) {
        const d = row + 1 + x * 4 + c;
        const value = bgra[c] ?? 0;
        if (y % 2 === 0) raw[d] = value;
        else {
          const up = prevPremultiplied(rgba, width, x, y - 1, c);
          raw[d] = (value - up) & 0xff;
        }
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('CgBI', Buffer.from([0x50, 0x00, 0x20, 0x06])),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateRawSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function prevPremultiplied(rgba: Buffer, width: number, x: number, y: number, c: number): number {
  const s = (y * width + x) * 4;
  const a = rgba[s + 3] ?? 0;
  if (c === 3) return a;
  const src = [2, 1, 0][c] ?? 0;
  return Math.round(((rgba[s + src] ?? 0) * a) / 255);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** What un-premultiplying must give back for premultiplied storage of `rgba` (the spec formula). */
export function expectedUnpremultiplied(rgba: Buffer): Buffer {
  const out = Buffer.alloc(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3] ?? 0;
    for (let c = 0; c < 3; c++) {
      const pre = Math.round(((rgba[i + c] ?? 0) * a) / 255);
      out[i + c] = a === 255 ? pre : a ? Math.min(255, Math.round((pre * 255) / a)) : 0;
    }
    out[i + 3] = a;
  }
  return out;
}

export interface RawPngOptions {
  width: number;
  height: number;
  /** 6 = RGBA (default), 2 = RGB. CgBI stores these channels as BGRA / BGR. */
  colorType?: 2 | 6;
  /** Apple's variant: a CgBI chunk before IHDR and a raw-deflate IDAT (no zlib header). */
  cgbi?: boolean;
  /** Chunks to add between IHDR and IDAT, e.g. [['iDOT', data]]. */
  extraChunks?: [string, Buffer][];
  /** Split the compressed data over this many IDAT chunks (default 1). */
  idatParts?: number;
}

/**
 * A PNG whose IDAT holds exactly `raw`: rows already filtered, each with its filter-type byte first.
 * Any bytes are a valid filtered stream, so the same `raw` written as a standard PNG and as CgBI lets
 * an independent decoder (pngjs) say what the CgBI decoder must produce.
 */
export function rawPng(raw: Buffer, options: RawPngOptions): Buffer {
  const { width, height, colorType = 6, cgbi = false, extraChunks = [], idatParts = 1 } = options;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const data = cgbi ? deflateRawSync(raw) : deflateSync(raw);
  const step = Math.ceil(data.length / idatParts);
  const idats: Buffer[] = [];
  for (let i = 0; i < data.length; i += step) idats.push(chunk('IDAT', data.subarray(i, i + step)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    ...(cgbi ? [chunk('CgBI', Buffer.from([0x50, 0x00, 0x20, 0x06]))] : []),
    chunk('IHDR', ihdr),
    ...extraChunks.map(([type, body]) => chunk(type, body)),
    ...idats,
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG chunk with its length and CRC (exported for tests that build damaged or private chunks). */
export { chunk as pngChunk };

/**
 * A PNG header claiming `width`×`height` followed by an IDAT that is not deflate data at all: any
 * attempt to decode it fails, so refusing it by size alone is visible (ICON_TOO_LARGE, not BAD_ICON).
 */
export function undecodablePng(width: number, height: number, options: { cgbi?: boolean } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    ...(options.cgbi ? [chunk('CgBI', Buffer.from([0x50, 0x00, 0x20, 0x06]))] : []),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from('this is not deflate data at all, and never inflates')),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A large opaque CgBI image, quick to build (filter None, cheap pattern): for tests that need CPU work. */
export function largeCgbiPng(width: number, height: number): Buffer {
  const stride = width * 4 + 1;
  const raw = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * stride + 1 + x * 4;
      raw[i] = (x * 7) & 0xff;
      raw[i + 1] = (y * 3) & 0xff;
      raw[i + 2] = (x + y) & 0xff;
      raw[i + 3] = 255;
    }
  }
  return rawPng(raw, { width, height, cgbi: true });
}
