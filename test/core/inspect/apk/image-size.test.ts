import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { rasterSize } from '../../../../src/core/inspect/apk/image-size.js';

const sizes: [number, number][] = [
  [1, 1],
  [48, 32],
  [192, 192],
  [513, 1025],
];

test('PNG, WebP (lossy, lossless, alpha) and JPEG sizes come from their headers', async () => {
  for (const [width, height] of sizes) {
    const img = () => sharp({ create: { width, height, channels: 4, background: { r: 9, g: 99, b: 199, alpha: 0.5 } } });
    const cases: [string, Buffer][] = [
      ['png', await img().png().toBuffer()],
      ['webp', await img().webp({ lossless: true }).toBuffer()],
      ['webp', await img().webp({ quality: 50 }).toBuffer()],
      ['webp', await img().flatten().webp({ quality: 50 }).toBuffer()],
      ['jpeg', await img().jpeg().toBuffer()],
    ];
    for (const [format, bytes] of cases) {
      assert.deepEqual(rasterSize(bytes), { format, width, height }, `${format} ${width}x${height}`);
    }
  }
});

test('non-images and truncated headers give null', () => {
  assert.equal(rasterSize(Buffer.from('<vector xmlns:android="..."/>')), null);
  assert.equal(rasterSize(Buffer.alloc(0)), null);
  assert.equal(rasterSize(Buffer.from([0x89, 0x50, 0x4e, 0x47])), null);
  assert.equal(rasterSize(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00])), null);
});
