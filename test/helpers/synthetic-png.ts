// PNGs for tests: standard ones through pngjs, and Apple CgBI ones built by hand exactly as
// Xcode's pngcrush writes them (CgBI chunk before IHDR, BGRA, premultiplied alpha, raw deflate).
import { crc32, deflateRawSync } from 'node:zlib';
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
