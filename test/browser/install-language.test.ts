// The install page's languages and in-app browser help in a real Chromium: the switcher changes the
// language (and the choice sticks), dates show in the browser's time zone, and "Copy link" copies the
// page's address in an in-app browser.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request, type APIRequestContext, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { BROWSER_SKIP, collectErrors, iphone, launchBrowser, screenshotDir } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { TIME_FORMATS } from '../../src/web/i18n/format.js';

const INSTAGRAM_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 320.0.0.34.109 (iPhone15,2; iOS 17_4; en_US; en; scale=3.00; 1179x2556; 567067343)';
/** A zone 5 h 45 min from UTC: the minutes differ from the server's UTC text whatever the date. */
const ZONE = 'Asia/Kathmandu';

describe('install page languages in a browser', { skip: BROWSER_SKIP }, () => {
  let srv: TestServer;
  let browser: Browser;
  let api: APIRequestContext;
  let pageUrl: string;
  let releaseId: string;
  let shots: string;

  before(async () => {
    srv = await startTestServer({ tls: true });
    api = await request.newContext({ ignoreHTTPSErrors: true });
    browser = await launchBrowser();
    shots = await screenshotDir();
    const ipa = await buildIpa({ displayName: 'Polyglot', version: '3.1', build: '7' });
    const res = await api.post(`${srv.baseUrl}/api/v1/releases`, {
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      data: await readFile(ipa),
    });
    assert.equal(res.status(), 201, await res.text());
    const published = (await res.json()) as { installPageUrl: string; release: { id: string } };
    pageUrl = published.installPageUrl;
    releaseId = published.release.id;
    console.log(`# screenshots in ${shots}`);
  });

  after(async () => {
    await browser?.close();
    await api?.dispose();
    await srv?.stop();
  });

  async function open(options: BrowserContextOptions, url: string, setup?: (page: Page) => Promise<void>) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, ...options });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setup?.(page);
    const response = await page.goto(url);
    assert.equal(response?.status(), 200);
    return { context, page, errors, close: () => context.close() };
  }

  /** The published time as the page shows it, once the page script has localised it. */
  async function publishedTime(page: Page): Promise<{ text: string; iso: string; expected: string }> {
    const time = page.locator('.facts time[data-format="datetime"]');
    await page.waitForSelector('.facts time[data-localized="true"]', { state: 'attached' });
    const iso = (await time.getAttribute('datetime'))!;
    const text = (await time.textContent())!;
    // What the tester's zone makes of that instant, by this browser's own Intl data.
    const expected = await page.evaluate(
      ([i, zone, options]) => new Intl.DateTimeFormat(document.documentElement.lang, { ...options, timeZone: zone }).format(new Date(i)),
      [iso, ZONE, TIME_FORMATS.datetime] as const,
    );
    return { text, iso, expected };
  }

  test('German from the browser’s language, switched to Japanese by the switcher; the choice sticks; times in the tester’s zone', async () => {
    const { page, errors, close } = await open(iphone({ locale: 'de-DE', timezoneId: ZONE }), pageUrl);
    try {
      assert.equal(await page.getAttribute('html', 'lang'), 'de');
      assert.equal(await page.locator('#install').textContent(), 'Installieren');
      const de = await publishedTime(page);
      assert.equal(de.text, de.expected);
      assert.ok(!de.text.includes('UTC'), de.text);
      await page.screenshot({ path: join(shots, 'iphone-de.png'), fullPage: true });

      await page.locator('.lang-switcher summary').click();
      const japanese = page.locator('.lang-switcher a[hreflang="ja"]');
      assert.equal(await japanese.isVisible(), true);
      await Promise.all([page.waitForURL((u) => u.searchParams.get('lang') === 'ja'), japanese.click()]);
      assert.equal(await page.getAttribute('html', 'lang'), 'ja');
      assert.equal(await page.locator('#install').textContent(), 'インストール');
      assert.equal(await page.locator('.details h2').textContent(), '詳細');
      const ja = await publishedTime(page);
      assert.equal(ja.text, ja.expected);
      assert.equal(ja.iso, de.iso);
      await page.screenshot({ path: join(shots, 'iphone-ja.png'), fullPage: true });

      // The same page without ?lang=: the cookie keeps Japanese although the browser asks for German.
      await page.goto(pageUrl);
      assert.equal(await page.getAttribute('html', 'lang'), 'ja');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('in an in-app browser, "Copy link" copies this page’s address for Safari', async () => {
    const { context, page, errors, close } = await open(iphone({ userAgent: INSTAGRAM_IPHONE, locale: 'fr-FR' }), pageUrl);
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(srv.baseUrl).origin });
      await page.waitForSelector('html[data-device]', { state: 'attached' });
      const notice = page.locator('.hint-inapp');
      assert.equal(await notice.isVisible(), true);
      assert.match((await notice.textContent()) ?? '', /Safari/);
      const button = notice.locator('button.copy-link');
      assert.equal(await button.textContent(), 'Copier le lien');
      await button.click();
      await page.waitForFunction(() => document.querySelector('.hint-inapp button.copy-link')?.textContent === 'Copié');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, await notice.locator('input').inputValue());
      const url = new URL(copied);
      assert.equal(url.pathname, `/i/${releaseId}`);
      assert.ok(url.searchParams.get('t'), 'the link keeps its access token');
      await page.screenshot({ path: join(shots, 'iphone-instagram-fr.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('without the Clipboard API the link is selected in its field and copied by the browser', async () => {
    const { context, page, close } = await open(iphone({ userAgent: INSTAGRAM_IPHONE }), pageUrl, async (p) => {
      await p.addInitScript({ content: "Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });" });
    });
    try {
      // Something else on the clipboard first, so only this copy can put the link there.
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(srv.baseUrl).origin });
      const helper = await context.newPage();
      await helper.goto(`${srv.baseUrl}/ca`);
      await helper.evaluate(() => navigator.clipboard.writeText('something else'));
      assert.equal(await helper.evaluate(() => navigator.clipboard.readText()), 'something else');
      await page.bringToFront();
      await page.waitForSelector('html[data-device]', { state: 'attached' });
      const field = page.locator('#page-link');
      const value = await field.inputValue();
      await page.locator('.hint-inapp button.copy-link').click();
      await page.waitForFunction(() => document.querySelector('.hint-inapp button.copy-link')?.textContent !== 'Copy link');
      const selection = await field.evaluate((el) => {
        const input = el as HTMLInputElement;
        return { focused: document.activeElement === input, start: input.selectionStart, end: input.selectionEnd };
      });
      assert.deepEqual(selection, { focused: true, start: 0, end: value.length });
      // The browser's copy command put it on the clipboard: read it from the page that has the API.
      await helper.bringToFront();
      assert.equal(await helper.evaluate(() => navigator.clipboard.readText()), value);
    } finally {
      await close();
    }
  });

  test('without script the page link is still there to select, and dates read UTC', async () => {
    const { page, close } = await open(iphone({ javaScriptEnabled: false, timezoneId: ZONE }), pageUrl);
    try {
      const field = page.locator('.hint-safari .page-link-field');
      assert.equal(await field.isVisible(), true);
      assert.equal(new URL(await field.inputValue()).pathname, `/i/${releaseId}`);
      assert.match((await page.locator('.facts time[data-format="datetime"]').textContent()) ?? '', /UTC/);
      // The switcher is plain links in <details>: it opens without script.
      await page.locator('.lang-switcher summary').click();
      assert.equal(await page.locator('.lang-switcher a[hreflang="ko"]').isVisible(), true);
    } finally {
      await close();
    }
  });
});
