// END TO END, as an iPhone does it, over real HTTPS (self-signed local CA, trusted by this client
// only): publish a synthetic IPA → open the install page → take the itms-services link from the HTML
// (entities decoded once, as a browser) → fetch the manifest as the install daemon (its User-Agent,
// no cookies) → check the bundle id → download the package in two ranges → check bytes and SHA-256
// → fetch both icons → expired and forged tokens are refused → the counters add up.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Parser } from 'htmlparser2';
import sharp from 'sharp';
import { parseInstallLink } from '../../src/core/link/index.js';
import { parseManifest } from '../../src/core/manifest/index.js';
import type { ReleaseCounts } from '../../src/ports/repositories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { request, type ErrorJson } from './support/http.js';

const DAEMON_UA = 'com.apple.appstored/1.0 iOS/18.1 model/iPhone16,1 hwmodel/D83AP build/22B83 (6; dt:329) AMS/1';
const SAFARI_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

let srv: TestServer;
let ipa: Buffer;
const BUNDLE_ID = 'com.example.e2e-installer';

before(async () => {
  srv = await startTestServer({ tls: true });
  ipa = await readFile(
    await buildIpa({
      bundleId: BUNDLE_ID,
      displayName: 'E2E & <Friends>',
      version: '4.5.6',
      build: '789',
      fillerBytes: 2 * 1024 * 1024,
      icons: [{ file: 'AppIcon60x60@3x.png', width: 180, height: 180 }],
    }),
  );
});
after(async () => {
  await srv?.stop();
});

const get = (url: string, headers: Record<string, string> = {}) => request(url, { headers, ca: srv.ca });

/** Every href on the page, decoded by an HTML parser exactly as a browser would (once). */
function hrefs(html: string): string[] {
  const out: string[] = [];
  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'a' && attrs.href !== undefined) out.push(attrs.href);
    },
  });
  parser.write(html);
  parser.end();
  return out;
}

async function countsReach(releaseId: string, expected: ReleaseCounts): Promise<ReleaseCounts> {
  let counts = await srv.services.counters.get(releaseId);
  for (let i = 0; i < 500 && JSON.stringify(counts) !== JSON.stringify(expected); i++) {
    await sleep(20);
    counts = await srv.services.counters.get(releaseId);
  }
  return counts;
}

describe('iOS over-the-air install, end to end', () => {
  test('page → link → manifest → package → icons; tokens; counts', async () => {
    assert.ok(srv.ca, 'the test server runs with a self-signed CA');
    assert.ok(srv.baseUrl.startsWith('https://'));

    const published = await request(`${srv.baseUrl}/api/v1/releases?filename=E2E.ipa`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: ipa,
      ca: srv.ca,
    });
    assert.equal(published.status, 201, published.text());
    const pub = published.json<{ release: { id: string }; installPageUrl: string; installLink: string }>();

    // 1. The install page, as Safari on an iPhone sees it.
    const page = await get(pub.installPageUrl, { 'user-agent': SAFARI_UA });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const links = hrefs(page.text()).filter((h) => h.startsWith('itms-services:'));
    assert.ok(links.length >= 1, 'the page has an itms-services link');
    const link = links[0]!;
    assert.equal(link, pub.installLink, 'the page link equals the API link');
    const parsed = parseInstallLink(link);
    assert.equal(parsed.action, 'download-manifest');
    assert.ok(parsed.url?.startsWith(`${srv.baseUrl}/i/${pub.release.id}/manifest.plist?t=`), parsed.url ?? '');

    // 2. The manifest, as the install daemon fetches it: its own UA, no cookies, no redirects.
    const manifestRes = await get(parsed.url!, { 'user-agent': DAEMON_UA });
    assert.equal(manifestRes.status, 200);
    assert.match(String(manifestRes.headers['content-type']), /^text\/xml; charset=utf-8/);
    assert.ok(manifestRes.text().startsWith('<?xml'), 'no bytes before <?xml');
    const manifest = parseManifest(manifestRes.text());
    const item = manifest.items[0]!;
    assert.equal(item.metadata['bundle-identifier'], BUNDLE_ID);
    assert.equal(item.metadata['bundle-version'], '4.5.6');
    assert.equal(item.metadata.title, 'E2E & <Friends>');
    const asset = (kind: string) => item.assets.find((a) => a.kind === kind)?.url;
    const packageUrl = asset('software-package');
    assert.ok(packageUrl?.startsWith(`${srv.baseUrl}/`), 'absolute URLs from the public origin');

    // 3. The package: a first range, then the rest (as a resumed download).
    const head = await get(packageUrl!, { 'user-agent': DAEMON_UA, range: 'bytes=0-65535' });
    assert.equal(head.status, 206);
    assert.equal(head.headers['content-type'], 'application/octet-stream');
    assert.match(String(head.headers['cache-control']), /no-transform/);
    const rest = await get(packageUrl!, { 'user-agent': DAEMON_UA, range: 'bytes=65536-', 'if-range': String(head.headers.etag) });
    assert.equal(rest.status, 206);
    const whole = Buffer.concat([head.body, rest.body]);
    assert.equal(whole.length, ipa.length);
    const sha = createHash('sha256').update(whole).digest('hex');
    assert.equal(sha, createHash('sha256').update(ipa).digest('hex'));
    const declared = item.assets.find((a) => a.kind === 'software-package')?.sha256;
    if (declared !== undefined) assert.equal(declared, sha, 'the manifest hash matches the bytes served');

    // 4. The icons the daemon shows while installing.
    for (const [kind, size] of [['display-image', 57], ['full-size-image', 512]] as const) {
      const url = asset(kind);
      assert.ok(url, `${kind} in the manifest`);
      const res = await get(url, { 'user-agent': DAEMON_UA });
      assert.equal(res.status, 200, kind);
      assert.equal(res.headers['content-type'], 'image/png');
      const meta = await sharp(res.body).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', size, size], kind);
    }

    // 5. Counts: one page view, one manifest fetch, one download started and completed.
    const counts = await countsReach(pub.release.id, { pageViews: 1, manifestFetches: 1, downloadsStarted: 1, downloadsCompleted: 1 });
    assert.deepEqual(counts, { pageViews: 1, manifestFetches: 1, downloadsStarted: 1, downloadsCompleted: 1 });

    // 6. Forged tokens are refused; after expiry (server clock moved on) the same URLs are refused.
    const forged = packageUrl!.replace(/t=([^.]+)\.[A-Za-z0-9_-]+/, (_m, body: string) => `t=${body}.${'A'.repeat(43)}`);
    assert.notEqual(forged, packageUrl);
    const forgedRes = await get(forged, { 'user-agent': DAEMON_UA });
    assert.equal(forgedRes.status, 403);
    assert.equal(forgedRes.json<ErrorJson>().error.code, 'TOKEN_INVALID');

    srv.clock.advance((Math.max(srv.config.assetTtlSeconds, srv.config.linkTtlSeconds) + 3600) * 1000);
    try {
      for (const url of [parsed.url!, packageUrl!, asset('display-image')!]) {
        const res = await get(url, { 'user-agent': DAEMON_UA });
        assert.equal(res.status, 403, url);
        assert.equal(res.json<ErrorJson>().error.code, 'TOKEN_EXPIRED');
      }
      const expiredPage = await get(pub.installPageUrl, { 'user-agent': SAFARI_UA });
      assert.equal(expiredPage.status, 403);
      assert.match(String(expiredPage.headers['content-type']), /text\/html/);
    } finally {
      srv.clock.reset();
    }
    const after = await srv.services.counters.get(pub.release.id);
    assert.deepEqual(after, counts, 'refused requests are not counted');
  });

  test('the manifest asset tokens outlive the page link by at least a day', () => {
    assert.ok(srv.config.assetTtlSeconds >= 86400);
  });
});
