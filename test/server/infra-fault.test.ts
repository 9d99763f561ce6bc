// Classifying infrastructure faults from REAL errors (a refused PostgreSQL connection, SQLite that
// cannot open its file, a full tmpfs, an unreachable S3 endpoint) and leaving everything else alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import BetterSqlite3 from 'better-sqlite3';
import { OtashipError } from '../../src/core/errors.js';
import { apiError } from '../../src/client/errors.js';
import { infrastructureError } from '../../src/server/infra-fault.js';
import { FsBlobStore } from '../../src/storage/fs.js';
import { S3BlobStore } from '../../src/storage/s3.js';
import { mountSmallDisk } from '../helpers/tmpfs.js';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function caught(fn: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected a failure');
}

test('a refused PostgreSQL connection is UNAVAILABLE and names the database', async () => {
  const client = new pg.Client({ connectionString: `postgres://x@127.0.0.1:${await closedPort()}/x` });
  const err = await caught(() => client.connect());
  const e = infrastructureError(err);
  assert.equal(e?.code, 'UNAVAILABLE');
  assert.match(e!.message, /database/);
});

test('SQLite that cannot open its file (SQLITE_CANTOPEN) is UNAVAILABLE', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'otaship-fault-'));
  try {
    // A directory where the database file should be: SQLite's own open fails.
    const err = await caught(() => new BetterSqlite3(dir));
    assert.equal(infrastructureError(err)?.code, 'UNAVAILABLE', String(err));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a SQLite file damaged or replaced under the server (SQLITE_NOTADB) is UNAVAILABLE, not a bug', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'otaship-fault-'));
  try {
    const file = join(dir, 'otaship.db');
    await writeFile(file, Buffer.alloc(8192, 0x5a));
    const err = await caught(() => new BetterSqlite3(file).prepare('select 1').get());
    assert.match(String((err as { code?: string }).code), /^SQLITE_(NOTADB|CORRUPT)/);
    assert.equal(infrastructureError(err)?.code, 'UNAVAILABLE', String(err));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a full disk met by the fs blob store is INSUFFICIENT_STORAGE, also when wrapped as STORAGE', async (t) => {
  const disk = await mountSmallDisk(1024 * 1024);
  if (typeof disk === 'string') return t.skip(disk);
  try {
    await mkdir(join(disk.path, 'blobs'));
    await disk.fill(0);
    const store = new FsBlobStore(join(disk.path, 'blobs'));
    const err = await caught(() => store.put('releases/x/package.ipa', Readable.from([Buffer.alloc(256 * 1024)])));
    const wrapped = new OtashipError('STORAGE', 'storing release x failed', { cause: err });
    assert.equal(infrastructureError(err)?.code, 'INSUFFICIENT_STORAGE', String(err));
    assert.equal(infrastructureError(wrapped)?.code, 'INSUFFICIENT_STORAGE');
  } finally {
    await disk.unmount();
  }
});

test('an unreachable S3 endpoint is UNAVAILABLE and names the storage', async () => {
  const store = new S3BlobStore({
    kind: 's3',
    bucket: 'b',
    endpoint: `http://127.0.0.1:${await closedPort()}`,
    region: 'us-east-1',
    forcePathStyle: true,
    accessKeyId: 'k',
    secretAccessKey: 's',
  });
  try {
    const err = await caught(() => store.stat('releases/x/package.ipa'));
    const e = infrastructureError(err);
    assert.equal(e?.code, 'UNAVAILABLE', String(err));
    assert.match(e!.message, /storage/);
  } finally {
    await store.close();
  }
});

test('catalogue errors and plain bugs are not reclassified', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'otaship-fault-'));
  try {
    assert.equal(infrastructureError(new OtashipError('NOT_FOUND', 'x')), null);
    assert.equal(infrastructureError(new TypeError('undefined is not a function')), null);
    const db = new BetterSqlite3(join(dir, 'x.db'));
    const syntax = await caught(() => db.exec('selec 1'));
    db.close();
    assert.equal(infrastructureError(syntax), null, 'an SQL error is a bug, not an outage');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the CLI hears 503 and 507 as unavailable and out of space, never as a bug', () => {
  const url = 'https://ota.example/api/v1/releases';
  assert.equal(apiError(503, 'Service Unavailable', '<html>proxy</html>', url).code, 'UNAVAILABLE');
  assert.equal(apiError(507, 'Insufficient Storage', '', url).code, 'INSUFFICIENT_STORAGE');
  const full = apiError(507, '', JSON.stringify({ error: { code: 'INSUFFICIENT_STORAGE', message: 'the disk is full (ENOSPC)' } }), url);
  assert.match(full.toLine(), /out of disk space/);
  assert.doesNotMatch(full.toLine(), /bug/);
});
