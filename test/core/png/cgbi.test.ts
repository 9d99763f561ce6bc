import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { PngConversionError, readPngHeader, toStandardPng, unpremultiply } from '../../../src/core/png/index.js';
import { cgbiPng, expectedUnpremultiplied, patternPixels, standardPng } from '../../helpers/synthetic-png.js';

describe('readPngHeader', () => {
  test('reads width/height of standard and CgBI PNGs (IHDR after the CgBI chunk)', () => {
    assert.deepEqual(pick(readPngHeader(standardPng(33, 17))), { width: 33, height: 17, cgbi: false });
    assert.deepEqual(pick(readPngHeader(cgbiPng(60, 45))), { width: 60, height: 45, cgbi: true });
  });
  test('null for non-PNG bytes', () => {
    assert.equal(readPngHeader(Buffer.from('GIF89a......')), null);
    assert.equal(readPngHeader(Buffer.alloc(0)), null);
  });
});

function pick(h: ReturnType<typeof readPngHeader>): unknown {
  return h && { width: h.width, height: h.height, cgbi: h.cgbi };
}

describe('toStandardPng', () => {
  test('a CgBI image of known pixels converts to the exact un-premultiplied RGBA', () => {
    const rgba = patternPixels(23, 11);
    const out = toStandardPng(cgbiPng(23, 11, rgba));
    const decoded = PNG.sync.read(out);
    assert.equal(decoded.width, 23);
    assert.equal(decoded.height, 11);
    assert.deepEqual(Buffer.from(decoded.data), expectedUnpremultiplied(rgba));
  });

  test('opaque pixels survive unchanged; fully transparent ones become 0,0,0,0', () => {
    const rgba = Buffer.from([10, 200, 30, 255, 99, 99, 99, 0]);
    const decoded = PNG.sync.read(toStandardPng(cgbiPng(2, 1, rgba)));
    assert.deepEqual([...decoded.data], [10, 200, 30, 255, 0, 0, 0, 0]);
  });

  test('converted icons decode with pngjs and sharp, which both reject raw CgBI', async () => {
    const cgbi = cgbiPng(40, 40);
    assert.throws(() => PNG.sync.read(cgbi));
    const out = toStandardPng(cgbi);
    assert.equal(PNG.sync.read(out).width, 40);
    const meta = await sharp(out).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 40);
    const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    assert.equal(data.length, 40 * 40 * 4);
  });

  test('a standard PNG is returned unchanged', () => {
    const png = standardPng(8, 8);
    assert.equal(toStandardPng(png), png);
  });

  test('interlaced CgBI and non-PNG input fail with a clear PngConversionError', () => {
    const cgbi = Buffer.from(cgbiPng(4, 4));
    // IHDR data starts after signature(8) + CgBI chunk(12+4) + IHDR length/type(8); interlace is byte 12.
    cgbi[8 + 16 + 8 + 12] = 1;
    assert.throws(() => toStandardPng(cgbi), (e: unknown) => e instanceof PngConversionError && /interlaced/.test(e.message));
    assert.throws(() => toStandardPng(Buffer.from('nope')), PngConversionError);
  });

  test('unpremultiply follows c = a ? min(255, round(c*255/a)) : 0', () => {
    assert.equal(unpremultiply(64, 128), 128);
    assert.equal(unpremultiply(200, 100), 255);
    assert.equal(unpremultiply(50, 0), 0);
    assert.equal(unpremultiply(77, 255), 77);
  });
});
