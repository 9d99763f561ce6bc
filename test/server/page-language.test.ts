// The tester pages' language over real HTTP: Accept-Language, ?lang= and its cookie, the headers that
// go with it, the switcher's links (token kept, everything escaped), and error pages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { parseHtml, type Dom } from '../web/dom.js';

interface Published {
  installPageUrl: string;
  release: { id: string };
}

interface Page {
  res: Response;
  dom: Dom;
  markup: string;
}

describe('page language', () => {
  let srv: TestServer;
  let pub: Published;

  async function get(url: string, headers: Record<string, string> = {}): Promise<Page> {
    const res = await fetch(url, { headers, redirect: 'manual' });
    const markup = await res.text();
    return { res, dom: parseHtml(markup), markup };
  }

  const lang = (p: Page): string | undefined => p.dom.attr(p.dom.byTag('html')[0]!, 'lang');
  const button = (p: Page): string => p.dom.text(p.dom.byId('install')!);

  before(async () => {
    srv = await startTestServer({ settings: { udidRegistration: 'open' } });
    const ipa = await buildIpa({ displayName: 'Sprachen <App>' });
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: await readFile(ipa),
    });
    assert.equal(res.status, 201);
    pub = (await res.json()) as Published;
  });
  after(async () => {
    await srv?.stop();
  });

  test('no preference, or none offered: English, and the response says so', async () => {
    const variants: Record<string, string>[] = [{}, { 'accept-language': 'it-IT, nl;q=0.5' }, { 'accept-language': 'zh-TW' }];
    for (const headers of variants) {
      const page = await get(pub.installPageUrl, headers);
      assert.equal(page.res.status, 200);
      assert.equal(page.res.headers.get('content-language'), 'en');
      assert.equal(lang(page), 'en');
      assert.equal(button(page), 'Install');
    }
  });

  test('Accept-Language chooses the language (q-values, regional fallbacks); Vary names what it depends on', async () => {
    const cases: [string, string, string][] = [
      ['de-DE,de;q=0.9,en;q=0.8', 'de', 'Installieren'],
      ['en;q=0.3, ja', 'ja', 'インストール'],
      ['pt-PT', 'pt-BR', 'Instalar'],
      ['zh-CN,zh;q=0.9', 'zh-Hans', '安装'],
      ['zh-TW, ko;q=0.8', 'ko', '설치'],
      ['fr-CA', 'fr', 'Installer'],
      ['es-419', 'es', 'Instalar'],
    ];
    for (const [header, locale, word] of cases) {
      const page = await get(pub.installPageUrl, { 'accept-language': header });
      assert.equal(page.res.headers.get('content-language'), locale, header);
      assert.equal(lang(page), locale);
      assert.equal(button(page), word);
      const vary = (page.res.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());
      assert.ok(vary.includes('accept-language') && vary.includes('cookie'), vary.join());
      assert.equal(page.res.headers.get('set-cookie'), null, 'a header never sets the cookie');
    }
  });

  test('?lang= overrides the header and is remembered in a cookie; the cookie then beats the header', async () => {
    const url = new URL(pub.installPageUrl);
    url.searchParams.set('lang', 'ja');
    const chosen = await get(url.href, { 'accept-language': 'de' });
    assert.equal(chosen.res.status, 200);
    assert.equal(chosen.res.headers.get('content-language'), 'ja');
    const cookie = chosen.res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^otaship_lang=ja;/);
    assert.match(cookie, /Path=\//);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    const later = await get(pub.installPageUrl, { 'accept-language': 'de', cookie: 'otaship_lang=ja' });
    assert.equal(later.res.headers.get('content-language'), 'ja');
    assert.equal(button(later), 'インストール');
    assert.equal(later.res.headers.get('set-cookie'), null);
  });

  test('an unknown ?lang= or a forged cookie is ignored, never reflected', async () => {
    const url = new URL(pub.installPageUrl);
    url.searchParams.set('lang', '"><script>alert(1)</script>');
    const page = await get(url.href, { 'accept-language': 'fr', cookie: 'otaship_lang=<b>x</b>' });
    assert.equal(page.res.status, 200);
    assert.equal(page.res.headers.get('content-language'), 'fr');
    assert.equal(page.res.headers.get('set-cookie'), null);
    assert.ok(!page.markup.includes('<script>alert(1)'));
    assert.ok(!page.markup.includes('<b>x</b>'));
  });

  test('the switcher links every language on the same page, keeping the token, escaped', async () => {
    const url = new URL(pub.installPageUrl);
    url.searchParams.set('x', '"><script>alert(1)</script>');
    const page = await get(url.href, { 'accept-language': 'ko' });
    assert.equal(page.res.status, 200);
    assert.ok(!page.markup.includes('<script>alert(1)'));
    const links = page.dom.all((el) => el.name === 'a' && el.attribs.hreflang !== undefined);
    assert.deepEqual(
      links.map((a) => page.dom.attr(a, 'hreflang')),
      ['en', 'de', 'fr', 'es', 'ja', 'ko', 'zh-Hans', 'pt-BR'],
    );
    for (const a of links) {
      const href = page.dom.attr(a, 'href')!;
      assert.ok(href.startsWith('?'), `relative to this page: ${href}`);
      const target = new URL(href, url);
      assert.equal(target.pathname, url.pathname);
      assert.equal(target.searchParams.get('t'), url.searchParams.get('t'));
      assert.equal(target.searchParams.get('x'), '"><script>alert(1)</script>');
      assert.equal(target.searchParams.get('lang'), page.dom.attr(a, 'hreflang'));
    }
    // Following a link shows that language.
    const german = await get(new URL(page.dom.attr(links[1]!, 'href')!, url).href, { 'accept-language': 'ko' });
    assert.equal(button(german), 'Installieren');
  });

  test('a path that looks like another host cannot make the switcher link elsewhere', async () => {
    const page = await get(`${srv.baseUrl}//evil.example/x?lang=de`, { accept: 'text/html' });
    assert.equal(page.res.status, 404);
    const links = page.dom.all((el) => el.name === 'a' && el.attribs.hreflang !== undefined);
    assert.equal(links.length, 8);
    for (const a of links) {
      assert.ok(page.dom.attr(a, 'href')!.startsWith('?'));
    }
  });

  test('error pages speak the visitor’s language too', async () => {
    const bare = `${srv.baseUrl}/i/${pub.release.id}`;
    const page = await get(bare, { 'accept-language': 'fr-FR' });
    assert.equal(page.res.status, 403);
    assert.equal(page.res.headers.get('content-language'), 'fr');
    assert.match(page.res.headers.get('vary') ?? '', /Accept-Language/);
    assert.equal(lang(page), 'fr');
    assert.equal(page.dom.text(page.dom.byTag('h1')[0]!), 'Lien non valide');
    assert.match(page.dom.text(page.dom.byClass('error-code')[0]!), /^Erreur 403 · TOKEN_MISSING$/);
    // The server's own explanation stays, marked as English.
    assert.equal(page.dom.attr(page.dom.byClass('error-message')[0]!, 'lang'), 'en');
    // The admin is English, its error pages too.
    const admin = await get(`${srv.baseUrl}/admin/nothing-here`, { 'accept-language': 'fr', cookie: 'otaship_lang=fr' });
    assert.equal(lang(admin), 'en');
    assert.equal(admin.res.headers.get('content-language'), null);
    // The API keeps its JSON envelope, untouched by languages.
    const api = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { 'accept-language': 'fr' } });
    assert.equal(api.headers.get('content-language'), null);
  });

  test('device registration pages follow the same rules', async () => {
    const page = await get(`${srv.baseUrl}/udid?lang=es`);
    assert.equal(page.res.status, 200);
    assert.equal(page.res.headers.get('content-language'), 'es');
    assert.match(page.res.headers.get('set-cookie') ?? '', /^otaship_lang=es;/);
    assert.equal(page.dom.text(page.dom.byTag('h1')[0]!), 'Registrar este iPhone o iPad');
  });
});
