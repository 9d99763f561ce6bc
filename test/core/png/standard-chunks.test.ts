// Icons otaship writes must pass a strict PNG check: Apple's private chunks (CgBI, iDOT) and any other
// non-standard or metadata chunk are dropped, from standard PNGs as well as from converted CgBI ones,
// while the pixels stay exactly the same.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { PngConversionError, standardChunksOnly, toStandardPng } from '../../../src/core/png/index.js';
import { patternPixels, pngChunk, rawPng, standardPng } from '../../helpers/synthetic-png.js';
import { assertStrictPng } from '../../helpers/strict-png.js';

/** What Xcode and macOS tools leave in PNGs, plus chunks a strict validator refuses or that carry metadata. */
const APPLE_AND_PRIVATE: [string, Buffer][] = [
  ['iDOT', Buffer.alloc(28, 1)], // Apple's "parallel decoding" chunk: unregistered, public-looking name
  ['prIV', Buffer.from('private')], // a private ancillary chunk
  ['vpAg', Buffer.alloc(9)], // ImageMagick's private virtual page chunk
  ['tEXt', Buffer.from('Software\0Xcode')],
  ['eXIf', Buffer.from('MM\0*\0\0\0\x08\0\0')],
  ['tIME', Buffer.from([0x07, 0xea, 1, 2, 3, 4, 5])],
];

/** A standard RGBA PNG of `rgba` with `extra` chunks between IHDR and IDAT. */
function pngWith(width: number, height: number, rgba: Buffer, extra: [string, Buffer][]): Buffer {
  const stride = width * 4;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  return rawPng(raw, { width, height, extraChunks: extra });
}

function chunkTypes(buf: Buffer): string[] {
  const types: string[] = [];
  for (let pos = 8; pos + 8 <= buf.length; pos += 12 + buf.readUInt32BE(pos)) types.push(buf.toString('latin1', pos + 4, pos + 8));
  return types;
}

describe('standard PNG chunks only', () => {
  test('iDOT, private and metadata chunks are dropped; colour chunks and the pixels are kept', async () => {
    const rgba = patternPixels(12, 9);
    const input = pngWith(12, 9, rgba, [...APPLE_AND_PRIVATE, ['sRGB', Buffer.from([0])], ['pHYs', Buffer.from([0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1])]]);
    assert.throws(() => assertStrictPng(input), /iDOT/);
    const out = toStandardPng(input);
    assert.deepEqual(assertStrictPng(out), ['IHDR', 'sRGB', 'pHYs', 'IDAT', 'IEND']);
    assert.deepEqual(Buffer.from(PNG.sync.read(out).data), rgba);
    const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual(data, rgba);
  });

  test('a converted CgBI icon that carried iDOT holds standard chunks only', () => {
    const stride = 6 * 4;
    const raw = Buffer.alloc(5 * (stride + 1), 0x40);
    for (let y = 0; y < 5; y++) raw[y * (stride + 1)] = 0;
    const cgbi = rawPng(raw, { width: 6, height: 5, cgbi: true, extraChunks: [['iDOT', Buffer.alloc(28)]] });
    assert.deepEqual(chunkTypes(cgbi), ['CgBI', 'IHDR', 'iDOT', 'IDAT', 'IEND']);
    assertStrictPng(toStandardPng(cgbi), 'converted');
  });

  test('a clean PNG comes back as the same buffer', () => {
    const png = standardPng(8, 8);
    assert.equal(toStandardPng(png), png);
  });

  test('a file without IEND gets one; bytes after IEND are dropped', () => {
    const png = standardPng(5, 5);
    const noEnd = png.subarray(0, png.length - 12);
    assert.deepEqual(assertStrictPng(standardChunksOnly(noEnd)), ['IHDR', 'IDAT', 'IEND']);
    const trailing = Buffer.concat([png, Buffer.from('trailing junk')]);
    assert.deepEqual(standardChunksOnly(trailing), png);
  });

  test('a file cut inside a chunk is refused rather than written with part of its image data', () => {
    const png = standardPng(5, 5);
    const cut = png.subarray(0, png.length - 12 - 6); // inside IDAT
    assert.throws(() => toStandardPng(cut), (e: unknown) => e instanceof PngConversionError && /cut short|damaged/.test(e.message));
    const cutInData = png.subarray(0, 8 + 25 + 8 + 3); // IDAT's data cut after 3 bytes
    assert.throws(() => toStandardPng(cutInData), (e: unknown) => e instanceof PngConversionError && /cut short/.test(e.message));
  });

  test('an ancillary chunk with a wrong CRC is dropped; a damaged critical chunk is refused', () => {
    const png = pngWith(4, 4, patternPixels(4, 4), [['gAMA', Buffer.from([0, 0, 0xb1, 0x8f])]]);
    const badGama = Buffer.from(png);
    const gamaCrc = 8 + 25 + 8 + 4; // after the signature, IHDR (25 bytes), gAMA's header and data
    badGama[gamaCrc] = (badGama[gamaCrc] ?? 0) ^ 0xff;
    assert.deepEqual(assertStrictPng(toStandardPng(badGama)), ['IHDR', 'IDAT', 'IEND']);
    const idat = pngChunk('IDAT', deflateSync(Buffer.alloc(4 * 17)));
    idat.fill(0, idat.length - 4); // CRC zeroed
    const badIdat = Buffer.concat([png.subarray(0, 8 + 25), idat, pngChunk('IEND', Buffer.alloc(0))]);
    assert.throws(() => toStandardPng(badIdat), (e: unknown) => e instanceof PngConversionError && /IDAT chunk is damaged/.test(e.message));
  });
});
