// The install page in a real Chromium, on emulated devices, against a real server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request, type APIRequestContext, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { parseInstallLink } from '../../src/core/link/index.js';
import {
  BROWSER_SKIP,
  collectErrors,
  desktop,
  emulateIpadPlatform,
  emulatePlatform,
  iphone,
  ipadDesktopMode,
  launchBrowser,
  pixel,
  screenshotDir,
  UA,
} from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { apkBuffer, encodeAxml, int, manifestTree, scratchDir, str } from '../helpers/synthetic-apk.js';

interface Published {
  installPageUrl: string;
  installLink: string;
  manifestUrl: string | null;
  downloadUrl: string;
  release: { id: string; links: { latestPageUrl: string } };
}

describe('install page in a browser', { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let browser: Browser;
  let ios: Published;
  let shots: string;
  let api: APIRequestContext;

  /** Publishes a package through the API (raw body), as `otaship publish` does. */
  async function publish(file: string, notes?: string): Promise<Published> {
    const query = notes === undefined ? '' : `?notes=${encodeURIComponent(notes)}`;
    const res = await api.post(`${srv.baseUrl}/api/v1/releases${query}`, {
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      data: await readFile(file),
    });
    assert.equal(res.status(), 201, await res.text());
    return (await res.json()) as Published;
  }

  before(async () => {
    // https with the self-signed local CA: iOS (and the server) refuse manifests over http.
    srv = await startTestServer({ tls: true });
    api = await request.newContext({ ignoreHTTPSErrors: true });
    browser = await launchBrowser();
    shots = await screenshotDir();
    const ipa = await buildIpa({
      displayName: 'Field <Notes> & Co',
      version: '2.4.0',
      build: '311',
      icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }],
      fillerBytes: 3_000_000,
    });
    const notes = '### What’s new\n\n- Offline **sync**\n- Fixed <script>alert(1)</script>\n- [Changelog](https://example.com/changes)';
    ios = await publish(ipa, notes);
    console.log(`# screenshots in ${shots}`);
  });

  after(async () => {
    await browser?.close();
    await api?.dispose();
    await srv?.stop();
  });

  async function open(options: BrowserContextOptions, url: string, setup?: (page: Page) => Promise<void>, installPage = true) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, ...options });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setup?.(page);
    const response = await page.goto(url);
    assert.equal(response?.status(), 200);
    // The page script runs as a module: wait until it has classified the device.
    if (installPage) await page.waitForSelector('html[data-device]', { state: 'attached' });
    return { page, errors, close: () => context.close() };
  }

  test('iPhone: install button prominent with the exact itms-services link; no QR; no in-app hint', async () => {
    const { page, errors, close } = await open(iphone(), ios.installPageUrl);
    try {
      assert.equal(await page.getAttribute('html', 'data-device'), 'ios');
      const button = page.locator('#install');
      assert.equal(await button.isVisible(), true);
      const href = (await button.getAttribute('href'))!;
      await assertWorkingInstallLink(api, href, ios);
      // The button is in the first screenful on a phone.
      const box = await button.boundingBox();
      assert.ok(box && box.y + box.height <= 659, `install button at y=${box?.y}`);
      assert.equal(await page.locator('.qr').isVisible(), false);
      assert.equal(await page.locator('.hint-inapp').isVisible(), false);
      assert.equal(await page.locator('.hint-mismatch').isVisible(), false);
      // Hostile name and notes arrive as text.
      assert.equal(await page.locator('h1').textContent(), 'Field <Notes> & Co');
      assert.equal(await page.locator('.markdown strong').textContent(), 'sync');
      assert.equal(await page.locator('.markdown script').count(), 0);
      assert.equal(await page.locator('.markdown a').getAttribute('rel'), 'noopener noreferrer nofollow');
      // https server: no http warning; the self-signed CA's trust page is linked.
      assert.equal(await page.locator('.insecure').count(), 0);
      assert.equal(await page.locator('.hint-ca a').getAttribute('href'), `${srv.baseUrl}/ca`);
      // The icon loads (standard PNG converted from the CgBI icon).
      const iconOk = await page.locator('img.app-icon').evaluate((img) => (img as HTMLImageElement).naturalWidth > 0);
      assert.equal(iconOk, true);
      await page.screenshot({ path: join(shots, 'iphone.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('iPhone in Gmail’s in-app browser: "open in Safari" hint', async () => {
    // (Dark mode here, so the screenshots show both schemes.)
    const { page, close } = await open(iphone({ userAgent: UA.gmailIphone, colorScheme: 'dark' }), ios.installPageUrl);
    try {
      assert.equal(await page.locator('.hint-inapp').isVisible(), true);
      assert.match((await page.locator('.hint-inapp').textContent()) ?? '', /Safari/);
      await page.screenshot({ path: join(shots, 'iphone-gmail-dark.png'), fullPage: true });
    } finally {
      await close();
    }
  });

  test('desktop: QR code shown prominently (inline SVG) with the scan hint', async () => {
    const { page, errors, close } = await open(desktop(), ios.installPageUrl);
    try {
      assert.equal(await page.getAttribute('html', 'data-device'), 'desktop');
      const qr = page.locator('.qr svg');
      assert.equal(await qr.isVisible(), true);
      const box = await qr.boundingBox();
      assert.ok(box && box.width >= 200, `QR width ${box?.width}`);
      assert.equal(await page.locator('.desktop-hint').isVisible(), true);
      await page.screenshot({ path: join(shots, 'desktop.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('iPad in desktop mode (Mac UA, MacIntel, touch) is treated as an iPad', async () => {
    const { page, close } = await open(ipadDesktopMode(), ios.installPageUrl, emulateIpadPlatform);
    try {
      assert.equal(await page.getAttribute('html', 'data-device'), 'ios');
      assert.equal(await page.getAttribute('html', 'data-family'), 'ipad');
      assert.equal(await page.getAttribute('html', 'data-ipad-desktop'), 'true');
      assert.equal(await page.locator('#install').isVisible(), true);
      assert.equal(await page.locator('.qr').isVisible(), false);
      assert.equal(await page.locator('.hint-inapp').isVisible(), false);
    } finally {
      await close();
    }
  });

  test('a real Mac (no touch) stays a desktop', async () => {
    const { page, close } = await open(desktop({ userAgent: UA.macSafari }), ios.installPageUrl, (p) =>
      emulatePlatform(p, 'MacIntel', 0),
    );
    try {
      assert.equal(await page.getAttribute('html', 'data-device'), 'desktop');
      assert.equal(await page.locator('.qr svg').isVisible(), true);
    } finally {
      await close();
    }
  });

  test('Android phone on an iOS build: the mismatch is explained', async () => {
    const { page, close } = await open(pixel(), ios.installPageUrl);
    try {
      assert.equal(await page.getAttribute('html', 'data-device'), 'android');
      assert.equal(await page.locator('.hint-mismatch').isVisible(), true);
      assert.match((await page.locator('.hint-mismatch').textContent()) ?? '', /iOS build/);
    } finally {
      await close();
    }
  });

  test('latest-release page and older releases', async () => {
    const ipa = await buildIpa({ displayName: 'Field <Notes> & Co', version: '2.5.0', build: '312' });
    const newer = await publish(ipa);
    const { page, close } = await open(iphone(), ios.release.links.latestPageUrl);
    try {
      await assertWorkingInstallLink(api, (await page.locator('#install').getAttribute('href'))!, newer);
      assert.match((await page.locator('.version').textContent()) ?? '', /2\.5\.0 \(312\)/);
      const older = page.locator('.older a');
      assert.equal(await older.count(), 1);
      await older.click();
      await page.waitForURL((u) => u.pathname === `/i/${ios.release.id}`);
      assert.match((await page.locator('.version').textContent()) ?? '', /2\.4\.0 \(311\)/);
    } finally {
      await close();
    }
  });

  test('Android build: direct APK download on an Android phone; an iPhone is told it cannot install it', async () => {
    const manifest = encodeAxml(
      manifestTree({ package: 'com.example.droid', versionCode: int(9), versionName: str('1.4'), minSdk: int(24), label: str('Droid & <Co>') }),
    );
    const dir = await scratchDir();
    const apk = await publish(await dir.write('droid.apk', await apkBuffer({ manifest, v1: true })));
    await dir.remove();
    assert.equal(apk.manifestUrl, null);
    const { page, errors, close } = await open(pixel(), apk.installPageUrl);
    try {
      const button = page.locator('#install');
      assert.equal(await button.isVisible(), true);
      assert.equal(await button.textContent(), 'Download APK');
      const href = (await button.getAttribute('href'))!;
      assert.equal(new URL(href).pathname, new URL(apk.downloadUrl).pathname);
      assert.equal(await page.locator('.hint-mismatch').isVisible(), false);
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
      assert.match(download.suggestedFilename(), /\.apk$/);
      const res = await api.get(href);
      assert.equal(res.status(), 200);
      assert.equal(res.headers()['content-type'], 'application/vnd.android.package-archive');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
    const onIphone = await open(iphone(), apk.installPageUrl);
    try {
      assert.equal(await onIphone.page.locator('.hint-mismatch').isVisible(), true);
      assert.match((await onIphone.page.locator('.hint-mismatch').textContent()) ?? '', /Android build/);
    } finally {
      await onIphone.close();
    }
  });

  test('CA trust page: profile and certificate links, fingerprint', async () => {
    const { page, errors, close } = await open(iphone(), `${srv.baseUrl}/ca`, async () => undefined, false);
    try {
      assert.equal(await page.locator('a[href="/ca.mobileconfig"]').isVisible(), true);
      assert.match((await page.locator('.fingerprint').textContent()) ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/i);
      const profile = await api.get(`${srv.baseUrl}/ca.mobileconfig`);
      assert.equal(profile.status(), 200);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('page views are counted', async () => {
    const res = await api.get(`${srv.baseUrl}/api/v1/releases/${ios.release.id}`, { headers: srv.auth() });
    const body = (await res.json()) as { counts?: { pageViews: number }; release?: { counts?: { pageViews: number } } };
    const counts = body.counts ?? body.release?.counts;
    assert.ok(counts && counts.pageViews >= 6, `page views: ${JSON.stringify(counts)}`);
  });
});

/**
 * The button's link is an itms-services link to this release's manifest (each page view signs fresh
 * tokens, so compare everything but the token), and the manifest it names is served as iOS fetches it.
 */
async function assertWorkingInstallLink(api: APIRequestContext, href: string, published: Published): Promise<void> {
  assert.ok(href.startsWith('itms-services://?action=download-manifest&url='), href);
  const manifestUrl = parseInstallLink(href).url;
  assert.ok(manifestUrl);
  const got = new URL(manifestUrl);
  const want = new URL(published.manifestUrl!);
  assert.equal(got.origin + got.pathname, want.origin + want.pathname);
  assert.ok(got.searchParams.get('t'), 'the manifest URL carries a token');
  // Fetched like the iOS install daemon: its own User-Agent, no cookies.
  const res = await api.get(manifestUrl, { headers: { 'user-agent': 'com.apple.appstored/1.0 iOS/18.1 model/iPhone16,1' } });
  const text = await res.text();
  assert.equal(res.status(), 200, text);
  assert.match(res.headers()['content-type'] ?? '', /xml/);
  assert.match(text, /<key>bundle-identifier<\/key>/);
}
