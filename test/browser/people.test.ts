// People in a real Chromium: an admin invites a tester on the People page (no mail server: the page
// shows the link), gives them a role on the app's Access page; the tester opens the invitation,
// signs in, finds the build on My apps and opens its install page; once removed, they are signed out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_SKIP, collectErrors, desktop, iphone, launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

describe('people pages in a browser', { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: Page;
  let tester: Page;
  let adminErrors: string[];
  let testerErrors: string[];
  let appId = '';

  before(async () => {
    srv = await startTestServer();
    const res = await fetch(`${srv.baseUrl}/api/v1/releases?notes=${encodeURIComponent('**Fixes** the login')}`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: await readFile(await buildIpa({ bundleId: 'com.example.people', displayName: 'People App' })),
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
