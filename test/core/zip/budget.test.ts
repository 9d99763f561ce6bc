// Work budget of the zip central-directory reader: absurd declared counts are not trusted, a
// directory of many equal names no longer makes the name table quadratic (one slot per name, the
// last record wins), and the entry and probe limits end in PARSE_BUDGET.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ZIP_LIMITS, type ZipLimits } from '../../../src/core/budget.js';
import { findRecord, nameAt, readCentralDirectory } from '../../../src/core/zip/central-directory.js';
import { refusedAs } from '../../helpers/otaship-errors.js';

/** A zip that is only a central directory (records point at offset 0) and its end record. */
function directoryOnly(names: Buffer[], declared: { count?: number } = {}): Buffer {
  const records = names.map((name, i) => {
    const r = Buffer.alloc(46);
    r.writeUInt32LE(0x02014b50, 0);
    r.writeUInt32LE(i, 16); // crc: tells records apart
    r.writeUInt16LE(name.length, 28);
    return Buffer.concat([r, name]);
  });
  const cd = Buffer.concat(records);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(declared.count ?? Math.min(names.length, 0xffff), 8);
  eocd.writeUInt16LE(declared.count ?? Math.min(names.length, 0xffff), 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(0, 16);
  return Buffer.concat([cd, eocd]);
}

function read(zip: Buffer, limits?: ZipLimits) {
  const readAt = async (buf: Buffer, pos: number): Promise<number> => zip.copy(buf, 0, pos, Math.min(zip.length, pos + buf.length));
  return readCentralDirectory(readAt, 'test.zip', zip.length, limits);
}

describe('zip directory budget', () => {
  test('100,000 records of one (empty) name: read in linear time, the last record wins', async () => {
    const n = 100_000;
    const dir = await read(directoryOnly(Array.from({ length: n }, () => Buffer.alloc(0))));
    assert.equal(dir.positions.length, n);
    const last = findRecord(dir, '');
    assert.equal(last, dir.positions[n - 1]);
    assert.equal(dir.bytes.readUInt32LE(last + 16), n - 1);
    // Equal names share one slot: the table holds one entry.
    assert.equal(dir.table.filter((slot) => slot !== 0).length, 1);
    dir.release();
  });

  test('duplicates among distinct names: each name finds its last record', async () => {
    const names = ['a', 'b', 'a', 'c', 'b', 'a'].map((s) => Buffer.from(s));
    const dir = await read(directoryOnly(names));
    for (const [name, index] of [['a', 5], ['b', 4], ['c', 3]] as const) {
      assert.equal(dir.bytes.readUInt32LE(findRecord(dir, name) + 16), index);
      assert.equal(nameAt(dir.bytes, findRecord(dir, name)), name);
    }
    assert.equal(findRecord(dir, 'd'), -1);
    dir.release();
  });

  test('absurd declared counts in the end record are not trusted', async () => {
    const dir = await read(directoryOnly([Buffer.from('x'), Buffer.from('y')], { count: 0xffff }));
    assert.equal(dir.positions.length, 2);
    dir.release();
  });

  test('more records than the entry limit is PARSE_BUDGET naming the file', async () => {
    const limits = { ...ZIP_LIMITS, entries: 1000 };
    const names = Array.from({ length: 1001 }, (_, i) => Buffer.from(`f${i}`));
    await assert.rejects(read(directoryOnly(names), limits), refusedAs('PARSE_BUDGET', /^test\.zip's zip directory holds more than 1000 entries/));
    const within = await read(directoryOnly(names.slice(0, 1000)), limits);
    assert.equal(within.positions.length, 1000);
    within.release();
  });

  test('name-table probes past the limit are PARSE_BUDGET', async () => {
    // With no probes allowed per entry (only the fixed allowance), 50,000 distinct names in a
    // half-full table collide past it by chance alone; the real limit is 32 per entry.
    const names = Array.from({ length: 50_000 }, (_, i) => Buffer.from(`Payload/App.app/file-${i}`));
    await assert.rejects(read(directoryOnly(names), { ...ZIP_LIMITS, probesPerEntry: 0 }), refusedAs('PARSE_BUDGET', /collide/));
    const dir = await read(directoryOnly(names));
    assert.equal(dir.positions.length, names.length);
    dir.release();
  });
});
