// The web admin in a real Chromium against a real server: sign in, upload with progress, refusal
// reasons, edit notes, visibility, copy link, delete, tokens, sign out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BROWSER_SKIP, collectErrors, desktop, launchBrowser, screenshotDir } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';

interface ReleaseJson {
  id: string;
  notes: string;
  isPublic: boolean;
}

describe('web admin in a browser', { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let shots: string;
  let appPath = '';

  before(async () => {
    srv = await startTestServer();
    browser = await launchBrowser();
    shots = await screenshotDir();
    context = await browser.newContext(desktop());
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.baseUrl });
    page = await context.newPage();
    errors = collectErrors(page);
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  async function apiGet<T>(path: string, token = srv.adminToken): Promise<{ status: number; body: T }> {
    const res = await fetch(`${srv.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  }

  test('signing in: a wrong token is refused, the right one opens the apps list', async () => {
    await page.goto(`${srv.baseUrl}/admin`);
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    await page.fill('#token', 'ota_nope_nope');
    await page.click('button[type=submit]');
    assert.match((await page.locator('.notice-error').textContent()) ?? '', /not accepted/);
    await page.fill('#token', srv.adminToken);
    await Promise.all([page.waitForURL(`${srv.baseUrl}/admin`), page.click('button[type=submit]')]);
    assert.equal(await page.locator('h1').textContent(), 'Apps');
    assert.equal(await page.locator('#no-apps').isVisible(), true);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'otaship_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
  });

  test('upload: the release appears on its app page with its notes', async () => {
    const ipa = await buildIpa({ displayName: 'Admin <Test>', version: '3.0', build: '77', fillerBytes: 6_000_000 });
    await page.fill('#upload-notes', 'First **upload**');
    await Promise.all([
      page.waitForURL((u) => u.pathname.startsWith('/admin/apps/'), { timeout: 60_000 }),
      page.setInputFiles('#upload-file', ipa),
    ]);
    appPath = new URL(page.url()).pathname;
    assert.match((await page.locator('#flash').textContent()) ?? '', /Published Admin <Test> 3\.0 \(77\)/);
    assert.equal(await page.locator('.release').count(), 1);
    assert.match((await page.locator('.release-version').textContent()) ?? '', /3\.0 \(77\)/);
    assert.equal(await page.locator('.release .markdown strong').textContent(), 'upload');
    await page.screenshot({ path: join(shots, 'admin-app.png'), fullPage: true });
  });

  test('drag-and-drop upload reports progress while the body is sent', async () => {
    const ipa = await buildIpa({ displayName: 'Admin <Test>', version: '3.1', build: '78', fillerBytes: 8_000_000 });
    const b64 = (await readFile(ipa)).toString('base64');
    // Record progress in sessionStorage: the page reloads when the upload completes.
    await page.evaluate(() => {
      sessionStorage.setItem('progress', '[]');
      document.addEventListener('otaship:upload-progress', (e) => {
        const list = JSON.parse(sessionStorage.getItem('progress') ?? '[]') as unknown[];
        list.push((e as CustomEvent).detail);
        sessionStorage.setItem('progress', JSON.stringify(list));
      });
    });
    // Drop a real File on the drop zone, as a user dragging it from the desktop would.
    const dropped = page.evaluate(
      ({ data, name }) => {
        const bin = atob(data);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
        const zone = document.getElementById('dropzone')!;
        zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        const highlighted = zone.classList.contains('dragover');
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        return highlighted;
      },
      { data: b64, name: 'Admin Test.ipa' },
    );
    const [, highlighted] = await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), dropped]);
    assert.equal(highlighted, true, 'the drop zone highlights while dragging');
    const events = JSON.parse((await page.evaluate(() => sessionStorage.getItem('progress'))) ?? '[]') as {
      loaded: number;
      total: number;
    }[];
    assert.ok(events.length >= 1, 'at least one progress event');
    const last = events[events.length - 1]!;
    assert.ok(last.total > 8_000_000, `total ${last.total}`);
    assert.equal(last.loaded, last.total);
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.loaded >= events[i - 1]!.loaded);
    assert.equal(await page.locator('.release').count(), 2);
    assert.match((await page.locator('#flash').textContent()) ?? '', /3\.1 \(78\)/);
  });

  test('a refused upload shows the reasons', async () => {
    const ipa = await buildIpa({ displayName: 'Store Build', bundleId: 'com.example.store', profile: { type: 'app-store', bundleId: 'com.example.store' } });
    await page.setInputFiles('#upload-file', ipa);
    const result = page.locator('#upload-result .notice-error');
    await result.waitFor({ timeout: 60_000 });
    const text = (await result.textContent()) ?? '';
    assert.match(text, /NOT_INSTALLABLE/);
    assert.match(text, /App Store/);
    assert.ok((await page.locator('#upload-result .reasons li').count()) >= 1);
    assert.equal(await page.locator('.release').count(), 2, 'nothing was added');
  });

  test('edit notes', async () => {
    const release = page.locator('.release').first();
    await release.locator('[data-action=edit-notes]').click();
    await release.locator('textarea').fill('Edited <b>notes</b> with *emphasis*');
    await Promise.all([page.waitForEvent('load'), release.getByRole('button', { name: 'Save notes' }).click()]);
    const first = page.locator('.release').first();
    assert.equal(await first.locator('.markdown em').textContent(), 'emphasis');
    assert.match((await first.locator('.markdown').textContent()) ?? '', /Edited <b>notes<\/b>/);
    const id = (await first.getAttribute('data-release-id'))!;
    const { body } = await apiGet<ReleaseJson & { release?: ReleaseJson }>(`/api/v1/releases/${id}`);
    assert.equal((body.release ?? body).notes, 'Edited <b>notes</b> with *emphasis*');
  });

  test('public toggle and copying the install link', async () => {
    const first = page.locator('.release').first();
    const id = (await first.getAttribute('data-release-id'))!;
    const toggle = first.locator('[data-action=toggle-release-public]');
    await toggle.check();
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'Public',
      `#release-${id} [data-role=visibility]`,
    );
    const { body } = await apiGet<ReleaseJson & { release?: ReleaseJson }>(`/api/v1/releases/${id}`);
    assert.equal((body.release ?? body).isPublic, true);

    // The app-wide switch: its pages then need no token.
    const appId = (await page.getAttribute('#app', 'data-app-id'))!;
    await page.locator('#app-public').check();
    await page.locator('#flash', { hasText: 'The app is public' }).waitFor();
    const app = await apiGet<{ isPublic: boolean; app?: { isPublic: boolean } }>(`/api/v1/apps/${appId}`);
    assert.equal((app.body.app ?? app.body).isPublic, true);
    assert.equal((await fetch(`${srv.baseUrl}/apps/${appId}`)).status, 200);

    const link = await first.locator('[data-role=install-link]').inputValue();
    assert.match(link, /^itms-services:\/\/\?action=download-manifest&url=/);
    await first.locator('[data-action=copy]').first().click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, link);
  });

  test('delete a release (confirmed)', async () => {
    const first = page.locator('.release').first();
    const id = (await first.getAttribute('data-release-id'))!;
    page.once('dialog', (d) => void d.accept());
    await first.locator('[data-action=delete-release]').click();
    await page.locator(`#release-${id}`).waitFor({ state: 'detached' });
    assert.equal(await page.locator('.release').count(), 1);
    const { status } = await apiGet(`/api/v1/releases/${id}`);
    assert.equal(status, 404);
  });

  test('dismissing the confirmation deletes nothing', async () => {
    page.once('dialog', (d) => void d.dismiss());
    await page.locator('.release [data-action=delete-release]').first().click();
    assert.equal(await page.locator('.release').count(), 1);
  });

  test('apps list shows the app with its latest version', async () => {
    await page.goto(`${srv.baseUrl}/admin`);
    const row = page.locator('.app-row');
    assert.equal(await row.count(), 1);
    assert.equal(await row.locator('.app-name').textContent(), 'Admin <Test>');
    assert.match((await row.textContent()) ?? '', /3\.0 \(77\)/);
    assert.equal(await row.locator('.app-link').getAttribute('href'), appPath);
    await page.screenshot({ path: join(shots, 'admin-apps.png'), fullPage: true });
  });

  test('create a token (shown once, works), then revoke it', async () => {
    await page.goto(`${srv.baseUrl}/admin/tokens`);
    await page.fill('#token-form input[name=name]', 'CI <main>');
    await page.click('#token-form button[type=submit]');
    await page.locator('#token-secret').waitFor({ state: 'visible' });
    const secret = await page.locator('#token-secret-value').inputValue();
    assert.match(secret, /^ota_/);
    assert.equal((await apiGet('/api/v1/apps', secret)).status, 200);
    const row = page.locator('tr[data-token-id]', { hasText: 'CI <main>' });
    assert.equal(await row.count(), 1);

    page.once('dialog', (d) => void d.accept());
    await Promise.all([page.waitForEvent('load'), row.locator('[data-action=revoke-token]').click()]);
    assert.match((await page.locator('tr[data-token-id]', { hasText: 'CI <main>' }).textContent()) ?? '', /revoked/);
    assert.equal((await apiGet('/api/v1/apps', secret)).status, 401);
    // The secret is not shown again after a reload.
    assert.equal(await page.locator('#token-secret').isVisible(), false);
    assert.equal((await page.content()).includes(secret), false);
  });

  test('sign out', async () => {
    await Promise.all([page.waitForURL(`${srv.baseUrl}/admin/login`), page.click('#signout')]);
    await page.goto(`${srv.baseUrl}/admin`);
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    // The only failed requests were the refused upload (422) and the wrong sign-in (401).
    assert.deepEqual(
      errors.filter((e) => !/HTTP (401|422)|status of (401|422)/.test(e)),
      [],
    );
  });
});
