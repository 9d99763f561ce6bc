// A client that stops sending mid-upload is cut off after OTASHIP_UPLOAD_IDLE_TIMEOUT, and its temp
// files (the staged upload and the blob store's temp) are removed. Uploads that keep moving, however
// slowly, and downloads (which have no body), are never cut.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type ClientRequest } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

const IDLE_SECONDS = 1;

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ settings: { uploadIdleTimeout: IDLE_SECONDS } });
});
after(async () => {
  await srv?.stop();
});

/** Every file under the data dir whose name marks it as temporary (staged uploads, blob temps). */
async function tempFiles(dir = srv.dataDir): Promise<string[]> {
  // The server creates and removes folders meanwhile: a folder gone while walking holds nothing.
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    if (e.isDirectory()) out.push(...(await tempFiles(join(dir, e.name))));
    else if (/\.tmp$/.test(e.name) || /^upload-/.test(e.name)) out.push(join(dir, e.name));
  }
  return out;
}

/** Resolves when the server has answered or dropped the connection. */
function ended(req: ClientRequest): Promise<{ status: number | null }> {
  return new Promise((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('close', () => resolve({ status: res.statusCode ?? null }));
    });
    req.on('error', () => resolve({ status: null }));
    req.on('close', () => resolve({ status: null }));
  });
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await sleep(25);
  }
  assert.fail(`never happened: ${what}`);
}

describe('stalled uploads', () => {
  test('a raw upload that stops sending is cut off and leaves no temp file', { timeout: 60_000 }, async () => {
    const ipa = await readFile(await buildIpa({ bundleId: 'com.example.stall', fillerBytes: 2 * 1024 * 1024 }));
    const req = request(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      agent: false,
      headers: srv.auth({ 'content-type': 'application/octet-stream', 'content-length': String(ipa.length) }),
    });
    const done = ended(req);
    req.write(ipa.subarray(0, 256 * 1024));
    // The server is staging (its temp file exists; fs storage adopts it at publish, so no second
    // copy is written meanwhile) — then the client goes silent.
    await until('staging started', async () => (await tempFiles()).length >= 1);
    await done;
    await until('temp files removed', async () => (await tempFiles()).length === 0);
    assert.deepEqual(await srv.services.repos.apps.list(), []);
    req.destroy();
  });

  test('a multipart upload that stops inside the file part is cut off too', { timeout: 60_000 }, async () => {
    const boundary = 'stallboundary';
    const req = request(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      agent: false,
      headers: srv.auth({ 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(10 * 1024 * 1024) }),
    });
    const done = ended(req);
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.ipa"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    req.write(Buffer.alloc(128 * 1024, 7));
    await until('staging started', async () => (await tempFiles()).length >= 1);
    await done;
    await until('temp files removed', async () => (await tempFiles()).length === 0);
    req.destroy();
  });

  test('a slow upload that keeps sending is published, however long it takes in all', async () => {
    const ipa = await readFile(await buildIpa({ bundleId: 'com.example.slow' }));
    const req = request(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      agent: false,
      headers: srv.auth({ 'content-type': 'application/octet-stream', 'content-length': String(ipa.length) }),
    });
    const done = ended(req);
    // Pieces a fifth of the idle time apart, for three idle periods in all.
    const pieces = 15;
    const size = Math.ceil(ipa.length / pieces);
    for (let i = 0; i < pieces; i++) {
      req.write(ipa.subarray(i * size, (i + 1) * size));
      await sleep((IDLE_SECONDS * 1000) / 5);
    }
    req.end();
    assert.equal((await done).status, 201);
  });

  test('a download whose reader pauses longer than the idle time still completes', async () => {
    const ipa = await readFile(await buildIpa({ bundleId: 'com.example.pause', fillerBytes: 4 * 1024 * 1024 }));
    const pub = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: ipa,
    });
    assert.equal(pub.status, 201);
    const { downloadUrl } = (await pub.json()) as { downloadUrl: string };
    const received = await new Promise<number>((resolve, reject) => {
      request(downloadUrl, { agent: false }, (res) => {
        let n = 0;
        res.once('data', (c: Buffer) => {
          n += c.length;
          res.pause();
          setTimeout(() => {
            res.on('data', (more: Buffer) => (n += more.length));
            res.on('end', () => resolve(n));
            res.resume();
          }, IDLE_SECONDS * 2500);
        });
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    assert.equal(received, ipa.length);
  });
});

test('OTASHIP_UPLOAD_IDLE_TIMEOUT: default 120 s; nonsense and more than a day are refused naming it', () => {
  assert.equal(loadConfig({ env: {} }).uploadIdleTimeoutSeconds, 120);
  assert.equal(loadConfig({ env: { OTASHIP_UPLOAD_IDLE_TIMEOUT: '5m' } }).uploadIdleTimeoutSeconds, 300);
  for (const value of ['soon', '0', '2d']) {
    assert.throws(
      () => loadConfig({ env: { OTASHIP_UPLOAD_IDLE_TIMEOUT: value } }),
      (err: Error & { code?: string }) => err.code === 'CONFIG' && err.message.includes('OTASHIP_UPLOAD_IDLE_TIMEOUT'),
      value,
    );
  }
});
