// Resumable (tus) uploads against a real server (socket, SQLite, fs blobs): upload + publish with the
// client library, a cut-off upload resumed from the local state file, authentication and ownership,
// unfinished uploads refused at publish, expiry sweep, and the browser bundle.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtashipClient, ResumeState, resumeFingerprint } from '../../src/client/index.js';
import { BlobUploadStore } from '../../src/services/resumable/blob-upload-store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
let work: string;
before(async () => {
  srv = await startTestServer();
  work = await mkdtemp(join(tmpdir(), 'otaship-tus-test-'));
});
after(async () => {
  await srv?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** An IPA with `bytes` of random (incompressible, order-sensitive) stored data. */
function ipaWithPayload(bundleId: string, bytes: number): Promise<string> {
  return buildIpa({
    bundleId,
    extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(bytes), compress: false }],
  });
}

async function uploadKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const k of srv.services.blobs.list('uploads/')) keys.push(k);
  return keys;
}

async function tokenFor(body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { token: string }).token;
}

async function createUpload(token: string, length: number): Promise<Response> {
  return fetch(`${srv.baseUrl}/api/v1/uploads`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'tus-resumable': '1.0.0',
      'upload-length': String(length),
      'upload-metadata': `filename ${Buffer.from('x.ipa').toString('base64')}`,
    },
  });
}

describe('resumable uploads (tus)', { timeout: 300_000 }, () => {
  test('upload then publish: 201 like a raw upload, stored bytes identical, upload removed', async () => {
    const path = await ipaWithPayload('com.example.tus', 3 * 1024 * 1024 + 123);
    const bytes = await readFile(path);
    const client = new OtashipClient({ server: srv.baseUrl, token: srv.adminToken });
    const progress: number[] = [];
    const res = await client.publishResumable(path, {
      notes: 'via tus',
      chunkSize: 1024 * 1024,
      onProgress: (sent) => progress.push(sent),
    });
    assert.equal(progress.at(-1), bytes.length);
    assert.equal((res.release as { sha256?: string }).sha256, sha256(bytes));
    assert.equal((res.release as { notes?: string }).notes, 'via tus');
    assert.equal((res.app as { bundleId?: string }).bundleId, 'com.example.tus');
    assert.match(res.installLink, /^itms-services:\/\/\?action=download-manifest&url=/);
    const download = await fetch(res.downloadUrl);
    assert.equal(download.status, 200);
    assert.equal(sha256(Buffer.from(await download.arrayBuffer())), sha256(bytes));
    assert.deepEqual(await uploadKeys(), [], 'the finished upload is removed after publishing');
  });

  test('on fs storage the upload is written once: its PATCHes land in one file that becomes the package', async () => {
    assert.equal(srv.config.storage.kind, 'fs');
    const root = srv.config.storage.kind === 'fs' ? srv.config.storage.root : '';
    const bytes = await readFile(await ipaWithPayload('com.example.tus-once', 2 * 1024 * 1024 + 5));
    const location = new URL((await createUpload(srv.adminToken, bytes.length)).headers.get('location')!, `${srv.baseUrl}/api/v1/uploads`).href;
    const id = location.split('/').pop()!;
    const half = 1024 * 1024;
    for (const [offset, end] of [[0, half], [half, bytes.length]] as const) {
      const res = await fetch(location, {
        method: 'PATCH',
        headers: srv.auth({ 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
        body: bytes.subarray(offset, end),
      });
      assert.equal(res.status, 204, `${location}: ${await res.text()}`);
    }
    const data = await stat(join(root, 'uploads', id, 'final'));
    assert.equal(data.size, bytes.length, 'both PATCHes wrote into the one data file, sealed with the last byte');
    const parts = (await uploadKeys()).filter((k) => k.includes('/part-'));
    assert.equal(parts.length, 2);
    for (const key of parts) assert.equal((await srv.services.blobs.stat(key))?.size, 0, 'parts are empty markers');
    const published = await fetch(`${location}/publish`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/json' }), body: '{}' });
    assert.equal(published.status, 201);
    const { release } = (await published.json()) as { release: { id: string; sha256: string } };
    assert.equal(release.sha256, sha256(bytes));
    const pkg = await stat(join(root, 'releases', release.id, 'package.ipa'));
    assert.equal(pkg.ino, data.ino, 'the package is the upload file itself, renamed, not a copy');
    assert.deepEqual(await uploadKeys(), []);
    assert.deepEqual((await readdir(srv.config.tmpDir)).filter((n) => !n.startsWith('.')), [], 'no staged or linked file is left');
  });

  test('two publishes of one upload at the same moment make one release', async () => {
    const bytes = await readFile(await ipaWithPayload('com.example.tus-twice', 100_000));
    const location = new URL((await createUpload(srv.adminToken, bytes.length)).headers.get('location')!, `${srv.baseUrl}/api/v1/uploads`).href;
    const sent = await fetch(location, {
      method: 'PATCH',
      headers: srv.auth({ 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
      body: bytes,
    });
    assert.equal(sent.status, 204);
    const publish = () => fetch(`${location}/publish`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/json' }), body: '{}' });
    const answers = await Promise.all([publish(), publish()]);
    assert.deepEqual(answers.map((r) => r.status).sort(), [201, 404], (await Promise.all(answers.map((r) => r.text()))).join('\n'));
    const app = (await srv.services.repos.apps.findByBundle('ios', 'com.example.tus-twice'))!;
    assert.equal((await srv.services.repos.releases.listByApp(app.id)).items.length, 1);
  });

  test('a cut-off upload resumes from the state file where it stopped', async () => {
    const path = await ipaWithPayload('com.example.resume', 4 * 1024 * 1024);
    const bytes = await readFile(path);
    const state = new ResumeState(join(work, 'state', 'uploads.json'));
    const client = new OtashipClient({ server: srv.baseUrl, token: srv.adminToken });
    const ac = new AbortController();
    await assert.rejects(
      client.publishResumable(path, {
        resumeState: state,
        chunkSize: 512 * 1024,
        signal: ac.signal,
        onProgress: (sent, total) => {
          if (sent >= total * 0.6) ac.abort();
        },
      }),
      (err: Error & { code?: string }) => err.code === 'UPLOAD_INCOMPLETE' && /resume/.test(err.message),
    );
    const { mtimeMs, size } = await import('node:fs/promises').then((fs) => fs.stat(path));
    const entry = await state.get(resumeFingerprint(client.baseUrl.href, { path, size, mtimeMs }));
    assert.ok(entry, 'the interrupted upload is remembered');

    let resumedAt = -1;
    const res = await client.publishResumable(path, {
      resumeState: state,
      chunkSize: 512 * 1024,
      onStart: (offset) => {
        resumedAt = offset;
      },
    });
    assert.ok(resumedAt > 0 && resumedAt < bytes.length, `resumed at ${resumedAt} of ${bytes.length}`);
    assert.equal((res.release as { sha256?: string }).sha256, sha256(bytes));
    const download = await fetch(res.downloadUrl);
    assert.equal(sha256(Buffer.from(await download.arrayBuffer())), sha256(bytes));
    assert.equal(await state.get(resumeFingerprint(client.baseUrl.href, { path, size, mtimeMs })), null);
    assert.deepEqual(await uploadKeys(), []);
  });

  test('needs a token; only the creator (or an admin) may continue, read or publish an upload', async () => {
    const anonymous = await fetch(`${srv.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' },
    });
    assert.equal(anonymous.status, 401);

    const alice = await tokenFor({ name: 'alice' });
    const bob = await tokenFor({ name: 'bob' });
    // A client cannot claim another owner through the internal header.
    const created = await fetch(`${srv.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice}`,
        'tus-resumable': '1.0.0',
        'upload-length': '10',
        'x-otaship-upload-owner': 'bootstrap',
      },
    });
    assert.equal(created.status, 201);
    // Relative to the creation URL: the client stays on the address it used.
    assert.match(created.headers.get('location')!, /^uploads\/[a-f0-9]{32}$/);
    const location = new URL(created.headers.get('location')!, `${srv.baseUrl}/api/v1/uploads`).href;
    const head = (token: string) =>
      fetch(location, { method: 'HEAD', headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' } });
    assert.equal((await head(alice)).status, 200);
    assert.equal((await head(alice)).headers.get('upload-offset'), '0');
    assert.equal((await head(bob)).status, 403);
    assert.equal((await head(srv.adminToken)).status, 200);
    const patch = await fetch(location, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${bob}`,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: Buffer.from('0123456789'),
    });
    assert.equal(patch.status, 403);
    const publishAsBob = await fetch(`${location}/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(publishAsBob.status, 403);
    // Unfinished: refused with what is missing.
    const early = await fetch(`${location}/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(early.status, 400 <= early.status && early.status < 500 ? early.status : -1);
    const err = ((await early.json()) as { error: { code: string; message: string } }).error;
    assert.equal(err.code, 'UPLOAD_INCOMPLETE');
    assert.match(err.message, /0 of 10 bytes/);
    // Cancel.
    const del = await fetch(location, { method: 'DELETE', headers: { authorization: `Bearer ${alice}`, 'tus-resumable': '1.0.0' } });
    assert.equal(del.status, 204);
    assert.equal((await head(alice)).status, 404);
  });

  test('an app-limited token may upload; publishing another app is refused by the usual rule', async () => {
    const first = await new OtashipClient({ server: srv.baseUrl, token: srv.adminToken }).publishResumable(
      await ipaWithPayload('com.example.limited', 1000),
    );
    const limited = await tokenFor({ name: 'ci', appId: first.app.id });
    const client = new OtashipClient({ server: srv.baseUrl, token: limited });
    const own = await client.publishResumable(await ipaWithPayload('com.example.limited', 2000));
    assert.equal(own.app.id, first.app.id);
    await assert.rejects(
      client.publishResumable(await ipaWithPayload('com.example.other', 1000)),
      (e: Error & { code?: string }) => e.code === 'FORBIDDEN',
    );
    assert.deepEqual(await uploadKeys(), [], 'the refused upload is dropped');
  });

  test('a package the server refuses is reported and its upload dropped', async () => {
    const path = join(work, 'not-a-package.ipa');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, randomBytes(5000)));
    const client = new OtashipClient({ server: srv.baseUrl, token: srv.adminToken });
    await assert.rejects(client.publishResumable(path), (e: Error & { code?: string }) => e.code === 'UNKNOWN_FILE_TYPE');
    assert.deepEqual(await uploadKeys(), []);
  });

  test('a PATCH cut off mid-body keeps the bytes that arrived; the client continues from there', async () => {
    const res = await createUpload(srv.adminToken, 100_000);
    assert.equal(res.status, 201);
    const location = new URL(res.headers.get('location')!, `${srv.baseUrl}/api/v1/uploads`).href;
    const root = srv.config.storage.kind === 'fs' ? srv.config.storage.root : '';
    const dataFile = join(root, 'uploads', location.split('/').pop()!, 'data');
    const data = randomBytes(100_000);
    // Send 40 000 of the announced 100 000 bytes, then drop the connection.
    await new Promise<void>((done) => {
      const req = httpRequest(location, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${srv.adminToken}`,
          'tus-resumable': '1.0.0',
          'upload-offset': '0',
          'content-type': 'application/offset+octet-stream',
          'content-length': String(data.length),
        },
      });
      req.on('error', () => done());
      req.write(data.subarray(0, 40_000));
      // Cut once the server has written what arrived (on fs storage: into the upload's data file).
      void waitFor(async () => ((await stat(dataFile).catch(() => null))?.size ?? 0) >= 40_000).then(() => req.destroy());
    });
    const head = () => fetch(location, { method: 'HEAD', headers: { ...srv.auth(), 'tus-resumable': '1.0.0' } });
    // The HEAD waits for the cut PATCH to give up the upload's lease, by which time its part is stored.
    const offset = (await head()).headers.get('upload-offset');
    assert.equal(offset, '40000');
    const rest = await fetch(location, {
      method: 'PATCH',
      headers: { ...srv.auth(), 'tus-resumable': '1.0.0', 'upload-offset': '40000', 'content-type': 'application/offset+octet-stream' },
      body: data.subarray(40_000),
    });
    assert.equal(rest.status, 204);
    assert.equal(rest.headers.get('upload-offset'), '100000');
    const id = location.split('/').pop()!;
    const info = (await new BlobUploadStore(srv.services.blobs, { tmpDir: join(work, 'tmp'), expirationMs: 3600_000 }).info(id))!;
    const stored: Buffer[] = [];
    for await (const c of new BlobUploadStore(srv.services.blobs, { tmpDir: join(work, 'tmp'), expirationMs: 3600_000 }).read(info)) stored.push(c as Buffer);
    assert.deepEqual(Buffer.concat(stored), data);
    assert.equal((await fetch(location, { method: 'DELETE', headers: { ...srv.auth(), 'tus-resumable': '1.0.0' } })).status, 204);
  });

  test('a client on an internal address (not the public URL) uploads through that address', async () => {
    const internal = await startTestServer({ settings: { publicUrl: 'https://ota.example.invalid/ota' } });
    try {
      const direct = `http://127.0.0.1:${internal.config.port}`;
      const seen: string[] = [];
      const client = new OtashipClient({ server: direct, token: internal.adminToken });
      const res = await client.publishResumable(await ipaWithPayload('com.example.internal', 300_000), {
        chunkSize: 100_000,
        onProgress: (sent) => seen.push(String(sent)),
      });
      assert.ok(seen.length >= 3, 'several PATCH requests, all through the internal address');
      // Links are still built from the public URL.
      assert.ok(res.installPageUrl.startsWith('https://ota.example.invalid/ota/i/'), res.installPageUrl);
    } finally {
      await internal.stop();
    }
  });

  test('an expired profile keeps the upload: publishing again with force sends no bytes', async () => {
    const path = await buildIpa({
      bundleId: 'com.example.expired',
      profile: { bundleId: 'com.example.expired', createdAt: new Date(Date.now() - 400 * 86400_000), expiresAt: new Date(Date.now() - 86400_000) },
      extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(200_000), compress: false }],
    });
    const size = (await readFile(path)).length;
    const state = new ResumeState(join(work, 'expired', 'uploads.json'));
    const client = new OtashipClient({ server: srv.baseUrl, token: srv.adminToken });
    await assert.rejects(client.publishResumable(path, { resumeState: state }), (e: Error & { code?: string }) => e.code === 'PROFILE_EXPIRED');
    let startedAt = -1;
    let sentAfterStart = 0;
    const res = await client.publishResumable(path, {
      resumeState: state,
      force: true,
      onStart: (offset) => {
        startedAt = offset;
      },
      onProgress: (sent) => {
        sentAfterStart = Math.max(sentAfterStart, sent - startedAt);
      },
    });
    assert.equal(startedAt, size, 'the whole file was already on the server');
    assert.equal(sentAfterStart, 0);
    assert.equal((res.app as { bundleId?: string }).bundleId, 'com.example.expired');
    assert.deepEqual(await uploadKeys(), []);
  });

  test('an upload larger than the limit is refused at creation', async () => {
    const res = await createUpload(srv.adminToken, srv.config.maxUploadBytes + 1);
    assert.equal(res.status, 413);
  });

  test('expired uploads are swept; fresh ones stay', async () => {
    const res = await createUpload(srv.adminToken, 100);
    assert.equal(res.status, 201);
    const id = res.headers.get('location')!.split('/').pop()!;
    const opts = { tmpDir: join(work, 'tmp'), expirationMs: 3600_000 };
    assert.equal(await new BlobUploadStore(srv.services.blobs, { ...opts, now: () => Date.now() }).deleteExpired(), 0);
    assert.ok((await uploadKeys()).some((k) => k.includes(id)));
    const later = new BlobUploadStore(srv.services.blobs, { ...opts, now: () => Date.now() + 2 * 3600_000 });
    assert.equal(await later.deleteExpired(), 1);
    assert.deepEqual(await uploadKeys(), []);
  });

  test('the tus browser bundle is served from the installed package', async () => {
    const res = await fetch(`${srv.baseUrl}/assets/vendor/tus.min.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    const local = await readFile(join('node_modules', 'tus-js-client', 'dist', 'tus.min.js'));
    assert.equal(sha256(Buffer.from(await res.arrayBuffer())), sha256(local));
  });
});
