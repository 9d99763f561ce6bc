// The CgBI decoder against an independent one: the same filtered rows are written once as a standard
// PNG (decoded by pngjs) and once as CgBI (decoded by toStandardPng); the CgBI result must be pngjs's
// bytes read as BGR(A), un-premultiplied. Every filter type (None, Sub, Up, Average, Paeth), on the
// first row and below it, for RGB and RGBA, with byte values that make Paeth ties and 8-bit wrap-around
// common — so a change to any filter's arithmetic turns a test red. Plus the decoder's size limits.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { isOtashipError } from '../../../src/core/errors.js';
import { MAX_ICON_PIXELS, PngConversionError, checkIconBudget, toStandardPng, withinIconBudget } from '../../../src/core/png/index.js';
import { rawPng, undecodablePng } from '../../helpers/synthetic-png.js';
import { assertStrictPng } from '../../helpers/strict-png.js';
import { propertyRuns } from '../../helpers/property-runs.js';

type Channels = 3 | 4;

/** What the CgBI decoder must return for `raw`, according to pngjs reading it as a standard PNG. */
function expectedFromPngjs(raw: Buffer, width: number, height: number, channels: Channels): Buffer {
  const stored = PNG.sync.read(rawPng(raw, { width, height, colorType: channels === 4 ? 6 : 2 }), { checkCRC: true }).data;
  const out = Buffer.alloc(width * height * 4);
  for (let i = 0; i < out.length; i += 4) {
    // Stored as B, G, R, A (pngjs gives A = 255 for RGB input), alpha premultiplied.
    const a = stored[i + 3]!;
    const unpre = (c: number): number => (a === 255 ? c : a === 0 ? 0 : Math.min(255, Math.round((c * 255) / a)));
    out[i] = unpre(stored[i + 2]!);
    out[i + 1] = unpre(stored[i + 1]!);
    out[i + 2] = unpre(stored[i]!);
    out[i + 3] = a;
  }
  return out;
}

function decodeCgbi(raw: Buffer, width: number, height: number, channels: Channels): Buffer {
  const out = toStandardPng(rawPng(raw, { width, height, colorType: channels === 4 ? 6 : 2, cgbi: true }));
  assertStrictPng(out, 'converted CgBI');
  const png = PNG.sync.read(out);
  assert.equal(png.width, width);
  assert.equal(png.height, height);
  return Buffer.from(png.data);
}

/** Filtered rows: `filters[y]` as each row's filter byte, `bytes` (cycled) as the filtered data. */
function rawRows(width: number, height: number, channels: Channels, filters: readonly number[], bytes: readonly number[]): Buffer {
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  let k = 0;
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = filters[y % filters.length]!;
    for (let x = 0; x < stride; x++) raw[y * (stride + 1) + 1 + x] = bytes[k++ % bytes.length]!;
  }
  return raw;
}

/** Small values and values near 255: neighbours tie (Paeth's order of preference) and sums wrap. */
const TRICKY = [0, 1, 2, 3, 127, 128, 129, 200, 253, 254, 255, 7, 64, 250, 1, 0, 255, 90, 31];

describe('CgBI decoding matches an independent decoder (pngjs)', () => {
  for (const channels of [4, 3] as const) {
    for (const [filter, name] of [[0, 'None'], [1, 'Sub'], [2, 'Up'], [3, 'Average'], [4, 'Paeth']] as const) {
      test(`${channels === 4 ? 'RGBA' : 'RGB'}, every row filtered with ${name} (the first row included)`, () => {
        const width = 9;
        const height = 7;
        const raw = rawRows(width, height, channels, [filter], TRICKY);
        assert.deepEqual(decodeCgbi(raw, width, height, channels), expectedFromPngjs(raw, width, height, channels));
      });
    }
  }

  test('any filtered rows, any filter sequence, RGB or RGBA, any size (property)', () => {
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 2, 127, 128, 254, 255));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom<Channels>(3, 4),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 8 }),
        fc.array(byte, { minLength: 1, maxLength: 400 }),
        (width, height, channels, filters, bytes) => {
          const raw = rawRows(width, height, channels, filters, bytes);
          assert.deepEqual(decodeCgbi(raw, width, height, channels), expectedFromPngjs(raw, width, height, channels));
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  test('IDAT split over several chunks decodes the same as one', () => {
    const raw = rawRows(16, 16, 4, [0, 1, 2, 3, 4], TRICKY);
    const one = toStandardPng(rawPng(raw, { width: 16, height: 16, cgbi: true }));
    const split = toStandardPng(rawPng(raw, { width: 16, height: 16, cgbi: true, idatParts: 5 }));
    assert.deepEqual(PNG.sync.read(split).data, PNG.sync.read(one).data);
  });
});

/** Where IHDR's data starts in a CgBI file: signature, the 4-byte CgBI chunk, IHDR's length and type. */
const IHDR_DATA = 8 + (12 + 4) + 8;

describe('CgBI decoder limits', () => {
  test('the pixel budget: 2048×2048 is within it, one pixel row or column more is not', () => {
    assert.equal(MAX_ICON_PIXELS, 2048 * 2048);
    assert.equal(withinIconBudget(2048, 2048), true);
    assert.equal(withinIconBudget(1, MAX_ICON_PIXELS), true);
    assert.equal(withinIconBudget(2049, 2048), false);
    assert.equal(withinIconBudget(1, MAX_ICON_PIXELS + 1), false);
    assert.throws(
      () => checkIconBudget(12000, 12000, 'The icon X.png'),
      (e: unknown) => isOtashipError(e) && e.code === 'ICON_TOO_LARGE' && /X\.png is 12000×12000 pixels/.test(e.message),
    );
  });

  test('a CgBI image past the budget is refused from IHDR alone: its IDAT, which cannot inflate, is never read', () => {
    for (const [w, h] of [[12000, 12000], [2049, 2048], [65535, 65535]] as const) {
      assert.throws(
        () => toStandardPng(undecodablePng(w, h, { cgbi: true })),
        (e: unknown) => isOtashipError(e) && e.code === 'ICON_TOO_LARGE' && e.message.startsWith(`The CgBI icon is ${w}×${h} pixels`),
        `${w}×${h}`,
      );
    }
    // Within the budget the same IDAT is read, and fails as the damage it is.
    assert.throws(() => toStandardPng(undecodablePng(64, 64, { cgbi: true })), (e: unknown) => e instanceof PngConversionError && /inflate/.test(e.message));
  });

  test('image data longer than the dimensions is refused without inflating all of it', () => {
    // Rows for 64×64 behind a header that claims 4×4: inflation stops at the header's size.
    const raw = rawRows(64, 64, 4, [0], TRICKY);
    const png = rawPng(raw, { width: 64, height: 64, cgbi: true });
    png.writeUInt32BE(4, IHDR_DATA); // width (the converter does not check CRCs)
    png.writeUInt32BE(4, IHDR_DATA + 4); // height
    assert.throws(() => toStandardPng(png), (e: unknown) => e instanceof PngConversionError && /cannot be inflated/.test(e.message));
  });

  test('image data shorter than the dimensions, an unknown filter type, and unsupported formats are clear errors', () => {
    const short = rawRows(8, 4, 4, [0], TRICKY);
    assert.throws(
      () => toStandardPng(rawPng(short, { width: 8, height: 5, cgbi: true })),
      (e: unknown) => e instanceof PngConversionError && /shorter than its dimensions/.test(e.message),
    );
    const bad = rawRows(4, 3, 4, [0, 5], TRICKY);
    assert.throws(
      () => toStandardPng(rawPng(bad, { width: 4, height: 3, cgbi: true })),
      (e: unknown) => e instanceof PngConversionError && /row 1 has unknown filter type 5/.test(e.message),
    );
    // One byte short is short: every row is its filter byte plus width × channels bytes.
    const oneShort = rawRows(8, 4, 4, [0], TRICKY).subarray(0, 4 * (8 * 4 + 1) - 1);
    assert.throws(
      () => toStandardPng(rawPng(oneShort, { width: 8, height: 4, cgbi: true })),
      (e: unknown) => e instanceof PngConversionError && /shorter than its dimensions/.test(e.message),
    );
    // 16 bits per channel, even in a colour type the decoder knows, is refused rather than misread.
    const deep = rawPng(rawRows(8, 3, 4, [0], TRICKY), { width: 4, height: 3, cgbi: true });
    deep[IHDR_DATA + 8] = 16; // bit depth (colour type stays 6)
    assert.throws(
      () => toStandardPng(deep),
      (e: unknown) => e instanceof PngConversionError && e.message === 'unsupported CgBI pixel format (bit depth 16, colour type 6)',
    );
    assert.throws(() => toStandardPng(Buffer.from('GIF89a')), (e: unknown) => e instanceof PngConversionError && e.message === 'not a PNG image');
    const grey = rawPng(rawRows(4, 3, 3, [0], TRICKY), { width: 4, height: 3, cgbi: true });
    grey[IHDR_DATA + 9] = 0; // colour type 0 (greyscale)
    assert.throws(() => toStandardPng(grey), (e: unknown) => e instanceof PngConversionError && /unsupported CgBI pixel format/.test(e.message));
  });
});
