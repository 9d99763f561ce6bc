// A strict PNG check for icons otaship writes or serves, in the spirit of pngcheck: the signature,
// every chunk's CRC, IHDR first and IEND last with nothing after it, only chunk types registered in
// the PNG specification (Apple's CgBI and iDOT, or any private chunk, fail), then a full decode by
// pngjs with CRC checking on.
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { PNG } from 'pngjs';

/** Chunk types registered by the PNG specification (third edition), including APNG's. */
const REGISTERED = new Set([
  'IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'cHRM', 'gAMA', 'iCCP', 'sBIT', 'sRGB', 'cICP', 'mDCV', 'cLLI',
  'tEXt', 'zTXt', 'iTXt', 'bKGD', 'hIST', 'pHYs', 'sPLT', 'eXIf', 'tIME', 'acTL', 'fcTL', 'fdAT',
]);

/** The chunk types of `buf` in order, after checking everything above; throws an AssertionError. */
export function assertStrictPng(buf: Buffer, label = 'PNG'): string[] {
  assert.ok(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${label}: PNG signature`);
  const types: string[] = [];
  let pos = 8;
  while (pos < buf.length) {
    assert.ok(pos + 12 <= buf.length, `${label}: chunk header or CRC cut off at ${pos}`);
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const end = pos + 12 + length;
    assert.ok(end <= buf.length, `${label}: ${type} runs past the end`);
    const crc = crc32(buf.subarray(pos + 4, end - 4)) >>> 0;
    assert.equal(buf.readUInt32BE(end - 4), crc, `${label}: CRC of ${type}`);
    assert.ok(REGISTERED.has(type), `${label}: chunk ${JSON.stringify(type)} is not a registered PNG chunk`);
    types.push(type);
    pos = end;
    if (type === 'IEND') break;
  }
  assert.equal(types[0], 'IHDR', `${label}: IHDR first`);
  assert.equal(types.at(-1), 'IEND', `${label}: IEND last`);
  assert.equal(pos, buf.length, `${label}: nothing after IEND`);
  PNG.sync.read(buf, { checkCRC: true });
  return types;
}
