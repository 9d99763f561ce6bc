// Share links in a real Chromium: a manager makes a link with a passcode on the app's Share links
// page (its URL shown once, with a copy button and a QR code), a tester opens it on an iPhone,
// enters the passcode and sees the install button; once the link is revoked on the admin page, its
// page and the package link the tester already holds stop working.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { BROWSER_SKIP } from '../helpers/browser.js';
import { adminAndTester, type BrowserStage } from '../helpers/browser-stage.js';
import type { TestServer } from '../helpers/server.js';

describe('share links in a browser', { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let admin: Page;
  let tester: Page;
  let adminErrors: string[];
  let appId = '';

  let stage: BrowserStage | undefined;

  before(async () => {
    stage = await adminAndTester({ bundleId: 'com.example.shared', displayName: 'Shared App' });
    ({ srv, appId, admin, tester, adminErrors } = stage);
  });

  after(async () => stage?.stop());

  test('make a link with a passcode, open it, enter the passcode, install; revoke it', async () => {
    await admin.goto(`${srv.baseUrl}/admin/login?next=${encodeURIComponent(`/admin/apps/${appId}`)}`);
    await admin.fill('#token', srv.adminToken);
    await Promise.all([admin.waitForURL(`${srv.baseUrl}/admin/apps/${appId}`), admin.click('button[type=submit]')]);
    await Promise.all([admin.waitForURL(/\/share-links$/), admin.click('#app-share-links')]);
    await admin.fill('#share-name', 'Beta testers');
    await admin.fill('#share-limit', '5');
    await admin.fill('#share-passcode', 'blue-harbour');
    await Promise.all([admin.waitForEvent('load'), admin.click('#share-link-form button[type=submit]')]);
    const url = await admin.locator('#share-link-url').inputValue();
    assert.match(url, new RegExp(`^${srv.publicUrl}/s/[0-9a-z]{26}\\?t=`));
    assert.doesNotMatch(url, /blue-harbour/);
    assert.equal(await admin.locator('#share-link-created svg').count(), 1, 'a QR code of the link');
    assert.equal(await admin.locator('#share-link-created [data-action="copy"]').getAttribute('data-copy'), url);
    // Shown once: reloading the list shows the link's counts, not its URL.
    await admin.goto(`${srv.baseUrl}/admin/apps/${appId}/share-links`);
    assert.equal(await admin.locator('#share-link-url').count(), 0);
    const row = admin.locator('#share-links tr', { hasText: 'Beta testers' });
    assert.equal(await row.locator('[data-role="state"]').textContent(), 'active');

    await tester.goto(url);
    assert.equal(await tester.locator('#install').count(), 0, 'no install button before the passcode');
    await tester.fill('#passcode', 'wrong-guess');
    await Promise.all([tester.waitForEvent('load'), tester.click('#passcode-form button[type=submit]')]);
    assert.equal(await tester.locator('#passcode-wrong').count(), 1);
    await tester.fill('#passcode', 'blue-harbour');
    await Promise.all([tester.waitForEvent('load'), tester.click('#passcode-form button[type=submit]')]);
    const install = tester.locator('#install');
    assert.equal(await install.isVisible(), true);
    // itms-services://?action=download-manifest&url=<the manifest URL, percent-encoded>
    const manifestUrl = new URL((await install.getAttribute('href'))!).searchParams.get('url')!;
    const packageUrl = manifestUrl.replace('/manifest.plist?', '/package.ipa?');
    assert.equal((await fetch(packageUrl)).status, 200, 'the package downloads');

    await admin.reload();
    await Promise.all([admin.waitForEvent('load'), admin.locator('#share-links tr', { hasText: 'Beta testers' }).locator('button', { hasText: 'Revoke' }).click()]);
    const revoked = admin.locator('#share-links tr', { hasText: 'Beta testers' });
    assert.equal(await revoked.locator('[data-role="state"]').textContent(), 'revoked');
    assert.equal(await revoked.locator('[data-role="installs"]').textContent(), '1 / 5');

    const again = await tester.goto(url);
    assert.equal(again?.status(), 403);
    assert.match((await tester.locator('main').textContent()) ?? '', /revoked/);
    assert.equal((await fetch(packageUrl)).status, 403, 'the package link already handed out stops too');
    assert.deepEqual(adminErrors, []);
  });
});
