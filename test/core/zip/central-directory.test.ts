// The hand-written central-directory reader, on zips built byte by byte where yazl cannot produce
// the case (unflagged CP437 names, Info-ZIP Unicode path fields, trailing junk, hostile lengths).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { findRecord, nameAt, nameHash, readCentralDirectory, recordAt } from '../../../src/core/zip/central-directory.js';
import type { CentralDirectory } from '../../../src/core/zip/central-directory.js';
import { OtashipError } from '../../../src/core/errors.js';

interface Rec {
  name: Buffer;
  flags?: number;
  extra?: Buffer;
  data?: Buffer;
}

function makeZip(recs: Rec[], opts: { comment?: Buffer; trailing?: Buffer } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const r of recs) {
    const data = r.data ?? Buffer.alloc(0);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(r.flags ?? 0, 6);
    lh.writeUInt32LE(crc32(data), 14);
    lh.writeUInt32LE(data.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(r.name.length, 26);
    locals.push(lh, r.name, data);
    const extra = r.extra ?? Buffer.alloc(0);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(r.flags ?? 0, 8);
    ch.writeUInt32LE(crc32(data), 16);
    ch.writeUInt32LE(data.length, 20);
    ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(r.name.length, 28);
    ch.writeUInt16LE(extra.length, 30);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, r.name, extra);
    offset += 30 + r.name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const comment = opts.comment ?? Buffer.alloc(0);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(recs.length, 8);
  eocd.writeUInt16LE(recs.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, cd, eocd, comment, opts.trailing ?? Buffer.alloc(0)]);
}

function names(dir: CentralDirectory): string[] {
  return [...dir.positions].map((p) => nameAt(dir.bytes, p));
}

function read(zip: Buffer) {
  const readAt = async (buf: Buffer, pos: number): Promise<number> => zip.copy(buf, 0, pos, Math.min(zip.length, pos + buf.length));
  return readCentralDirectory(readAt, 'test.zip', zip.length);
}

describe('readCentralDirectory', () => {
  test('names: UTF-8 flag, unflagged UTF-8 (macOS), CP437, Info-ZIP Unicode path field', async () => {
    const unicodeName = Buffer.from('Payload/Ünï.app/Info.plist');
    const legacy = Buffer.from('Payload/?.app/Info.plist');
    const upath = Buffer.concat([Buffer.from([0x75, 0x70, 0, 0, 1]), Buffer.alloc(4), unicodeName]);
    upath.writeUInt16LE(5 + unicodeName.length, 2);
    upath.writeUInt32LE(crc32(legacy), 5);
    const dir = await read(
      makeZip([
        { name: Buffer.from('flagged/é.txt'), flags: 0x800 },
        { name: Buffer.from('unflagged/名前.txt') },
        { name: Buffer.from([0x63, 0x61, 0x66, 0x82, 0x2e, 0x74, 0x78, 0x74]) }, // "caf\x82.txt" in CP437
        { name: legacy, extra: upath },
        { name: Buffer.from('dir/') },
      ]),
    );
    assert.deepEqual(names(dir), ['flagged/é.txt', 'unflagged/名前.txt', 'café.txt', 'Payload/Ünï.app/Info.plist', 'dir/']);
    assert.equal(findRecord(dir, 'café.txt'), dir.positions[2]);
    assert.equal(findRecord(dir, 'Payload/Ünï.app/Info.plist'), dir.positions[3]);
    assert.equal(findRecord(dir, 'cafe.txt'), -1);
  });

  test('a comment, and junk after the comment, still find the end record', async () => {
    const recs = [{ name: Buffer.from('a.txt'), data: Buffer.from('hello') }];
    for (const opts of [{ comment: Buffer.from('PK\x05\x06 looks like a signature') }, { trailing: Buffer.from('appended by a signing tool') }]) {
      const dir = await read(makeZip(recs, opts));
      assert.deepEqual(names(dir), ['a.txt']);
      assert.equal(recordAt(dir.bytes, findRecord(dir, 'a.txt')).size, 5);
    }
  });

  test('damaged directories are CORRUPT_ZIP or TRUNCATED_ZIP naming the file', async () => {
    const good = makeZip([{ name: Buffer.from('a.txt'), data: Buffer.from('hello') }, { name: Buffer.from('b.txt') }]);
    const eocd = good.length - 22;
    const cases: Array<[string, (b: Buffer) => void, string]> = [
      ['directory offset past the end', (b) => b.writeUInt32LE(good.length, eocd + 16), 'TRUNCATED_ZIP'],
      ['directory size past the end record', (b) => b.writeUInt32LE(b.readUInt32LE(eocd + 12) + 10, eocd + 12), 'CORRUPT_ZIP'],
      ['record signature broken', (b) => b.writeUInt32LE(0, b.readUInt32LE(eocd + 16)), 'CORRUPT_ZIP'],
      ['name length runs past the directory', (b) => b.writeUInt16LE(0xffff, b.readUInt32LE(eocd + 16) + 28), 'CORRUPT_ZIP'],
      ['no end record', (b) => b.writeUInt32LE(0, eocd), 'TRUNCATED_ZIP'],
    ];
    for (const [what, damage, code] of cases) {
      const b = Buffer.from(good);
      damage(b);
      await assert.rejects(read(b), (e: unknown) => e instanceof OtashipError && e.code === code && /test\.zip/.test(e.message), what);
    }
  });

  test('a zip64 locator pointing nowhere, with saturated 32-bit fields, is CORRUPT_ZIP', async () => {
    const good = makeZip([{ name: Buffer.from('a.txt') }]);
    const eocd = good.length - 22;
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeUInt32LE(0xfffffff0, 8); // far past the end
    const b = Buffer.concat([good.subarray(0, eocd), locator, good.subarray(eocd)]);
    b.writeUInt32LE(0xffffffff, b.length - 22 + 16);
    await assert.rejects(read(b), (e: unknown) => e instanceof OtashipError && e.code === 'CORRUPT_ZIP' && /zip64/.test(e.message));
  });

  test('lookups: the last of duplicate names wins, every one of 5,000 names is found, absent names are not', async () => {
    const recs: Rec[] = [{ name: Buffer.from('dup.txt'), data: Buffer.from('first') }];
    for (let i = 0; i < 5000; i++) recs.push({ name: Buffer.from(`Payload/A.app/r/${i}.txt`) });
    recs.push({ name: Buffer.from('dup.txt'), data: Buffer.from('second!') });
    const dir = await read(makeZip(recs));
    assert.equal(dir.positions.length, 5002);
    assert.equal(recordAt(dir.bytes, findRecord(dir, 'dup.txt')).size, 7);
    for (let i = 0; i < 5000; i += 1) assert.equal(findRecord(dir, `Payload/A.app/r/${i}.txt`), dir.positions[i + 1]);
    assert.equal(findRecord(dir, 'Payload/A.app/r/5000.txt'), -1);
    assert.equal(findRecord(dir, ''), -1);
  });

  test('names whose hashes collide are told apart by comparing the names', async () => {
    // Find two different names with the same 32-bit hash by brute force over a small alphabet.
    const seen = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let i = 0; pair === null; i++) {
      const name = `n${i.toString(36)}`;
      const h = nameHash(name);
      const other = seen.get(h);
      if (other !== undefined) pair = [other, name];
      else seen.set(h, name);
    }
    const [a, b] = pair;
    const dir = await read(makeZip([{ name: Buffer.from(a), data: Buffer.from('a') }, { name: Buffer.from(b), data: Buffer.from('bb') }]));
    assert.equal(recordAt(dir.bytes, findRecord(dir, a)).size, 1);
    assert.equal(recordAt(dir.bytes, findRecord(dir, b)).size, 2);
  });
});
