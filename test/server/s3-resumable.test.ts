// Resumable (tus) uploads on S3 storage (s3rver on loopback, real HTTP and AWS SDK calls): the parts
// go to the multipart upload of the release's own key and the store assembles them at publish, so
// the release is the object the PATCHes built (no second copy); a refused publish keeps the package
// for a retry, and the blob sweeper removes it when no retry comes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startS3, type LocalS3 } from '../helpers/s3.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { packagesReadBack } from '../../src/services/publish/publish.js';
import type { Principal } from '../../src/services/principal.js';

let s3: LocalS3;
let srv: TestServer;
before(async () => {
  s3 = await startS3('otaship-resumable-test');
  srv = await startTestServer({ settings: s3.serverSettings('resumable/') });
});
after(async () => {
  await srv?.stop();
  await s3?.stop();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MIB = 1024 * 1024;

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of srv.services.blobs.list(prefix)) out.push(k);
  return out.sort();
}

/** Creates an upload and sends `bytes` in PATCHes of `chunk` bytes, as any tus client does. */
async function upload(bytes: Buffer, filename: string, chunk: number): Promise<string> {
  const created = await fetch(`${srv.baseUrl}/api/v1/uploads`, {
    method: 'POST',
    headers: srv.auth({
      'tus-resumable': '1.0.0',
      'upload-length': String(bytes.length),
      'upload-metadata': `filename ${Buffer.from(filename).toString('base64')}`,
    }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const id = new URL(created.headers.get('location')!, srv.baseUrl).pathname.split('/').pop()!;
  for (let at = 0; at < bytes.length; at += chunk) {
    const res = await fetch(`${srv.baseUrl}/api/v1/uploads/${id}`, {
      method: 'PATCH',
      headers: srv.auth({ 'tus-resumable': '1.0.0', 'upload-offset': String(at), 'content-type': 'application/offset+octet-stream' }),
      body: new Uint8Array(bytes.subarray(at, at + chunk)),
    });
    assert.equal(res.status, 204, await res.text());
    assert.equal(res.headers.get('upload-offset'), String(Math.min(at + chunk, bytes.length)));
  }
  return id;
}

async function plannedRelease(id: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await srv.services.blobs.get(`uploads/${id}/info.json`)) chunks.push(c as Buffer);
  return (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { multipart: { releaseId: string } }).multipart.releaseId;
}

function publish(id: string): Promise<Response> {
  return fetch(`${srv.baseUrl}/api/v1/uploads/${id}/publish`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/json' }), body: '{}' });
}

describe('resumable uploads on S3 storage', { timeout: 180_000 }, () => {
  test('the release is the object the PATCHes built: its planned key, exact bytes and SHA-256; the upload leaves nothing', async () => {
    // Over two 8 MiB parts, in PATCHes that do not line up with them.
    const bytes = await readFile(
      await buildIpa({ bundleId: 'com.example.s3tus', icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }], extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(19 * MIB), compress: false }] }),
    );
    const id = await upload(bytes, 'app.ipa', 3 * MIB + 17);
    const planned = await plannedRelease(id);
    const readBack = packagesReadBack();
    const res = await publish(id);
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal(packagesReadBack(), readBack, 'the instance that received every PATCH inspected its own copy');
    const { release, downloadUrl } = (await res.json()) as { release: { id: string; sha256: string }; downloadUrl: string };
    assert.equal(release.id, planned, 'the release took the id its package key was made for');
    assert.equal(release.sha256, sha256(bytes));
    assert.ok((await keys(`releases/${planned}/`)).includes(`releases/${planned}/package.ipa`));
    assert.equal((await srv.services.blobs.stat(`releases/${planned}/package.ipa`))?.size, bytes.length);
    const served = Buffer.from(await (await fetch(downloadUrl)).arrayBuffer());
    assert.equal(sha256(served), sha256(bytes));
    assert.deepEqual(await keys(`uploads/${id}/`), []);
    assert.deepEqual(await srv.services.repos.blobIntents.prefixes(), [], 'the release claimed its prefix');
    // Published once: the upload is gone.
    assert.equal((await publish(id)).status, 404);
    // A second publish of the same planned release (a publish that lost its lease and went on) is
    // refused when it records, and removes nothing of the release that exists.
    const admin: Principal = { tokenId: 'bootstrap', name: 'admin', admin: true, appId: null, via: 'bearer' };
    const blobsBefore = await keys(`releases/${planned}/`);
    assert.ok(blobsBefore.some((k) => k.endsWith('icon.png')), blobsBefore.join(','));
    await assert.rejects(
      srv.services.publish.publishStored(admin, { releaseId: planned, key: `releases/${planned}/package.ipa`, size: bytes.length, local: null }, {}),
      (e: Error & { code?: string }) => e.code === 'CONFLICT',
    );
    assert.deepEqual(await keys(`releases/${planned}/`), blobsBefore, "the release's package and icons are all there");
    assert.equal((await srv.services.blobs.stat(`releases/${planned}/package.ipa`))?.size, bytes.length, "the release's package is untouched");
    assert.equal(sha256(Buffer.from(await (await fetch(downloadUrl)).arrayBuffer())), sha256(bytes));
  });

  test('a publish that fails after adopting the assembled package keeps it for a retry, under its recorded prefix', async () => {
    const bytes = await readFile(await buildIpa({ bundleId: 'com.example.s3tus.kept' }));
    const releaseId = `r${randomBytes(8).toString('hex')}`;
    const key = `releases/${releaseId}/package.ipa`;
    await srv.services.blobs.put(key, Readable.from([bytes]), { size: bytes.length });
    const admin: Principal = { tokenId: 'bootstrap', name: 'admin', admin: true, appId: null, via: 'bearer' };
    const lost = () => {
      throw Object.assign(new Error('lease lost'), { code: 'CONFLICT' });
    };
    await assert.rejects(srv.services.publish.publishStored(admin, { releaseId, key, size: bytes.length, local: null, stillOurs: lost }, {}), /lease lost/);
    assert.equal(await srv.services.repos.releases.get(releaseId), null, 'no release was recorded');
    assert.equal((await srv.services.blobs.stat(key))?.size, bytes.length, 'the package stays for a retry');
    assert.ok((await srv.services.repos.blobIntents.prefixes()).includes(`releases/${releaseId}/`), 'and the sweeper knows its prefix');
    const retried = await srv.services.publish.publishStored(admin, { releaseId, key, size: bytes.length, local: null }, {});
    assert.equal(retried.release.id, releaseId);
    assert.equal(retried.release.packageKey, key);
  });

  test('two publishes of one upload at the same moment make one release', async () => {
    const bytes = await readFile(await buildIpa({ bundleId: 'com.example.s3tus.twice' }));
    const id = await upload(bytes, 'twice.ipa', 1 * MIB);
    const answers = await Promise.all([publish(id), publish(id)]);
    assert.deepEqual(answers.map((r) => r.status).sort(), [201, 404], (await Promise.all(answers.map((r) => r.text()))).join('\n'));
    const app = (await srv.services.repos.apps.findByBundle('ios', 'com.example.s3tus.twice'))!;
    assert.equal((await srv.services.repos.releases.listByApp(app.id)).items.length, 1);
  });

  test('a package named for the other platform is stored under the right key; the planned object goes', async () => {
    const bytes = await readFile(await buildIpa({ bundleId: 'com.example.s3tus.named' }));
    const id = await upload(bytes, 'misnamed.apk', 1 * MIB);
    const planned = await plannedRelease(id);
    const res = await publish(id);
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal(((await res.json()) as { release: { id: string } }).release.id, planned);
    const stored = await keys(`releases/${planned}/`);
    assert.ok(stored.includes(`releases/${planned}/package.ipa`), stored.join(','));
    assert.ok(!stored.includes(`releases/${planned}/package.apk`), 'the object assembled under the guessed key is removed');
    assert.equal((await srv.services.blobs.stat(`releases/${planned}/package.ipa`))?.size, bytes.length);
  });

  test('a refused publish keeps the package for a retry; after a cancel the blob sweeper removes it', async () => {
    const bytes = randomBytes(9 * MIB);
    const id = await upload(bytes, 'notapackage.ipa', 4 * MIB);
    const planned = await plannedRelease(id);
    const first = await publish(id);
    assert.equal(first.status, 415, await first.clone().text());
    const message = ((await first.json()) as { error: { message: string } }).error.message;
    // The retry reads the assembled package back from the store (the local copy went with the first try).
    const readBack = packagesReadBack();
    const second = await publish(id);
    assert.equal(packagesReadBack(), readBack + 1);
    assert.equal(second.status, 415);
    assert.equal(((await second.json()) as { error: { message: string } }).error.message, message);
    assert.deepEqual(await keys(`releases/${planned}/`), [`releases/${planned}/package.ipa`]);

    const cancel = await fetch(`${srv.baseUrl}/api/v1/uploads/${id}`, { method: 'DELETE', headers: srv.auth({ 'tus-resumable': '1.0.0' }) });
    assert.equal(cancel.status, 204);
    assert.deepEqual(await keys(`uploads/${id}/`), []);
    assert.ok((await srv.services.repos.blobIntents.prefixes()).includes(`releases/${planned}/`), 'left to the sweeper, by its recorded prefix');
    const swept = await srv.services.gc.sweepIntents({ graceMs: 0 });
    assert.deepEqual(swept.filter((s) => s.prefix === `releases/${planned}/`).map((s) => [s.keys, s.released]), [[[`releases/${planned}/package.ipa`], false]]);
    assert.ok(swept.every((s) => s.prefix === `releases/${planned}/` || s.released), "no other release's blobs are removed");
    assert.deepEqual(await keys(`releases/${planned}/`), []);
  });
});
