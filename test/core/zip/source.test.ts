// One zip reader, two sources: openZipSource() reads any positional source (the doctor's HTTP Range
// source) exactly as openZip() reads a file, and an archive from such a source never hands out a
// file location (readLocatedEntry would open its URL as a local path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { inspectArchive, openZip } from '../../../src/core/inspect/index.js';
import { locateEntry, openZipSource, type ZipSource } from '../../../src/core/zip/open.js';
import { buildIpa } from '../../helpers/synthetic-ipa.js';

function bufferSource(bytes: Buffer, reads: number[]): ZipSource {
  return {
    async read(buffer, offset, length, position) {
      reads.push(length);
      const n = Math.max(0, Math.min(length, bytes.length - position));
      bytes.copy(buffer, offset, position, position + n);
      return { bytesRead: n };
    },
    async close() {},
  };
}

test('a positional source reads the same entries and package facts as the file', async () => {
  const path = await buildIpa({ bundleId: 'com.example.source', fillerBytes: 512 * 1024 });
  const bytes = await readFile(path);
  const reads: number[] = [];
  const remote = await openZipSource(bufferSource(bytes, reads), 'https://example.test/app.ipa', bytes.length);
  const local = await openZip(path);
  try {
    assert.deepEqual(remote.names(), local.names());
    const a = await inspectArchive(remote, bytes.length);
    const b = await inspectArchive(local, bytes.length);
    assert.equal(a.bundleId, 'com.example.source');
    assert.deepEqual({ ...a, icon: null }, { ...b, icon: null });
    // Only the directory and a few entries were read, never the filler.
    assert.ok(reads.reduce((s, n) => s + n, 0) < bytes.length / 2);
    const name = remote.names().find((n) => n.endsWith('Info.plist'))!;
    assert.equal(locateEntry(remote, name), undefined, 'a remote entry has no file location');
    assert.ok(locateEntry(local, name), 'a file entry has one');
  } finally {
    await remote.close();
    await local.close();
  }
});

test('a source that does not hold a zip is NOT_A_ZIP, and is closed', async () => {
  let closed = false;
  const source: ZipSource = { read: async (buf, off, len) => (buf.fill(0x3c, off, off + len), { bytesRead: len }), close: async () => void (closed = true) };
  await assert.rejects(openZipSource(source, 'https://example.test/page.html', 4096), { code: 'NOT_A_ZIP' });
  assert.equal(closed, true);
});
