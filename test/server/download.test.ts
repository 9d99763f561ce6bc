// The install surface over plain http: package downloads (Range, If-Range, ETag, HEAD, 416),
// icons, access tokens (missing, forged, expired, for another release), public releases, the
// Android direct download, and the counters behind them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { request as httpRequest } from 'node:http';
import sharp from 'sharp';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import type { ReleaseCounts } from '../../src/ports/repositories.js';
import { countsReach as reachCounts } from './support/counts.js';
import { buildApk } from './support/packages.js';
import type { ErrorJson } from './support/http.js';

interface Published {
  release: { id: string; appId: string; links: { iconUrl: string | null; latestPageUrl: string } };
  app: { id: string };
  installPageUrl: string;
  installLink: string;
  downloadUrl: string;
  manifestUrl: string | null;
}

let srv: TestServer;
let ipaBytes: Buffer;
let pub: Published;

before(async () => {
  srv = await startTestServer();
  const path = await buildIpa({ bundleId: 'com.example.dl', fillerBytes: 300_000, icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] });
  ipaBytes = await readFile(path);
  pub = await publish(ipaBytes);
});
after(async () => {
  await srv?.stop();
});

async function publish(body: Buffer): Promise<Published> {
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: new Uint8Array(body),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as Published;
}

const countsReach = (releaseId: string, expected: Partial<ReleaseCounts>) => reachCounts(srv.services, releaseId, expected);

const withoutToken = (url: string) => url.split('?')[0]!;

describe('package download', () => {
  test('HEAD: headers only, no count', async () => {
    const res = await fetch(pub.downloadUrl, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(ipaBytes.length));
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.match(res.headers.get('cache-control') ?? '', /no-transform/);
    assert.match(res.headers.get('cache-control') ?? '', /private/);
    assert.match(res.headers.get('etag') ?? '', /^"[^"]+"$/);
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename=".*\.ipa"/);
    assert.equal((await res.arrayBuffer()).byteLength, 0);
    const counts = await srv.services.counters.get(pub.release.id);
    assert.equal(counts.downloadsStarted, 0);
  });

  test('a range, then the rest: bytes add up; one download started and completed', async () => {
    const first = await fetch(pub.downloadUrl, { headers: { range: 'bytes=0-999' } });
    assert.equal(first.status, 206);
    assert.equal(first.headers.get('content-range'), `bytes 0-999/${ipaBytes.length}`);
    assert.equal(first.headers.get('content-length'), '1000');
    const a = Buffer.from(await first.arrayBuffer());
    const etag = first.headers.get('etag')!;
    const rest = await fetch(pub.downloadUrl, { headers: { range: 'bytes=1000-', 'if-range': etag } });
    assert.equal(rest.status, 206);
    const b = Buffer.from(await rest.arrayBuffer());
    assert.deepEqual(Buffer.concat([a, b]), ipaBytes);
    const counts = await countsReach(pub.release.id, { downloadsStarted: 1, downloadsCompleted: 1 });
    assert.equal(counts.downloadsStarted, 1);
    assert.equal(counts.downloadsCompleted, 1);
  });

  test('If-Range with a stale validator sends the whole file; If-None-Match gives 304; beyond the end is 416', async () => {
    const stale = await fetch(pub.downloadUrl, { headers: { range: 'bytes=10-', 'if-range': '"stale"' } });
    assert.equal(stale.status, 200);
    assert.equal((await stale.arrayBuffer()).byteLength, ipaBytes.length);
    const etag = stale.headers.get('etag')!;
    const notModified = await fetch(pub.downloadUrl, { headers: { 'if-none-match': etag } });
    assert.equal(notModified.status, 304);
    const beyond = await fetch(pub.downloadUrl, { headers: { range: `bytes=${ipaBytes.length}-` } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${ipaBytes.length}`);
    await beyond.arrayBuffer();
  });

  test('an aborted download counts as started, never as completed', async () => {
    const fresh = await publish(await readFile(await buildIpa({ bundleId: 'com.example.abort', fillerBytes: 8 * 1024 * 1024 })));
    await new Promise<void>((resolve) => {
      const req = httpRequest(fresh.downloadUrl, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end();
    });
    const counts = await countsReach(fresh.release.id, { downloadsStarted: 1 });
    assert.equal(counts.downloadsStarted, 1);
    await sleep(200);
    assert.equal((await srv.services.counters.get(fresh.release.id)).downloadsCompleted, 0);
  });

  test('wrong extension is a 404', async () => {
    const res = await fetch(pub.downloadUrl.replace('package.ipa', 'package.apk'));
    assert.equal(res.status, 404);
  });
});

describe('access tokens on install URLs', () => {
  test('missing, forged, other-release and expired tokens are refused with 403 and a clear message', async () => {
    const missing = await fetch(withoutToken(pub.downloadUrl));
    assert.equal(missing.status, 403);
    const mj = (await missing.json()) as ErrorJson;
    assert.equal(mj.error.code, 'TOKEN_MISSING');
    assert.match(mj.error.hint, /install page/);

    const token = new URL(pub.downloadUrl).searchParams.get('t')!;
    const [body] = token.split('.');
    const forged = `${withoutToken(pub.downloadUrl)}?t=${body}.${'A'.repeat(43)}`;
    const fj = (await (await fetch(forged)).json()) as ErrorJson;
    assert.equal(fj.error.code, 'TOKEN_INVALID');

    const other = await publish(await readFile(await buildIpa({ bundleId: 'com.example.other-dl' })));
    const otherToken = new URL(other.downloadUrl).searchParams.get('t')!;
    const cross = await fetch(`${withoutToken(pub.downloadUrl)}?t=${otherToken}`);
    assert.equal(cross.status, 403);
    assert.equal(((await cross.json()) as ErrorJson).error.code, 'TOKEN_INVALID');

    srv.clock.advance((srv.config.linkTtlSeconds + 60) * 1000);
    try {
      const expired = await fetch(pub.downloadUrl);
      assert.equal(expired.status, 403);
      assert.equal(((await expired.json()) as ErrorJson).error.code, 'TOKEN_EXPIRED');
    } finally {
      srv.clock.reset();
    }
  });

  test("the app's latest-page token opens its releases too", async () => {
    const appToken = new URL(pub.release.links.latestPageUrl).searchParams.get('t')!;
    const res = await fetch(`${withoutToken(pub.downloadUrl)}?t=${appToken}`, { method: 'HEAD' });
    assert.equal(res.status, 200);
  });

  test('icons: standard PNG renditions at 57 and 512 px', async () => {
    assert.ok(pub.release.links.iconUrl);
    const t = new URL(pub.downloadUrl).search;
    for (const [name, size] of [['icon-57.png', 57], ['icon-512.png', 512], ['icon.png', 120]] as const) {
      const res = await fetch(`${srv.baseUrl}/i/${pub.release.id}/${name}${t}`);
      assert.equal(res.status, 200, name);
      assert.equal(res.headers.get('content-type'), 'image/png');
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      assert.equal(meta.format, 'png');
      assert.equal(meta.width, size);
      assert.equal(meta.height, size);
    }
    assert.equal((await fetch(`${srv.baseUrl}/i/${pub.release.id}/icon-58.png${t}`)).status, 404);
    assert.equal((await fetch(`${srv.baseUrl}/i/${pub.release.id}/icon-57.png`)).status, 403);
  });

  test('the manifest on an http server explains that iOS needs https', async () => {
    const res = await fetch(pub.manifestUrl!);
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as ErrorJson).error.message, /https/);
  });

  test('public apps and releases need no token', async () => {
    const res = await fetch(`${srv.baseUrl}/api/v1/apps/${pub.app.id}`, {
      method: 'PATCH',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ isPublic: true }),
    });
    assert.equal(res.status, 200);
    try {
      assert.equal((await fetch(withoutToken(pub.downloadUrl), { method: 'HEAD' })).status, 200);
      // A release can opt out of its app's public setting.
      await fetch(`${srv.baseUrl}/api/v1/releases/${pub.release.id}`, {
        method: 'PATCH',
        headers: srv.auth({ 'content-type': 'application/json' }),
        body: JSON.stringify({ isPublic: false }),
      });
      assert.equal((await fetch(withoutToken(pub.downloadUrl), { method: 'HEAD' })).status, 403);
    } finally {
      await fetch(`${srv.baseUrl}/api/v1/releases/${pub.release.id}`, {
        method: 'PATCH',
        headers: srv.auth({ 'content-type': 'application/json' }),
        body: JSON.stringify({ isPublic: null }),
      });
      await fetch(`${srv.baseUrl}/api/v1/apps/${pub.app.id}`, {
        method: 'PATCH',
        headers: srv.auth({ 'content-type': 'application/json' }),
        body: JSON.stringify({ isPublic: false }),
      });
    }
  });
});

describe('Android', () => {
  test('an APK sent under an .ipa name is still stored and served as an .apk (no stray blob)', async () => {
    const apk = await buildApk({ packageName: 'com.example.misnamed' });
    try {
      const res = await fetch(`${srv.baseUrl}/api/v1/releases?filename=misnamed.ipa`, {
        method: 'POST',
        headers: srv.auth({ 'content-type': 'application/octet-stream' }),
        body: new Uint8Array(apk.bytes),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const j = (await res.json()) as Published;
      const keys: string[] = [];
      for await (const k of srv.services.blobs.list(`releases/${j.release.id}/`)) keys.push(k);
      assert.deepEqual(keys, [`releases/${j.release.id}/package.apk`]);
      const dl = await fetch(j.downloadUrl);
      assert.equal(dl.headers.get('content-type'), 'application/vnd.android.package-archive');
      assert.deepEqual(Buffer.from(await dl.arrayBuffer()), apk.bytes);
    } finally {
      await apk.remove();
    }
  });

  test('an APK release downloads directly with the APK content type; no manifest', async () => {
    const apk = await buildApk({ packageName: 'com.example.droid', label: 'Droid' });
    try {
      const res = await fetch(`${srv.baseUrl}/api/v1/releases?filename=app.apk`, {
        method: 'POST',
        headers: srv.auth({ 'content-type': 'application/vnd.android.package-archive' }),
        body: new Uint8Array(apk.bytes),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const j = (await res.json()) as Published & { app: { platform: string; bundleId: string } };
      assert.equal(j.app.platform, 'android');
      assert.equal(j.app.bundleId, 'com.example.droid');
      assert.equal(j.manifestUrl, null);
      assert.ok(j.downloadUrl.includes('/package.apk?t='));
      assert.equal(j.installLink, j.downloadUrl);
      const dl = await fetch(j.downloadUrl);
      assert.equal(dl.status, 200);
      assert.equal(dl.headers.get('content-type'), 'application/vnd.android.package-archive');
      assert.match(dl.headers.get('content-disposition') ?? '', /\.apk"/);
      assert.deepEqual(Buffer.from(await dl.arrayBuffer()), apk.bytes);
      const page = await fetch(j.installPageUrl);
      assert.equal(page.status, 200);
      const html = await page.text();
      // Each page view mints fresh tokens, so compare the link without its token.
      const apkLink = new RegExp(`href="${j.downloadUrl.split('?')[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\?t=[A-Za-z0-9_.-]+"`);
      assert.match(html, apkLink, 'the install page links the APK directly');
      const manifest = await fetch(`${srv.baseUrl}/i/${j.release.id}/manifest.plist${new URL(j.downloadUrl).search}`);
      assert.equal(manifest.status, 404);
    } finally {
      await apk.remove();
    }
  });
});
