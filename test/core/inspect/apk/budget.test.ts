// Work budgets of the Android parsers (AXML, resources.arsc, their string pools): deep nesting,
// chunk floods, pool indices that all point at one long string and huge declared counts are
// refused with a catalogue error (PARSE_BUDGET, or BAD_APK when simply malformed), never a crash.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARSC_LIMITS, AXML_LIMITS } from '../../../../src/core/budget.js';
import { ResourceTable } from '../../../../src/core/inspect/apk/arsc.js';
import { parseAxml } from '../../../../src/core/inspect/apk/axml.js';
import { encodeArsc, encodeAxml, encodeStringPool, file, str, type XmlNode } from '../../../helpers/synthetic-apk.js';
import { refusedAs } from '../../../helpers/otaship-errors.js';

function chunk(type: number, header: Buffer, body: Buffer[]): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16LE(type, 0);
  h.writeUInt16LE(8 + header.length, 2);
  h.writeUInt32LE(8 + header.length + body.reduce((n, b) => n + b.length, 0), 4);
  return Buffer.concat([h, header, ...body]);
}

function nested(levels: number): XmlNode {
  let node: XmlNode = { name: 'leaf' };
  for (let i = 0; i < levels; i++) node = { name: 'n', children: [node] };
  return node;
}

/** A string pool whose every index points at the first string (a long one). */
function poolAllAtFirst(long: string, count: number): Buffer {
  const pool = encodeStringPool([long, ...Array.from({ length: count - 1 }, (_, i) => `s${i}`)]);
  for (let i = 0; i < count; i++) pool.writeUInt32LE(0, 28 + i * 4);
  return pool;
}

/** One start-element chunk with attributes whose raw values are the given pool indices. */
function elementWithRawValues(nameIdx: number, rawIdx: number[]): Buffer {
  const node = Buffer.alloc(8);
  node.writeUInt32LE(1, 0);
  node.writeUInt32LE(0xffffffff, 4);
  const ext = Buffer.alloc(20);
  ext.writeUInt32LE(0xffffffff, 0);
  ext.writeUInt32LE(nameIdx, 4);
  ext.writeUInt16LE(20, 8);
  ext.writeUInt16LE(20, 10);
  ext.writeUInt16LE(rawIdx.length, 12);
  const attrs = rawIdx.map((r) => {
    const a = Buffer.alloc(20);
    a.writeUInt32LE(0xffffffff, 0);
    a.writeUInt32LE(nameIdx, 4);
    a.writeUInt32LE(r, 8);
    a.writeUInt16LE(8, 12);
    a.writeUInt8(0x03, 15);
    a.writeUInt32LE(r, 16);
    return a;
  });
  return chunk(0x0102, node, [ext, ...attrs]);
}

describe('AXML budget', () => {
  test('elements nested past the limit are PARSE_BUDGET naming the entry; just within it parse', () => {
    assert.throws(() => parseAxml(encodeAxml(nested(AXML_LIMITS.depth)), 'AndroidManifest.xml'), refusedAs('PARSE_BUDGET', /^AndroidManifest\.xml holds values nested/));
    let el = parseAxml(encodeAxml(nested(AXML_LIMITS.depth - 1)), 'AndroidManifest.xml');
    let depth = 0;
    while (el.children[0]) {
      el = el.children[0];
      depth++;
    }
    assert.equal(depth, AXML_LIMITS.depth - 1);
  });

  test('a flood of empty chunks is PARSE_BUDGET', () => {
    const empty = chunk(0x0104, Buffer.alloc(0), []);
    const doc = chunk(0x0003, Buffer.alloc(0), [encodeStringPool(['manifest']), ...Array.from({ length: AXML_LIMITS.objects }, () => empty)]);
    assert.throws(() => parseAxml(doc, 'AndroidManifest.xml'), refusedAs('PARSE_BUDGET', /more than \d+ values/));
  });

  test('pool indices that all point at one long string are PARSE_BUDGET (bytes decoded)', () => {
    const long = 'x'.repeat(30_000); // 60 KB of UTF-16
    const count = Math.ceil(AXML_LIMITS.bytes / (long.length * 2)) + 10;
    const doc = chunk(0x0003, Buffer.alloc(0), [poolAllAtFirst(long, count), elementWithRawValues(0, Array.from({ length: count }, (_, i) => i))]);
    assert.ok(doc.length < 200_000, `${doc.length} bytes`);
    assert.throws(() => parseAxml(doc, 'res/xml/x.xml'), refusedAs('PARSE_BUDGET', /bytes of content/));
  });

  test('zero-size chunks, huge string counts and attribute counts are BAD_APK, not a hang or a crash', () => {
    const zero = Buffer.from(chunk(0x0003, Buffer.alloc(0), [encodeStringPool(['a']), Buffer.alloc(8)]));
    assert.throws(() => parseAxml(zero, 'AndroidManifest.xml'), refusedAs('BAD_APK'));
    const pool = encodeStringPool(['manifest']);
    pool.writeUInt32LE(0xffffffff, 8);
    assert.throws(() => parseAxml(chunk(0x0003, Buffer.alloc(0), [pool]), 'AndroidManifest.xml'), refusedAs('BAD_APK'));
    const el = elementWithRawValues(0, [0]);
    el.writeUInt16LE(0xffff, 16 + 12); // attrCount
    assert.throws(() => parseAxml(chunk(0x0003, Buffer.alloc(0), [encodeStringPool(['manifest']), el]), 'AndroidManifest.xml'), refusedAs('BAD_APK'));
  });
});

describe('resources.arsc budget', () => {
  const entries = [
    { type: 'mipmap', name: 'ic_launcher', values: [{ config: { density: 480 }, value: file('res/mipmap-xxhdpi/ic_launcher.png') }] },
    { type: 'mipmap', name: 'other', values: [{ config: { density: 480 }, value: file('res/mipmap-xxhdpi/other.png') }] },
  ];

  test('a type chunk declaring 2^32-1 entries is read as the entries it holds, not allocated', () => {
    const { buf, ids } = encodeArsc(entries);
    // Patch the entry count of every type chunk (0x0201) to 0xffffffff.
    let patched = 0;
    for (let at = 0; at + 8 <= buf.length; at += 4) {
      if (buf.readUInt16LE(at) === 0x0201 && buf.readUInt16LE(at + 2) === 8 + 12 + 64) {
        buf.writeUInt32LE(0xffffffff, at + 12);
        patched++;
      }
    }
    assert.equal(patched, 1);
    const table = ResourceTable.parse(buf, 'resources.arsc');
    let result: number[] | null = null;
    try {
      result = table.idsNamed('mipmap', 'ic_launcher');
    } catch (e) {
      refusedAs('BAD_APK')(e);
    }
    if (result) assert.deepEqual(result, [ids.get('mipmap/ic_launcher')]);
  });

  test('string values that all point at one long string are PARSE_BUDGET across lookups', () => {
    const long = 'y'.repeat(100_000); // 200 KB of UTF-16
    const n = Math.ceil(ARSC_LIMITS.bytes / (long.length * 2)) + 5;
    const many = Array.from({ length: n }, (_, i) => ({ type: 'string', name: `s${i}`, values: [{ value: str(i === 0 ? long : `v${i}`) }] }));
    const { buf, ids } = encodeArsc(many);
    // The global string pool is the table's first child (after its 12-byte header): point every index at string 0.
    const count = buf.readUInt32LE(12 + 8);
    for (let i = 0; i < count; i++) buf.writeUInt32LE(0, 12 + 28 + i * 4);
    const table = ResourceTable.parse(buf, 'resources.arsc');
    assert.throws(() => {
      for (const id of ids.values()) table.lookup(id);
    }, refusedAs('PARSE_BUDGET', /^resources\.arsc holds more than \d+ bytes/));
  });
});
