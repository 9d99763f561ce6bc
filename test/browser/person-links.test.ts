// A tester's own install link in a real Chromium: the admin invites a tester and gives them a role;
// the tester signs in with the invitation, opens the build from My apps, and its install link (their
// person token) fetches the package the way the iOS installer does, without cookies. Once the admin
// removes them on the People page, the same link is refused at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_SKIP, collectErrors, desktop, iphone, launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

describe("a tester's own install link in a browser", { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: Page;
  let tester: Page;
  let adminErrors: string[];
  let testerErrors: string[];
  let appId = '';

  before(async () => {
    srv = await startTestServer();
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: new Uint8Array(await readFile(await buildIpa({ bundleId: 'com.example.own', displayName: 'Own Links' }))),
    });
    assert.equal(res.status, 201);
    appId = ((await res.json()) as { app: { id: string } }).app.id;
    browser = await launchBrowser();
    admin = await (await browser.newContext(desktop())).newPage();
    tester = await (await browser.newContext(iphone())).newPage();
    adminErrors = collectErrors(admin);
    testerErrors = collectErrors(tester);
    admin.on('dialog', (d) => void d.accept());
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  /** What the iOS installer would get for the install button's package (no cookies). */
  async function packageStatus(installHref: string): Promise<number> {
    // itms-services://?action=download-manifest&url=<manifest>; the manifest's token also opens the package.
    const manifest = new URL(new URL(installHref.replace('itms-services://', 'https://x/')).searchParams.get('url')!);
    const res = await fetch(`${srv.baseUrl}${manifest.pathname.replace('manifest.plist', 'package.ipa')}${manifest.search}`);
    await res.arrayBuffer();
    return res.status;
  }

  test('sign in → My apps → install page → the install link works → removed by the admin → it stops', async () => {
    await admin.goto(`${srv.baseUrl}/admin/login?next=%2Fadmin%2Fpeople`);
    await admin.fill('#token', srv.adminToken);
    await Promise.all([admin.waitForURL(`${srv.baseUrl}/admin/people`), admin.click('button[type=submit]')]);
    await admin.fill('#invite-email', 'ines@example.org');
    await admin.click('#invite-form button[type=submit]');
    const link = await admin.locator('#invitation-link').inputValue();
    await admin.goto(`${srv.baseUrl}/admin/apps/${appId}/access`);
    await admin.fill('#grant-email', 'ines@example.org');
    await admin.selectOption('#grant-role', 'tester');
    await Promise.all([admin.waitForEvent('load'), admin.click('form[data-api] button[type=submit]')]);

    await tester.goto(link);
    await Promise.all([tester.waitForURL(`${srv.baseUrl}/my`), tester.click('#use-link')]);
    const card = tester.locator(`[data-app-id="${appId}"]`);
    await Promise.all([tester.waitForURL(/\/i\/[^?]+$/), card.locator('a.button').first().click()]);
    assert.doesNotMatch(tester.url(), /\?t=/, 'My apps hands out no bearer link: the page opens with the session');
    const installHref = (await tester.locator('#install').getAttribute('href')) ?? '';
    assert.match(installHref, /^itms-services:/);
    assert.equal(await packageStatus(installHref), 200);

    await admin.goto(`${srv.baseUrl}/admin/people`);
    const row = admin.locator('tr', { hasText: 'ines@example.org' });
    await Promise.all([admin.waitForEvent('load'), row.locator('button', { hasText: 'Remove' }).click()]);
    assert.equal(await packageStatus(installHref), 403);
    assert.deepEqual(adminErrors, []);
    assert.deepEqual(testerErrors, []);
  });
});
