// The SHA-256 a release records for a resumable upload (real servers over sockets, SQLite, fs
// storage) equals the SHA-256 of the file, whichever way its PATCHes arrived; when one instance
// received every PATCH in order, publishing does not read the upload back to hash it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { OtashipClient } from '../../src/client/index.js';
import { stagedFilesReadBack } from '../../src/services/publish/stage.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

let a: TestServer;
before(async () => {
  a = await startTestServer();
});
after(async () => {
  await a?.stop();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function packageBytes(bundleId: string, payload: number): Promise<Buffer> {
  return readFile(
    await buildIpa({ bundleId, extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(payload), compress: false }] }),
  );
}

/**
 * Another instance on the same data dir and database (a second server, or the same one restarted),
 * with the same admin token: requests to any instance carry a.auth().
 */
function sibling(): Promise<TestServer> {
  return startTestServer({ settings: { dataDir: a.dataDir, adminToken: a.adminToken } });
}

async function create(srv: TestServer, length: number): Promise<string> {
  const res = await fetch(`${srv.baseUrl}/api/v1/uploads`, {
    method: 'POST',
    headers: a.auth({ 'tus-resumable': '1.0.0', 'upload-length': String(length) }),
  });
  assert.equal(res.status, 201);
  return res.headers.get('location')!.split('/').pop()!;
}

async function patch(srv: TestServer, id: string, offset: number, bytes: Buffer): Promise<void> {
  const res = await fetch(`${srv.baseUrl}/api/v1/uploads/${id}`, {
    method: 'PATCH',
    headers: a.auth({ 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
    body: new Uint8Array(bytes),
  });
  assert.equal(res.status, 204, await res.text());
}

async function publish(srv: TestServer, id: string): Promise<{ sha256: string; downloadUrl: string }> {
  const res = await fetch(`${srv.baseUrl}/api/v1/uploads/${id}/publish`, {
    method: 'POST',
    headers: a.auth({ 'content-type': 'application/json' }),
    body: '{}',
  });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  const body = JSON.parse(text) as { release: { sha256: string }; downloadUrl: string };
  return { sha256: body.release.sha256, downloadUrl: body.downloadUrl };
}

async function downloaded(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return sha256(Buffer.from(await res.arrayBuffer()));
}

describe('the SHA-256 of a resumable upload', () => {
  test('one PATCH: recorded hash = file hash, and the upload is not read back', async () => {
    const bytes = await packageBytes('com.example.hash-one', 1_500_000);
    const readBefore = stagedFilesReadBack();
    const id = await create(a, bytes.length);
    await patch(a, id, 0, bytes);
    const release = await publish(a, id);
    assert.equal(release.sha256, sha256(bytes));
    assert.equal(stagedFilesReadBack(), readBefore, 'hashed while the PATCH arrived');
    assert.equal(await downloaded(release.downloadUrl), sha256(bytes));
  });

  test('several PATCHes in order (the CLI client): recorded hash = file hash, not read back', async () => {
    const path = await buildIpa({
      bundleId: 'com.example.hash-many',
      extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(2_000_000), compress: false }],
    });
    const bytes = await readFile(path);
    const readBefore = stagedFilesReadBack();
    let requests = 0;
    const res = await new OtashipClient({ server: a.baseUrl, token: a.adminToken }).publishResumable(path, {
      chunkSize: 300_000,
      onProgress: () => (requests += 1),
    });
    assert.ok(requests >= 7, `${requests} progress events: several PATCHes`);
    assert.equal((res.release as { sha256?: string }).sha256, sha256(bytes));
    assert.equal(stagedFilesReadBack(), readBefore);
  });

  test('PATCHes received by two instances: read back, recorded hash = file hash', async () => {
    const b = await sibling();
    try {
      const bytes = await packageBytes('com.example.hash-two', 1_000_000);
      const readBefore = stagedFilesReadBack();
      const id = await create(a, bytes.length);
      await patch(a, id, 0, bytes.subarray(0, 400_000));
      await patch(b, id, 400_000, bytes.subarray(400_000));
      const release = await publish(b, id);
      assert.equal(release.sha256, sha256(bytes));
      assert.equal(stagedFilesReadBack(), readBefore + 1, 'no instance saw every PATCH: the file is read back');
      assert.equal(await downloaded(release.downloadUrl), sha256(bytes));
    } finally {
      await b.stop();
    }
  });

  test('resumed after a restart: read back, recorded hash = file hash', async () => {
    const bytes = await packageBytes('com.example.hash-restart', 1_000_000);
    const readBefore = stagedFilesReadBack();
    const first = await sibling();
    const id = await create(first, bytes.length);
    await patch(first, id, 0, bytes.subarray(0, 600_000));
    await first.stop();
    const restarted = await sibling();
    try {
      await patch(restarted, id, 600_000, bytes.subarray(600_000));
      const release = await publish(restarted, id);
      assert.equal(release.sha256, sha256(bytes));
      assert.equal(stagedFilesReadBack(), readBefore + 1);
      assert.equal(await downloaded(release.downloadUrl), sha256(bytes));
    } finally {
      await restarted.stop();
    }
  });
});
