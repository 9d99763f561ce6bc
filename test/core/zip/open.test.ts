import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yazl from 'yazl';
import { openZip } from '../../../src/core/zip/open.js';
import { OtashipError } from '../../../src/core/errors.js';
import { buildIpa, buildZip, tempPath, zeros } from '../../helpers/synthetic-ipa.js';

async function rejectsWith(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof OtashipError, `expected OtashipError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

async function withZip<T>(path: string, fn: (z: Awaited<ReturnType<typeof openZip>>) => Promise<T>): Promise<T> {
  const z = await openZip(path);
  try {
    return await fn(z);
  } finally {
    await z.close();
  }
}

describe('openZip', () => {
  test('lists entries in central-directory order and reads them, UTF-8 names included', async () => {
    // '10' is an integer-like name: plain JS objects would list it first.
    const names = ['b.txt', '10', 'ünï/çødé 名前.txt'];
    const path = await buildZip([
      { name: 'b.txt', data: Buffer.from('bee') },
      { name: '10', data: Buffer.from('ten'), compress: false },
      { name: 'ünï/çødé 名前.txt', data: Buffer.from('unicode ✓') },
    ]);
    await withZip(path, async (z) => {
      assert.deepEqual(
        z.entries().map((e) => e.name),
        names,
      );
      assert.equal((await z.read('ünï/çødé 名前.txt', 100)).toString(), 'unicode ✓');
      assert.equal((await z.read('10', 100)).toString(), 'ten');
      assert.equal(z.entry('b.txt')?.size, 3);
      assert.equal(z.entry('missing'), undefined);
    });
  });

  test('eachName() and names() agree; after close() every method refuses instead of reading reused memory', async () => {
    // Enough entries that the directory lies outside the end-of-file tail and gets its own buffer.
    const entries = Array.from({ length: 3000 }, (_, i) => ({ name: `Payload/A.app/res/${i}.txt`, data: Buffer.from(String(i)) }));
    const path = await buildZip(entries);
    const z = await openZip(path);
    assert.deepEqual([...z.eachName()], entries.map((e) => e.name));
    assert.equal(z.entryCount(), 3000);
    assert.deepEqual(z.names(), entries.map((e) => e.name));
    await z.close();
    for (const use of [() => z.entry('Payload/A.app/res/1.txt'), () => z.entries(), () => [...z.eachName()], () => z.entryCount()]) {
      assert.throws(use, (err: unknown) => err instanceof OtashipError && err.code === 'INTERNAL' && /after close/.test(err.message));
    }
    await rejectsWith(z.read('Payload/A.app/res/1.txt', 100), 'INTERNAL', /after close/);
  });

  test('archives open at the same time, and one opened after another closed, each read their own directory', async () => {
    const a = await buildZip(Array.from({ length: 2000 }, (_, i) => ({ name: `a/${i}.txt`, data: Buffer.from(`a${i}`) })));
    const b = await buildZip(Array.from({ length: 2500 }, (_, i) => ({ name: `b/${i}.txt`, data: Buffer.from(`b${i}`) })));
    const [za, zb] = await Promise.all([openZip(a), openZip(b)]);
    assert.equal((await za.read('a/1999.txt', 100)).toString(), 'a1999');
    assert.equal((await zb.read('b/2499.txt', 100)).toString(), 'b2499');
    assert.equal(za.entry('b/1.txt'), undefined);
    await za.close();
    // zb's directory must not have been handed to anyone; a new archive reuses za's.
    const zc = await openZip(b);
    assert.equal((await zb.read('b/7.txt', 100)).toString(), 'b7');
    assert.equal((await zc.read('b/8.txt', 100)).toString(), 'b8');
    assert.equal(zc.entryCount(), 2500);
    await Promise.all([zb.close(), zc.close()]);
  });

  test('reads zip64 archives and entries written with data descriptors', async () => {
    for (const opts of [{ zip64: true }, { dataDescriptors: true }, { zip64: true, dataDescriptors: true }]) {
      const path = await buildIpa({ ...opts, fillerBytes: 200_000 });
      await withZip(path, async (z) => {
        const info = await z.read('Payload/Example.app/Info.plist', 1 << 20);
        assert.equal(info.subarray(0, 8).toString('latin1'), 'bplist00');
        const filler = await z.read('Payload/Example.app/filler.bin', 1 << 20);
        assert.equal(filler.length, 200_000);
        assert.ok(filler.every((b) => b === 0));
      });
    }
  });

  test('a file that is not a zip → NOT_A_ZIP naming the file; empty file too', async () => {
    const path = await tempPath('text.ipa');
    await writeFile(path, 'this is plain text, not a zip');
    await rejectsWith(openZip(path), 'NOT_A_ZIP', /text\.ipa/);
    const empty = await tempPath('empty.ipa');
    await writeFile(empty, '');
    await rejectsWith(openZip(empty), 'NOT_A_ZIP', /empty/);
  });

  test('missing file → FILE_NOT_FOUND', async () => {
    await rejectsWith(openZip('/nonexistent/dir/app.ipa'), 'FILE_NOT_FOUND');
  });

  test('every truncated copy of a valid IPA is refused with TRUNCATED_ZIP or CORRUPT_ZIP, never a raw error', async () => {
    const path = await buildIpa({ dataDescriptors: true, icons: [{ file: 'AppIcon60x60@2x.png', width: 20, height: 20 }] });
    const whole = await readFile(path);
    const cut = await tempPath('cut.ipa');
    const offsets = new Set<number>();
    for (let i = 1; i < 40; i++) offsets.add(Math.floor((whole.length * i) / 40));
    for (let i = 1; i <= 30; i++) offsets.add(whole.length - i); // inside the end record
    for (const n of offsets) {
      await writeFile(cut, whole.subarray(0, n));
      await assert.rejects(
        (async () => {
          const z = await openZip(cut);
          try {
            for (const e of z.entries()) if (!e.isDirectory) await z.read(e.name, 1 << 24);
          } finally {
            await z.close();
          }
        })(),
        (err: unknown) => {
          assert.ok(err instanceof OtashipError, `cut at ${n}: ${String(err)}`);
          assert.ok(['TRUNCATED_ZIP', 'CORRUPT_ZIP'].includes(err.code), `cut at ${n}: ${err.code}`);
          assert.match(err.message, /cut\.ipa/);
          return true;
        },
      );
    }
  });

  test('an entry inflating past its cap is a ZIP_BOMB naming the entry (100 MB of zeros)', async () => {
    const path = await tempPath('bomb.ipa');
    const zip = new yazl.ZipFile();
    zip.addReadStream(zeros(100 * 1024 * 1024), 'Payload/Bomb.app/Info.plist');
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(path));
    await withZip(path, async (z) => {
      assert.ok((z.entry('Payload/Bomb.app/Info.plist')?.compressedSize ?? 0) < 1024 * 1024);
      await rejectsWith(z.read('Payload/Bomb.app/Info.plist', 8 * 1024 * 1024), 'ZIP_BOMB', /Payload\/Bomb\.app\/Info\.plist/);
    });
  });

  test('a header that under-declares the size is still stopped at the cap while inflating', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 0x41);
    const path = await buildZip([{ name: 'Info.plist', data: big }]);
    const bytes = await readFile(path);
    // Rewrite the declared uncompressed size (local header offset 22, central record offset 24) to 100.
    const local = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(100, local + 22);
    bytes.writeUInt32LE(100, central + 24);
    await writeFile(path, bytes);
    await withZip(path, async (z) => {
      assert.equal(z.entry('Info.plist')?.size, 100);
      await rejectsWith(z.read('Info.plist', 1024 * 1024), 'ZIP_BOMB', /Info\.plist.*inflates past 1048576/);
      // Under a cap that the lie fits but the data does not match: damaged, not silently accepted.
      await rejectsWith(z.read('Info.plist', 8 * 1024 * 1024), 'CORRUPT_ZIP', /holds 4194304 bytes but its header says 100/);
    });
  });

  test('an entry declaring more than the cap is refused before inflating', async () => {
    const path = await buildZip([{ name: 'icon.png', data: Buffer.alloc(3000) }]);
    await withZip(path, async (z) => {
      await rejectsWith(z.read('icon.png', 1000), 'ZIP_BOMB', /declares 3000 bytes/);
    });
  });

  test('a CRC mismatch is CORRUPT_ZIP', async () => {
    const path = await buildZip([{ name: 'data.txt', data: Buffer.from('hello world, stored'), compress: false }]);
    const bytes = await readFile(path);
    const at = bytes.indexOf('hello world');
    bytes[at] = 0x48; // 'H'
    await writeFile(path, bytes);
    await withZip(path, async (z) => {
      await rejectsWith(z.read('data.txt', 100), 'CORRUPT_ZIP', /CRC/);
    });
  });
});

describe('local headers that disagree with the central directory', () => {
  /** A zip whose entry `name` has its LOCAL header renamed to `localName` (same length). */
  async function renamedLocally(name: string, localName: string): Promise<string> {
    assert.equal(Buffer.byteLength(localName), Buffer.byteLength(name));
    const path = await buildZip([
      { name: 'Payload/A.app/Info.plist', data: Buffer.from('<plist><dict/></plist>') },
      { name: 'Payload/A.app/decoy.plist', data: Buffer.from('<plist><dict><key>x</key><string>y</string></dict></plist>') },
    ]);
    const bytes = await readFile(path);
    const at = bytes.indexOf(Buffer.from(name));
    assert.ok(at > 0 && bytes.readUInt32LE(at - 30) === 0x04034b50, 'the first occurrence is the local header');
    bytes.write(localName, at, 'latin1');
    await writeFile(path, bytes);
    return path;
  }

  test('an entry whose local header names another file is CORRUPT_ZIP naming both', async () => {
    const path = await renamedLocally('Payload/A.app/Info.plist', 'Payload/A.app/Info.plisX');
    const zip = await openZip(path);
    try {
      await assert.rejects(
        zip.read('Payload/A.app/Info.plist', 1 << 20),
        (e: unknown) => e instanceof OtashipError && e.code === 'CORRUPT_ZIP' && /local header named "Payload\/A\.app\/Info\.plisX"/.test(e.message),
      );
      // The other entry, whose headers agree, still reads.
      assert.ok((await zip.read('Payload/A.app/decoy.plist', 1 << 20)).length > 0);
    } finally {
      await zip.close();
    }
  });
});

test('an Info-ZIP archive with an ASCII stand-in name and a Unicode path field in both headers reads (no false mismatch)', async () => {
  const real = Buffer.from('Payload/A.app/\u65e5.txt', 'utf8');
  const standIn = Buffer.from('Payload/A.app/#U65e5.txt', 'latin1');
  const data = Buffer.from('hello');
  const up = Buffer.alloc(9);
  up.writeUInt16LE(0x7075, 0);
  up.writeUInt16LE(5 + real.length, 2);
  up.writeUInt8(1, 4);
  up.writeUInt32LE(crc32(standIn), 5);
  const extra = Buffer.concat([up, real]);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc32(data), 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(standIn.length, 26);
  local.writeUInt16LE(extra.length, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc32(data), 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(standIn.length, 28);
  central.writeUInt16LE(extra.length, 30);
  const localPart = Buffer.concat([local, standIn, extra, data]);
  const centralPart = Buffer.concat([central, standIn, extra]);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(centralPart.length, 12);
  eocd.writeUInt32LE(localPart.length, 16);
  const path = await tempPath('infozip.zip');
  await writeFile(path, Buffer.concat([localPart, centralPart, eocd]));
  const zip = await openZip(path);
  try {
    assert.equal((await zip.read('Payload/A.app/\u65e5.txt', 1024)).toString(), 'hello');
  } finally {
    await zip.close();
  }
});
