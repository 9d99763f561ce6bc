// The admin devices page in a real Chromium: a device registered through the profile service is
// listed, renamed (prompt → PATCH), copied and removed (confirm → DELETE); the tester's done page
// shows its copy button (udid.js).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'plist';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BROWSER_SKIP, collectErrors, desktop, launchBrowser } from '../helpers/browser.js';
import { buildDeviceAnswer } from '../helpers/device-answer.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { request } from '../server/support/http.js';

const UDID = '00008101-000A1B2C3D4E5F60';

describe('admin devices page in a browser', { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let donePage = '';

  before(async () => {
    srv = await startTestServer();
    browser = await launchBrowser();
    context = await browser.newContext(desktop());
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.baseUrl });
    page = await context.newPage();
    errors = collectErrors(page);
    // What the iPhone does: download the profile, post the signed answer to its URL.
    const profile = parse((await request(`${srv.baseUrl}/udid/profile.mobileconfig`)).text()) as { PayloadContent: { URL: string; Challenge: string } };
    const res = await request(profile.PayloadContent.URL, {
      method: 'POST',
      headers: { 'content-type': 'application/pkcs7-signature' },
      body: await buildDeviceAnswer(profile.PayloadContent.Challenge, { UDID, DEVICE_NAME: 'Lab iPhone' }),
    });
    assert.equal(res.status, 301);
    donePage = String(res.headers.location);
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('the thank-you page copies the UDID', async () => {
    await page.goto(donePage);
    assert.equal(await page.locator('#udid').textContent(), UDID);
    await page.click('[data-copy-from=udid]');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), UDID);
  });

  test('listed, renamed and removed from the admin', async () => {
    await page.goto(`${srv.baseUrl}/admin/login?next=%2Fadmin%2Fdevices`);
    await page.fill('#token', srv.adminToken);
    await Promise.all([page.waitForURL(`${srv.baseUrl}/admin/devices`), page.click('button[type=submit]')]);
    const row = page.locator('tr[data-device-id]');
    assert.equal(await row.count(), 1);
    assert.match((await row.textContent()) ?? '', /Lab iPhone/);

    // Registered anonymously: it waits for review until the admin marks it.
    assert.match((await row.textContent()) ?? '', /New: not reviewed/);
    await Promise.all([page.waitForEvent('load'), page.click('[data-action=review-device][data-review=keep]')]);
    assert.doesNotMatch((await page.locator('tr[data-device-id]').textContent()) ?? '', /not reviewed/);
    assert.ok((await srv.services.repos.devices.findByUdid(UDID))?.reviewedAt, 'reviewed in the database');

    page.once('dialog', (d) => void d.accept('QA shelf 2'));
    await Promise.all([page.waitForEvent('load'), page.click('[data-action=label-device]')]);
    assert.match((await page.locator('.device-name').textContent()) ?? '', /QA shelf 2/);
    assert.equal((await srv.services.repos.devices.findByUdid(UDID))?.label, 'QA shelf 2');

    page.once('dialog', (d) => void d.accept());
    await page.click('[data-action=delete-device]');
    await page.locator('tr[data-device-id]').waitFor({ state: 'detached' });
    assert.match((await page.locator('#flash').textContent()) ?? '', /Removed device “QA shelf 2”/);
    assert.equal(await srv.services.repos.devices.findByUdid(UDID), null);
    assert.deepEqual(errors, []);
  });
});
