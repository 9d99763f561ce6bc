// Page and admin routes over real HTTP (no browser): access, error pages, headers, sign-in rules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { parseHtml } from '../web/dom.js';

interface Published {
  installPageUrl: string;
  release: { id: string; appId: string; links: { latestPageUrl: string } };
  app: { id: string };
}

describe('page routes', () => {
  let srv: TestServer;
  let pub: Published;

  before(async () => {
    srv = await startTestServer();
    const ipa = await buildIpa({ displayName: 'Pages <Test>' });
    const res = await fetch(`${srv.baseUrl}/api/v1/releases?notes=${encodeURIComponent('hello *world*')}`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: await readFile(ipa),
    });
    assert.equal(res.status, 201);
    pub = (await res.json()) as Published;
  });
  after(async () => {
    srv.clock.reset();
    await srv?.stop();
  });

  test('install page: 200 HTML, no-store, CSP, noindex; the page view is counted', async () => {
    const res = await fetch(pub.installPageUrl);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(res.headers.get('x-robots-tag'), 'noindex, nofollow');
    const dom = parseHtml(await res.text());
    assert.equal(dom.text(dom.byTag('h1')[0]!), 'Pages <Test>');
    // http test server: the iOS https warning is on the page.
    assert.equal(dom.byClass('insecure').length, 1);
    const counts = await srv.services.counters.get(pub.release.id);
    assert.ok(counts.pageViews >= 1);
  });

  test('private page without a token, with a forged token, with an expired token: HTML error pages', async () => {
    const bare = `${srv.baseUrl}/i/${pub.release.id}`;
    const none = await fetch(bare);
    assert.equal(none.status, 403);
    assert.match(none.headers.get('content-type') ?? '', /text\/html/);
    const forged = await fetch(`${bare}?t=${'A'.repeat(40)}.${'B'.repeat(43)}`);
    assert.equal(forged.status, 403);
    const forgedDom = parseHtml(await forged.text());
    assert.ok(forgedDom.text(forgedDom.byClass('error-code')[0]!).includes('TOKEN_INVALID'));
    srv.clock.advance((srv.config.linkTtlSeconds + 60) * 1000);
    try {
      const expired = await fetch(pub.installPageUrl);
      assert.equal(expired.status, 403);
      const dom = parseHtml(await expired.text());
      assert.ok(dom.text(dom.byClass('error-code')[0]!).includes('TOKEN_EXPIRED'));
    } finally {
      srv.clock.reset();
    }
  });

  test('a release token does not open the app’s latest page; the app token does', async () => {
    const releaseToken = new URL(pub.installPageUrl).searchParams.get('t');
    const wrong = await fetch(`${srv.baseUrl}/apps/${pub.app.id}?t=${releaseToken}`);
    assert.equal(wrong.status, 403);
    const right = await fetch(pub.release.links.latestPageUrl);
    assert.equal(right.status, 200);
  });

  test('unknown release: 404 page; /ca is 404 without self-signed TLS', async () => {
    const missing = await fetch(`${srv.baseUrl}/i/doesnotexist`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /text\/html/);
    assert.equal((await fetch(`${srv.baseUrl}/ca`)).status, 404);
  });

  test('assets: scripts and styles are served; other files under public/ are not', async () => {
    const js = await fetch(`${srv.baseUrl}/assets/install.js?v=1`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.ok(js.headers.get('etag'));
    assert.equal((await fetch(`${srv.baseUrl}/assets/admin.css`)).status, 200);
    assert.equal((await fetch(`${srv.baseUrl}/assets/detect.d.ts`)).status, 404);
    assert.equal((await fetch(`${srv.baseUrl}/assets/../package.json`)).status, 404);
    assert.equal((await fetch(`${srv.baseUrl}/assets/%2e%2e/package.json`)).status, 404);
  });
});

describe('admin routes', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => srv?.stop());

  async function signIn(token: string, next = '/admin'): Promise<Response> {
    return fetch(`${srv.baseUrl}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, next }).toString(),
    });
  }
  const cookieOf = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0]!;

  test('admin pages redirect to sign-in without a session, keeping where to go next', async () => {
    const res = await fetch(`${srv.baseUrl}/admin/tokens`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/admin/login?next=%2Fadmin%2Ftokens');
  });

  test('sign-in sets an HttpOnly SameSite=Lax cookie and redirects only within /admin', async () => {
    const ok = await signIn(srv.adminToken, '/admin/tokens');
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), '/admin/tokens');
    const setCookie = ok.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^otaship_session=/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    for (const evil of ['//evil.example/', 'https://evil.example/', '/admin/../x', '/\\evil.example', '/admin@evil']) {
      const res = await signIn(srv.adminToken, evil);
      assert.equal(res.headers.get('location'), '/admin', evil);
    }
  });

  test('a wrong token: 401 with the form again, no cookie', async () => {
    const res = await signIn('ota_x_y');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('set-cookie'), null);
    const dom = parseHtml(await res.text());
    assert.equal(dom.byTag('form').length, 1);
  });

  test('an app-limited token sees only its app and cannot open the tokens page', async () => {
    const a = await buildIpa({ displayName: 'Alpha', bundleId: 'com.example.alpha' });
    const b = await buildIpa({ displayName: 'Beta', bundleId: 'com.example.beta' });
    const ids: string[] = [];
    for (const file of [a, b]) {
      const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
        method: 'POST',
        headers: srv.auth({ 'content-type': 'application/octet-stream' }),
        body: await readFile(file),
      });
      ids.push(((await res.json()) as Published).app.id);
    }
    const created = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'alpha only', appId: ids[0] }),
    });
    const token = ((await created.json()) as { token: string }).token;
    const cookie = cookieOf(await signIn(token));
    const list = await fetch(`${srv.baseUrl}/admin`, { headers: { cookie } });
    const dom = parseHtml(await list.text());
    assert.deepEqual(dom.byClass('app-name').map((n) => dom.text(n)), ['Alpha']);
    assert.equal(dom.all((e) => e.attribs['href'] === '/admin/tokens').length, 0);
    const tokens = await fetch(`${srv.baseUrl}/admin/tokens`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(tokens.status, 403);
    const other = await fetch(`${srv.baseUrl}/admin/apps/${ids[1]}`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(other.status, 404, 'another app looks like an unknown one');
    assert.doesNotMatch(await other.text(), /com\.example\.beta/);
    // And the cookie alone cannot change anything without the same-site header.
    const patch = await fetch(`${srv.baseUrl}/api/v1/apps/${ids[0]}`, {
      method: 'PATCH',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ isPublic: true }),
    });
    assert.equal(patch.status, 403);
  });

  test('sign-out clears the cookie', async () => {
    const cookie = cookieOf(await signIn(srv.adminToken));
    const res = await fetch(`${srv.baseUrl}/admin/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('set-cookie') ?? '', /otaship_session=;/);
  });
});
