// A signed-in person's own pages in a real Chromium: from My apps to Tokens, a token created with a
// name and an expiry is shown once and works as the person, then revoked from the list and refused.
// And the admin's Groups page switch for "new build" mails.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import { BROWSER_SKIP, collectErrors, desktop, launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('a person\'s tokens page and the groups switch in a browser', { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let browser: Browser;

  before(async () => {
    srv = await startTestServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  async function signedInAs(session: { value: string }): Promise<BrowserContext> {
    const context = await browser.newContext(desktop());
    await context.addCookies([{ name: 'otaship_session', value: session.value, url: srv.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
    return context;
  }

  test('My apps → Tokens: create (shown once), use, revoke', async () => {
    const person = await srv.services.repos.people.createPerson({ email: 'tess@example.org', name: 'Tess', admin: false, createdAt: new Date() });
    const page = await (await signedInAs(await srv.services.sessions.signInPerson(person.id))).newPage();
    const errors = collectErrors(page);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${srv.baseUrl}/my`);
    await Promise.all([page.waitForURL(`${srv.baseUrl}/my/tokens`), page.click('nav a[href="/my/tokens"]')]);
    assert.match((await page.textContent('main')) ?? '', /No tokens yet/);

    await page.fill('#token-name', 'laptop <cli>');
    await page.fill('#token-days', '30');
    await page.click('#my-token-form button[type=submit]');
    const secret = await page.locator('#new-token').inputValue();
    assert.match(secret, /^ota_/);
    const me = await fetch(`${srv.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { email: string }).email, 'tess@example.org');

    await page.reload();
    const row = page.locator('#my-tokens tbody tr', { hasText: 'laptop <cli>' });
    assert.match((await row.textContent()) ?? '', /active/);
    assert.equal(await row.locator('td').nth(3).locator('.muted').count(), 0, 'the expiry date is shown');
    assert.equal((await page.content()).includes(secret), false, 'the secret is not shown again');
    await Promise.all([page.waitForEvent('load'), row.locator('button', { hasText: 'Revoke' }).click()]);
    assert.match((await page.locator('#my-tokens tbody tr', { hasText: 'laptop <cli>' }).textContent()) ?? '', /revoked/);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } })).status, 401);
    assert.deepEqual(errors, []);
  });

  test('Groups: the "new build" mails switch (and, without a mail server, why nothing is sent)', async () => {
    await srv.services.repos.people.createGroup({ name: 'QA', createdAt: new Date() });
    const page = await (await signedInAs(await srv.services.sessions.signIn(srv.adminToken))).newPage();
    const errors = collectErrors(page);
    await page.goto(`${srv.baseUrl}/admin/groups`);
    const card = page.locator('section', { hasText: 'QA' });
    assert.equal(await card.locator('[data-notices]').getAttribute('data-notices'), 'off');
    assert.match((await card.textContent()) ?? '', /OTASHIP_SMTP_URL is not set/);
    await Promise.all([page.waitForEvent('load'), card.locator('button', { hasText: 'Turn on' }).click()]);
    assert.equal(await page.locator('section', { hasText: 'QA' }).locator('[data-notices]').getAttribute('data-notices'), 'on');
    assert.equal((await srv.services.repos.people.getGroupByName('QA'))?.notifyNewBuilds, true);
    assert.deepEqual(errors, []);
  });
});
