// A tester's own install link in a real Chromium: the admin invites a tester and gives them a role;
// the tester signs in with the invitation, opens the build from My apps, and its install link (their
// person token) fetches the package the way the iOS installer does, without cookies. Once the admin
// removes them on the People page, the same link is refused at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { BROWSER_SKIP } from '../helpers/browser.js';
import { adminAndTester, type BrowserStage } from '../helpers/browser-stage.js';
import type { TestServer } from '../helpers/server.js';

describe("a tester's own install link in a browser", { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let admin: Page;
  let tester: Page;
  let adminErrors: string[];
  let testerErrors: string[];
  let appId = '';

  let stage: BrowserStage | undefined;

  before(async () => {
    stage = await adminAndTester({ bundleId: 'com.example.own', displayName: 'Own Links' });
    ({ srv, appId, admin, tester, adminErrors, testerErrors } = stage);
  });

  after(async () => stage?.stop());

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
