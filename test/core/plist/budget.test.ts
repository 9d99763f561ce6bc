// Work budgets of the plist readers: small documents that expand (shared references, one string
// referenced many times), nest deeply or declare absurd counts are refused with PARSE_BUDGET (or
// BAD_PLIST when simply malformed), quickly and without a crash; documents with shared references
// within the budget still read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PLIST_LIMITS } from '../../../src/core/budget.js';
import { readPlistDict } from '../../../src/core/plist/read.js';
import { arrayObject, asciiObject, binaryPlist, dictObject, marker, referenceBomb } from '../../helpers/bombs.js';
import { refusedAs } from '../../helpers/otaship-errors.js';

/** A dictionary { k: chain } where each of `levels` arrays holds the next one once. */
function deepBinary(levels: number): Buffer {
  const objects = [asciiObject('leaf')];
  for (let i = 1; i <= levels; i++) objects.push(arrayObject([i - 1], 2));
  objects.push(asciiObject('k'), dictObject([levels + 1], [levels], 2));
  return binaryPlist(objects, levels + 2, 2);
}

describe('binary plist budget', () => {
  test('a ~400-byte reference bomb (2^60 values) is refused as PARSE_BUDGET naming the entry', () => {
    const bomb = referenceBomb(60, 'CFBundleIdentifier');
    assert.ok(bomb.length < 400);
    assert.throws(() => readPlistDict(bomb, 'Payload/X.app/Info.plist'), refusedAs('PARSE_BUDGET', /Payload\/X\.app\/Info\.plist holds more than \d+ values/));
  });

  test('shared references within the budget still read (writers may share equal objects)', () => {
    const value = readPlistDict(referenceBomb(10, 'list'), 'shared.plist').value;
    const leaves = (value.list as unknown[]).flat(20);
    assert.equal(leaves.length, 2 ** 10);
    assert.ok(leaves.every((l) => l === 'A'));
  });

  test('wide sharing: one long string referenced many times is refused by the byte budget', () => {
    const long = 'x'.repeat(1024 * 1024);
    const refs = Math.ceil(PLIST_LIMITS.bytes / long.length) + 1;
    // Object 0: the string; object 1: an array of `refs` references to it; then the root dict.
    const objects = [asciiObject(long), arrayObject(Array.from({ length: refs }, () => 0), 2), asciiObject('k'), dictObject([2], [1], 2)];
    assert.throws(() => readPlistDict(binaryPlist(objects, 3, 2), 'wide.plist'), refusedAs('PARSE_BUDGET', /bytes of content/));
  });

  test('deep nesting past the limit is PARSE_BUDGET; just within it reads', () => {
    assert.throws(() => readPlistDict(deepBinary(PLIST_LIMITS.depth + 1), 'deep.plist'), refusedAs('PARSE_BUDGET', /nested more than 128 levels/));
    let v: unknown = readPlistDict(deepBinary(PLIST_LIMITS.depth - 1), 'ok.plist').value.k;
    let depth = 0;
    while (Array.isArray(v)) {
      v = v[0];
      depth++;
    }
    assert.equal(depth, PLIST_LIMITS.depth - 1);
  });

  test('huge declared counts (array of 2^32 entries, 2^60 objects) are BAD_PLIST, not a crash', () => {
    const hugeArray = Buffer.concat([Buffer.from([0xaf, 0x13]), Buffer.from([0, 0, 0, 1, 0, 0, 0, 0])]);
    const doc = binaryPlist([hugeArray, asciiObject('k'), dictObject([1], [0])], 2);
    assert.throws(() => readPlistDict(doc, 'huge.plist'), refusedAs('BAD_PLIST'));
    const hugeString = Buffer.concat([marker(0x5, 0xffff)]);
    assert.throws(() => readPlistDict(binaryPlist([hugeString, asciiObject('k'), dictObject([1], [0])], 2), 's.plist'), refusedAs('BAD_PLIST'));
    const manyObjects = binaryPlist([asciiObject('k'), dictObject([0], [0])], 1);
    manyObjects.writeBigUInt64BE(1n << 60n, manyObjects.length - 24);
    assert.throws(() => readPlistDict(manyObjects, 'n.plist'), refusedAs('BAD_PLIST'));
  });
});

describe('XML plist budget', () => {
  const wrap = (body: string): Buffer => Buffer.from(`<?xml version="1.0"?><plist version="1.0">${body}</plist>`);

  test('deep nesting past the limit is PARSE_BUDGET naming the entry', () => {
    const levels = PLIST_LIMITS.depth + 1;
    const doc = wrap(`<dict><key>k</key>${'<array>'.repeat(levels)}${'</array>'.repeat(levels)}</dict>`);
    assert.throws(() => readPlistDict(doc, 'Payload/X.app/Info.plist'), refusedAs('PARSE_BUDGET', /^Payload\/X\.app\/Info\.plist holds values nested/));
    // 100,000 levels (500 KB): refused at the limit, not a stack overflow.
    assert.throws(() => readPlistDict(wrap('<array>'.repeat(100_000)), 'deeper.plist'), refusedAs('PARSE_BUDGET'));
  });

  test('more values than the budget (a flat document of empty elements) is PARSE_BUDGET', () => {
    const doc = wrap(`<dict><key>k</key><array>${'<true/>'.repeat(PLIST_LIMITS.objects)}</array></dict>`);
    assert.throws(() => readPlistDict(doc, 'flat.plist'), refusedAs('PARSE_BUDGET', /more than 200000 values/));
  });

  test('a flat document within the budget reads', () => {
    const n = 10_000;
    const doc = wrap(`<dict><key>k</key><array>${'<string>v</string>'.repeat(n)}</array></dict>`);
    assert.equal((readPlistDict(doc, 'ok.plist').value.k as unknown[]).length, n);
  });

  test('entity definitions (the classic expansion) are refused as BAD_PLIST', () => {
    const doc = Buffer.from('<!DOCTYPE plist [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><plist><string>&b;</string></plist>');
    assert.throws(() => readPlistDict(doc, 'lol.plist'), refusedAs('BAD_PLIST'));
  });
});

describe('binary plist UTF-16 strings', () => {
  const utf16Object = (units: number[]): Buffer => {
    const be = Buffer.alloc(units.length * 2);
    units.forEach((u, i) => be.writeUInt16BE(u, i * 2));
    return Buffer.concat([marker(0x6, units.length), be]);
  };

  test('every code unit is kept as written: BMP, a surrogate pair, a lone surrogate', () => {
    const units = [0x48, 0xe9, 0x4e2d, 0xd83d, 0xde00, 0xd800, 0x41];
    const doc = binaryPlist([asciiObject('k'), utf16Object(units), dictObject([0], [1])], 2);
    assert.equal(readPlistDict(doc, 'Info.plist').value.k, String.fromCharCode(...units));
  });

  test('a long string shared by many references reads within the budget, and past it is refused', () => {
    const long = utf16Object(Array.from({ length: 1_000_000 }, (_, i) => 0x41 + (i % 26)));
    // One 2 MB string referenced 16 times: 32 MB of content, inside the 64 MiB budget.
    const refs = Array.from({ length: 16 }, () => 1);
    const within = binaryPlist([asciiObject('k'), long, arrayObject(refs, 1), dictObject([0], [2])], 3);
    const value = readPlistDict(within, 'Info.plist').value.k as string[];
    assert.equal(value.length, 16);
    assert.equal(value[15]?.length, 1_000_000);
    assert.equal(value[15]?.slice(0, 3), 'ABC');
    // 40 references: 80 MB of content, past it.
    const past = binaryPlist([asciiObject('k'), long, arrayObject(Array.from({ length: 40 }, () => 1), 1), dictObject([0], [2])], 3);
    assert.throws(() => readPlistDict(past, 'Info.plist'), refusedAs('PARSE_BUDGET'));
  });
});
