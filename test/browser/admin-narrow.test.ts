// The web admin on a phone-sized screen (390×844) in a real Chromium against a real server: no page
// scrolls sideways, table cells keep their labels, the navigation reaches every section; and the
// admin's newer tasks through the UI: search and filters, expiry flags, webhooks created (secret
// shown once), tested and deleted, an app renamed and deleted with its blobs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { join } from 'node:path';
import { BROWSER_SKIP, collectErrors, launchBrowser, screenshotDir } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { buildApk } from '../server/support/packages.js';

const DAY = 86400_000;
const NARROW = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

interface Published {
  app: { id: string; name: string };
  release: { id: string };
}

describe('web admin at 390 px', { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let receiver: Server;
  let receiverUrl = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let shots = '';
  const apps: Record<string, Published> = {};

  async function publish(bytes: Buffer, query = ''): Promise<Published> {
    const res = await fetch(`${srv.baseUrl}/api/v1/releases${query}`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: new Uint8Array(bytes),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Published;
  }

  async function ipa(options: Parameters<typeof buildIpa>[0], query = ''): Promise<Published> {
    return publish(await readFile(await buildIpa(options)), query);
  }

  /** The page's width never exceeds the screen's: nothing scrolls sideways. */
  async function assertNoSidewaysScrollOf(on: Page, what: string): Promise<void> {
    const widths = await on.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
    assert.ok(widths.doc <= 390 && widths.body <= 390, `${what}: ${JSON.stringify(widths)} wider than 390`);
  }

  /** Also keeps a full-page screenshot for a human to look at (temp folder, printed at the end). */
  async function assertNoSidewaysScroll(what: string): Promise<void> {
    await assertNoSidewaysScrollOf(page, what);
    await page.screenshot({ path: join(shots, `${what.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
  }

  /** Every admin section link is on screen and leads to its page. */
  async function assertNavigationReachable(): Promise<void> {
    for (const [label, path] of [['Apps', '/admin'], ['Devices', '/admin/devices'], ['Tokens', '/admin/tokens'], ['Webhooks', '/admin/webhooks']] as const) {
      const link = page.locator('.topbar nav a', { hasText: label });
      const box = await link.boundingBox();
      assert.ok(box, `${label} link is shown`);
      assert.ok(box.x >= 0 && box.x + box.width <= 390, `${label} link within the screen: ${JSON.stringify(box)}`);
      assert.equal(await link.getAttribute('href'), path);
    }
    const signout = await page.locator('#signout').boundingBox();
    assert.ok(signout && signout.x + signout.width <= 390, 'sign-out button within the screen');
  }

  /** Stacked table rows: the header row is hidden and each cell shows its column label. */
  async function assertCellsLabelled(table: string, labels: string[]): Promise<void> {
    assert.equal(await page.locator(`${table} thead`).isVisible(), false, `${table}: header row hidden on a phone`);
    const shown = await page.evaluate(
      (selector) =>
        Array.from(document.querySelectorAll(`${selector} tbody tr:first-child td[data-label]`), (td) => getComputedStyle(td, '::before').content),
      table,
    );
    assert.deepEqual(shown, labels.map((l) => `"${l}: "`), `${table}: labels in front of the values`);
  }

  before(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
    // The receiver is on loopback: private targets must be allowed explicitly.
    srv = await startTestServer({ settings: { webhookAllowPrivate: true }, webhooks: { pollIntervalMs: 50, retryDelaysMs: [60_000] } });
    const now = Date.now();
    apps.alpha = await ipa({ bundleId: 'com.example.alpha', displayName: 'Alpha Tracker', version: '1.0', build: '1', profile: { expiresAt: new Date(now + 5 * DAY) } });
    await ipa({ bundleId: 'com.example.alpha', displayName: 'Alpha Tracker', version: '1.1', build: '2', profile: { type: 'development', expiresAt: new Date(now + 5 * DAY) } });
    apps.beta = await ipa({ bundleId: 'com.example.beta-with-a-rather-long-bundle-identifier.for.narrow.screens', displayName: 'Beta <Long> Name' });
    apps.gamma = await ipa({ bundleId: 'com.example.gamma', displayName: 'Gamma', profile: { expiresAt: new Date(now - 3 * DAY) } }, '?force=true');
    const apk = await buildApk({ packageName: 'com.example.droid', label: 'Droid' });
    apps.droid = await publish(apk.bytes);
    await apk.remove();
    await srv.services.repos.devices.register({
      udid: '00008110-001A2B3C4D5E6F70',
      product: 'iPhone16,1',
      version: '21E236',
      serial: 'F2LXK0ABCDEF',
      deviceName: 'A tester’s iPhone with a long name',
      at: new Date(),
    });

    browser = await launchBrowser();
    shots = await screenshotDir();
    context = await browser.newContext(NARROW);
    page = await context.newPage();
    errors = collectErrors(page);
  });

  after(async () => {
    if (shots) console.log(`screenshots of the admin at 390 px: ${shots}`);
    await browser?.close();
    await srv?.stop();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  test('sign-in page fits the screen; signing in opens the apps list', async () => {
    await page.goto(`${srv.baseUrl}/admin/login`);
    await assertNoSidewaysScroll('sign-in');
    await page.fill('#token', srv.adminToken);
    await Promise.all([page.waitForURL(`${srv.baseUrl}/admin`), page.click('button[type=submit]')]);
    assert.equal(await page.locator('.app-row').count(), 4);
  });

  test('apps list: no sideways scrolling, navigation on screen, expiry flagged with the date', async () => {
    await assertNoSidewaysScroll('apps');
    await assertNavigationReachable();
    const alpha = page.locator('.app-row', { hasText: 'Alpha Tracker' });
    const soon = alpha.locator('[data-role=profile-expiry]');
    assert.equal(await soon.getAttribute('data-state'), 'soon');
    assert.match((await soon.textContent()) ?? '', /^Profile expires in 4 days \(\d{4}-\d\d-\d\d\)$/);
    const gamma = page.locator('.app-row', { hasText: 'Gamma' }).locator('[data-role=profile-expiry]');
    assert.equal(await gamma.getAttribute('data-state'), 'expired');
    assert.match((await gamma.textContent()) ?? '', /^Profile expired \d{4}-\d\d-\d\d$/);
    assert.equal(await page.locator('.app-row', { hasText: 'Beta' }).locator('[data-role=profile-expiry]').count(), 0, 'a year away: no flag');
  });

  test('search by name or bundle id and filter by platform, in the URL (no script needed)', async () => {
    await page.fill('#app-search input[name=q]', 'ALPHA');
    await Promise.all([page.waitForURL(/\?q=ALPHA/), page.click('#app-search button[type=submit]')]);
    assert.deepEqual(await page.locator('.app-row .app-name').allTextContents(), ['Alpha Tracker']);
    assert.equal(await page.inputValue('#app-search input[name=q]'), 'ALPHA');
    await page.goto(`${srv.baseUrl}/admin?q=long-bundle`);
    assert.deepEqual(await page.locator('.app-row .app-name').allTextContents(), ['Beta <Long> Name']);
    await page.goto(`${srv.baseUrl}/admin?platform=android`);
    assert.deepEqual(await page.locator('.app-row .app-name').allTextContents(), ['Droid']);
    await page.goto(`${srv.baseUrl}/admin?q=nothing-like-this`);
    assert.equal(await page.locator('#no-matches').isVisible(), true);
    await assertNoSidewaysScroll('apps, searched');
  });

  test('an app page: releases filtered by profile kind and text; expiry flagged per release', async () => {
    await page.goto(`${srv.baseUrl}/admin/apps/${apps.alpha!.app.id}`);
    await assertNoSidewaysScroll('app page');
    assert.equal(await page.locator('.release').count(), 2);
    assert.equal(await page.locator('.release [data-role=profile-expiry][data-state=soon]').count(), 2);
    await page.selectOption('#release-filter select[name=profile]', 'development');
    await Promise.all([page.waitForURL(/profile=development/), page.click('#release-filter button[type=submit]')]);
    assert.equal(await page.locator('.release').count(), 1);
    assert.match((await page.locator('.release-version').textContent()) ?? '', /1\.1 \(2\)/);
    await page.goto(`${srv.baseUrl}/admin/apps/${apps.alpha!.app.id}?q=1.0`);
    assert.equal(await page.locator('.release').count(), 1);
    assert.match((await page.locator('.release-version').textContent()) ?? '', /1\.0 \(1\)/);
    await page.goto(`${srv.baseUrl}/admin/apps/${apps.gamma!.app.id}`);
    assert.match((await page.locator('.release [data-role=profile-expiry]').textContent()) ?? '', /^Profile expired \d{4}-\d\d-\d\d$/);
    await assertNoSidewaysScroll('app page, expired');
  });

  test('tokens: the first token replaces "No tokens yet"; cells keep their labels', async () => {
    await page.goto(`${srv.baseUrl}/admin/tokens`);
    const noTokens = page.getByText('No tokens yet');
    assert.equal(await noTokens.isVisible(), true);
    await page.fill('#token-form input[name=name]', 'CI on a phone');
    await page.click('#token-form button[type=submit]');
    await page.locator('#token-secret').waitFor({ state: 'visible' });
    assert.equal(await page.locator('tr[data-token-id]').count(), 1);
    assert.equal(await noTokens.isVisible(), false, 'no "No tokens yet" under the new token');
    await assertNoSidewaysScroll('tokens');
    await page.reload();
    await assertCellsLabelled('#tokens', ['Name', 'Scope', 'Created', 'Last used', 'Expires', 'Status']);
    await assertNoSidewaysScroll('tokens, reloaded');
  });

  test('devices: no sideways scrolling, labelled cells', async () => {
    await page.goto(`${srv.baseUrl}/admin/devices`);
    await assertCellsLabelled('#devices', ['Name', 'UDID', 'Model', 'iOS', 'Serial', 'Registered', 'Last seen']);
    await assertNoSidewaysScroll('devices');
    await assertNavigationReachable();
  });

  test('audit: no sideways scrolling, labelled cells, the filters usable', async () => {
    await page.goto(`${srv.baseUrl}/admin/audit`);
    assert.ok((await page.locator('#audit tbody tr').count()) > 0, 'the actions above are listed');
    await assertCellsLabelled('#audit', ['When', 'Who', 'Action', 'Target', 'App', 'From', 'Details']);
    await assertNoSidewaysScroll('audit');
    await assertNavigationReachable();
    await page.fill('input[name=action]', 'sign-in');
    await Promise.all([page.waitForURL(/action=sign-in/), page.getByRole('button', { name: 'Filter' }).click()]);
    assert.ok((await page.locator('#audit tbody tr').count()) > 0);
    assert.deepEqual(new Set(await page.locator('#audit tbody tr code').allTextContents()), new Set(['sign-in']));
    await assertNoSidewaysScroll('audit, filtered');
  });

  test('people, groups, an app’s access page, My apps and a release check: no sideways scrolling', async () => {
    const pub = await ipa({ bundleId: 'com.example.narrow-access', displayName: 'Access Check' });
    for (const [what, path] of [
      ['people', '/admin/people'],
      ['groups', '/admin/groups'],
      ['access', `/admin/apps/${pub.app.id}/access`],
      ['my apps', '/my'],
    ] as const) {
      const res = await page.goto(`${srv.baseUrl}${path}`);
      assert.equal(res?.status(), 200, `${what}: ${res?.status()}`);
      await assertNoSidewaysScroll(what);
      // My apps is the tester's page, with its own header.
      if (path.startsWith('/admin')) await assertNavigationReachable();
    }
    await page.goto(`${srv.baseUrl}/admin/apps/${pub.app.id}`);
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Check this release' }).first().click()]);
    assert.match((await page.locator('h1').first().textContent()) ?? '', /\S/);
    await assertNoSidewaysScroll('release check report');
  });

  test('webhooks: created with the secret shown once, tested, deleted', async () => {
    await page.goto(`${srv.baseUrl}/admin`);
    await Promise.all([page.waitForURL(`${srv.baseUrl}/admin/webhooks`), page.locator('.topbar nav a', { hasText: 'Webhooks' }).click()]);
    assert.equal(await page.locator('#no-webhooks').isVisible(), true);
    await assertNoSidewaysScroll('webhooks, empty');
    await page.fill('#webhook-form input[name=url]', receiverUrl);
    await page.fill('#webhook-form input[name=description]', 'QA <chat>');
    await page.uncheck('#webhook-form input[value="release.updated"]');
    await page.click('#webhook-form button[type=submit]');
    await page.locator('#webhook-secret').waitFor({ state: 'visible' });
    const secret = await page.inputValue('#webhook-secret-value');
    assert.match(secret, /^whsec_/);
    assert.equal(await page.locator('#no-webhooks').isVisible(), false);
    const listed = (await (await fetch(`${srv.baseUrl}/api/v1/webhooks`, { headers: srv.auth() })).json()) as { items: { id: string; events: string[]; description: string }[] };
    assert.equal(listed.items.length, 1);
    assert.deepEqual(listed.items[0]!.events, ['release.published', 'release.deleted']);
    assert.equal(listed.items[0]!.description, 'QA <chat>');
    assert.equal(srv.services.webhooks.secretFor(listed.items[0]!.id), secret);

    await page.reload();
    assert.equal(await page.locator('#webhook-secret').isVisible(), false);
    assert.equal((await page.content()).includes(secret), false, 'the secret is not shown again');
    await assertCellsLabelled('#webhooks', ['URL', 'Events', 'App', 'Created', 'Recent deliveries']);
    await Promise.all([page.waitForEvent('load'), page.locator('[data-action=ping-webhook]').click()]);
    assert.match((await page.locator('#flash').textContent()) ?? '', /Test event delivered \(HTTP 200\)/);
    assert.equal(await page.locator('[data-role=delivery][data-state=delivered]').count(), 1);
    await assertNoSidewaysScroll('webhooks, with a delivery');

    page.once('dialog', (d) => void d.accept());
    await page.locator('[data-action=delete-webhook]').click();
    await page.locator('tr[data-webhook-id]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('#no-webhooks').isVisible(), true);
    const after = (await (await fetch(`${srv.baseUrl}/api/v1/webhooks`, { headers: srv.auth() })).json()) as { items: unknown[] };
    assert.deepEqual(after.items, []);
  });

  test('an app renamed, then deleted (confirmed) with its releases and blobs', async () => {
    const id = apps.alpha!.app.id;
    await page.goto(`${srv.baseUrl}/admin/apps/${id}`);
    page.once('dialog', (d) => void d.accept('Alpha <Renamed>'));
    await Promise.all([page.waitForEvent('load'), page.locator('[data-action=rename-app]').click()]);
    assert.equal(await page.locator('#app h1').textContent(), 'Alpha <Renamed>');
    const renamed = (await (await fetch(`${srv.baseUrl}/api/v1/apps/${id}`, { headers: srv.auth() })).json()) as { name: string };
    assert.equal(renamed.name, 'Alpha <Renamed>');

    // Dismissed: nothing is deleted.
    page.once('dialog', (d) => void d.dismiss());
    await page.locator('[data-action=delete-app]').click();
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps/${id}`, { headers: srv.auth() })).status, 200);

    const releaseIds = ((await (await fetch(`${srv.baseUrl}/api/v1/apps/${id}/releases`, { headers: srv.auth() })).json()) as { items: { id: string }[] }).items.map((r) => r.id);
    assert.equal(releaseIds.length, 2);
    page.once('dialog', (d) => void d.accept());
    await Promise.all([page.waitForURL(`${srv.baseUrl}/admin`), page.locator('[data-action=delete-app]').click()]);
    assert.match((await page.locator('#flash').textContent()) ?? '', /Deleted the app “Alpha <Renamed>” and its releases/);
    assert.equal(await page.locator('.app-row', { hasText: 'Alpha' }).count(), 0);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps/${id}`, { headers: srv.auth() })).status, 404);
    for (const releaseId of releaseIds) {
      const left: string[] = [];
      for await (const key of srv.services.blobs.list(`releases/${releaseId}/`)) left.push(key);
      assert.deepEqual(left, [], `blobs of release ${releaseId}`);
    }
    assert.deepEqual(await srv.services.repos.blobIntents.prefixes(), [], 'no intent left behind');
    await assertNoSidewaysScroll('apps after deleting one');
  });

  test('signed in with a token for one app, uploading another app’s build: the refusal says what to do here', async () => {
    const created = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'Droid only', appId: apps.droid!.app.id }),
    });
    const body = (await created.json()) as { secret?: string; token?: string | { secret: string } };
    const secret = body.secret ?? (typeof body.token === 'string' ? body.token : body.token?.secret) ?? '';
    const limited = await browser.newContext(NARROW);
    try {
      const other = await limited.newPage();
      await other.goto(`${srv.baseUrl}/admin/login`);
      await other.fill('#token', secret);
      await Promise.all([other.waitForURL(`${srv.baseUrl}/admin`), other.click('button[type=submit]')]);
      assert.deepEqual(await other.locator('.app-row .app-name').allTextContents(), ['Droid']);
      await assertNoSidewaysScrollOf(other, 'apps, app-limited');
      await other.setInputFiles('#upload-file', await buildIpa({ bundleId: 'com.example.not-mine', displayName: 'Not Mine' }));
      const notice = other.locator('#upload-result .notice-error');
      await notice.waitFor({ timeout: 60_000 });
      const text = (await notice.textContent()) ?? '';
      assert.match(text, /limited to one app/);
      assert.match(text, /sign in with one that may/);
      // The API's advice is about sending a different token (a CLI or CI concern), not this page.
      assert.doesNotMatch(text, /Use a token that is allowed|Authorization|--[a-z]|OTASHIP_/);
    } finally {
      await limited.close();
    }
  });

  test('no page error or failed request on the way', () => {
    assert.deepEqual(errors, []);
  });
});
