// A cut-off upload must leave nothing: no release, no app, no blob, no temp file. The client here
// really aborts its socket mid-body (raw and multipart, with and without Content-Length), and an
// oversized upload is refused with 413 the same clean way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { waitFor } from '../helpers/wait.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ settings: { maxUploadBytes: '8MiB' } });
});
after(async () => {
  await srv?.stop();
});

async function blobKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const k of srv.services.blobs.list('')) keys.push(k);
  return keys;
}

/** The server cleans up asynchronously after the socket dies: wait for it, then check. */
async function settled(): Promise<void> {
  await waitFor(async () => (await readdir(srv.config.tmpDir)).length === 0);
}

async function stagingStarted(): Promise<void> {
  await waitFor(async () => (await readdir(srv.config.tmpDir)).length > 0);
}

async function assertNothingLeft(): Promise<void> {
  await settled();
  assert.deepEqual(await readdir(srv.config.tmpDir), [], 'no staged temp files');
  assert.deepEqual(await blobKeys(), [], 'no blobs');
  assert.deepEqual(await srv.services.repos.apps.list(), [], 'no apps (so no releases)');
  const list = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() });
  assert.deepEqual(((await list.json()) as { items: unknown[] }).items, []);
}

/** Sends `head` then part of the body, waits until the server has received bytes, then kills the socket. */
function abortMidUpload(headers: Record<string, string>, prefix: Buffer, sendBytes: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth(headers), agent: false });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.flushHeaders();
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 7);
    req.write(prefix);
    const pump = () => {
      while (sent < sendBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      // Cut the connection mid-body once the server is demonstrably staging it (its temp file exists).
      void stagingStarted().then(() => {
        req.destroy();
        resolve();
      });
    };
    pump();
  });
}

describe('interrupted uploads', { timeout: 120_000 }, () => {
  test('raw body with Content-Length, socket aborted mid-body', async () => {
    const ipa = await readFile(await buildIpa({ bundleId: 'com.example.cut', fillerBytes: 1024 * 1024 }));
    await abortMidUpload(
      { 'content-type': 'application/octet-stream', 'content-length': String(ipa.length + 3 * 1024 * 1024) },
      ipa.subarray(0, 1000),
      2 * 1024 * 1024,
    );
    await assertNothingLeft();
  });

  test('chunked raw body (no Content-Length), socket aborted mid-body', async () => {
    await abortMidUpload({ 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' }, Buffer.from('PK'), 3 * 1024 * 1024);
    await assertNothingLeft();
  });

  test('multipart body, socket aborted inside the file part', async () => {
    const boundary = 'otashipboundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="notes"\r\n\r\nhello\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.ipa"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    await abortMidUpload(
      { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(50 * 1024 * 1024) },
      head,
      2 * 1024 * 1024,
    );
    await assertNothingLeft();
  });

  test('a body that ends before its Content-Length is refused as incomplete', async () => {
    const ipa = await readFile(await buildIpa({ bundleId: 'com.example.short' }));
    // Content-Length larger than what is sent, then the request half-closes: the server sees an
    // early end of the body (or a reset) and must store nothing.
    await abortMidUpload({ 'content-type': 'application/octet-stream', 'content-length': String(ipa.length + 10) }, ipa, 0);
    await assertNothingLeft();
  });

  test('oversized uploads get 413, announced or not, and leave nothing', async () => {
    const big = Buffer.alloc(9 * 1024 * 1024, 1);
    const announced = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: big,
    });
    assert.equal(announced.status, 413);
    assert.equal(((await announced.json()) as { error: { code: string } }).error.code, 'PAYLOAD_TOO_LARGE');

    const streamed = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    assert.equal(streamed.status, 413);
    await assertNothingLeft();
  });
});
