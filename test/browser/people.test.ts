// People in a real Chromium: an admin invites a tester on the People page (no mail server: the page
// shows the link), gives them a role on the app's Access page; the tester opens the invitation,
// signs in, finds the build on My apps and opens its install page; once removed, they are signed out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { BROWSER_SKIP } from '../helpers/browser.js';
import { adminAndTester, type BrowserStage } from '../helpers/browser-stage.js';
import type { TestServer } from '../helpers/server.js';

describe('people pages in a browser', { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let admin: Page;
  let tester: Page;
  let adminErrors: string[];
  let testerErrors: string[];
  let appId = '';

  let stage: BrowserStage | undefined;

  before(async () => {
    stage = await adminAndTester({ bundleId: 'com.example.people', displayName: 'People App', notes: '**Fixes** the login' });
    ({ srv, appId, admin, tester, adminErrors, testerErrors } = stage);
  });

  after(async () => stage?.stop());

  test('invite, give a role, accept, My apps, install page, removal', async () => {
    await admin.goto(`${srv.baseUrl}/admin/login?next=%2Fadmin%2Fpeople`);
    await admin.fill('#token', srv.adminToken);
    await Promise.all([admin.waitForURL(`${srv.baseUrl}/admin/people`), admin.click('button[type=submit]')]);
    await admin.fill('#invite-email', 'tess@example.org');
    await admin.click('#invite-form button[type=submit]');
    const link = await admin.locator('#invitation-link').inputValue();
    assert.match(link, /\/auth\/link\?t=/);

    await admin.goto(`${srv.baseUrl}/admin/apps/${appId}/access`);
    await admin.fill('#grant-email', 'tess@example.org');
    await admin.selectOption('#grant-role', 'tester');
    await Promise.all([admin.waitForEvent('load'), admin.click('form[data-api] button[type=submit]')]);
    assert.match((await admin.locator('table').textContent()) ?? '', /tess@example\.org\s*tester/);

    await tester.goto(link);
    await Promise.all([tester.waitForURL(`${srv.baseUrl}/my`), tester.click('#use-link')]);
    const card = tester.locator(`[data-app-id="${appId}"]`);
    assert.match((await card.textContent()) ?? '', /People App/);
    assert.equal(await card.locator('.notes strong').textContent(), 'Fixes');
    await Promise.all([tester.waitForURL(/\/i\//), card.locator('a.button').first().click()]);
    assert.match(await tester.title(), /People App/);

    await admin.goto(`${srv.baseUrl}/admin/people`);
    const row = admin.locator('tr', { hasText: 'tess@example.org' });
    await Promise.all([admin.waitForEvent('load'), row.locator('button', { hasText: 'Remove' }).click()]);
    assert.equal(await admin.locator('tr', { hasText: 'tess@example.org' }).count(), 0);
    await tester.goto(`${srv.baseUrl}/my`);
    assert.match(tester.url(), /\/sign-in/);
    assert.deepEqual(adminErrors, []);
    assert.deepEqual(testerErrors, []);
  });
});
