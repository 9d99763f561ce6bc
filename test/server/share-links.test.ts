// Share links as records, over real sockets, on SQLite and PostgreSQL, with two instances sharing
// one database: made, listed and revoked through the API; every use (page, manifest, package,
// icons) checks the record, so a revoked, expired or used-up link stops at once on every instance,
// including asset links already handed out; the passcode gates the page (right, wrong, throttled);
// installs count once per install (retries and Range requests of one download count once).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import type { ErrorJson } from './support/http.js';

const dir = mkdtempSync(join(tmpdir(), 'otaship-share-links-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let pg: Promise<PostgresServer> | null = null;
after(async () => {
  if (pg) await (await pg).stop();
});

const backends: Array<{ name: string; url: () => Promise<string>; skip: string | false }> = [
  { name: 'SQLite', url: async () => `sqlite:${join(dir, `share-${randomBytes(4).toString('hex')}.db`)}`, skip: false },
  { name: 'PostgreSQL', url: async () => (await (pg ??= startPostgres())).createDatabase(), skip: postgresSkipReason() },
];

interface LinkJson {
  id: string;
  name: string;
  state: string;
  views: number;
  installs: number;
  installLimit: number | null;
  hasPasscode: boolean;
  revokedAt: string | null;
}

interface Answer {
  status: number;
  text: string;
  code: string | null;
}

/** Every share-asset token in a page or manifest (plain `t=` or percent-encoded in itms-services). */
function assetTokens(text: string): string[] {
  const tokens = [...text.matchAll(/t(?:=|%3D)([A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{40,})/g)].map((m) => m[1]!);
  return [...new Set(tokens.filter((t) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString('utf8')).scope === 'share-asset'))];
}

const DAY = 86_400_000;

for (const backend of backends) {
  describe(`share links: ${backend.name}`, { skip: backend.skip }, () => {
    let a: TestServer;
    let b: TestServer;
    let appId: string;
    let releaseId: string;
    let oldReleaseLink: string;

    /** Links carry the (https) public URL; requests go to the instance's socket. */
    const on = (srv: TestServer, url: string): string => {
      const u = new URL(url);
      return `${srv.baseUrl}${u.pathname}${u.search}`;
    };
    const call = async (srv: TestServer, url: string, init: RequestInit = {}): Promise<Answer> => {
      const res = await fetch(on(srv, url), init);
      const text = await res.text();
      const json = res.status >= 400 && (res.headers.get('content-type') ?? '').includes('json');
      return { status: res.status, text, code: json ? ((JSON.parse(text) as ErrorJson).error?.code ?? null) : null };
    };
    const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
      const res = await fetch(`${a.baseUrl}/api/v1/apps/${appId}/share-links${path}`, {
        method,
        headers: a.auth(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: await res.json() };
    };
    const make = async (body: Record<string, unknown>): Promise<{ link: LinkJson; url: string }> => {
      const res = await api('POST', '', body);
      assert.equal(res.status, 201, JSON.stringify(res.json));
      return res.json as { link: LinkJson; url: string };
    };
    const linkNow = async (id: string): Promise<LinkJson> => {
      const res = await api('GET', '');
      return (res.json as { items: LinkJson[] }).items.find((l) => l.id === id)!;
    };
    const revoke = async (id: string): Promise<LinkJson> => {
      const res = await api('DELETE', `/${id}`);
      assert.equal(res.status, 200, JSON.stringify(res.json));
      return res.json as LinkJson;
    };
    /** The page's asset token (one per page view). */
    const openPage = async (srv: TestServer, url: string): Promise<string> => {
      const page = await call(srv, url);
      assert.equal(page.status, 200, page.text);
      const tokens = assetTokens(page.text);
      assert.equal(tokens.length, 1, 'one asset token per page view');
      return tokens[0]!;
    };
    const manifest = (srv: TestServer, token: string) => call(srv, `${a.publicUrl}/i/${releaseId}/manifest.plist?t=${token}`);
    const pkg = (srv: TestServer, token: string, init: RequestInit = {}) => call(srv, `${a.publicUrl}/i/${releaseId}/package.ipa?t=${token}`, init);
    const icon = (srv: TestServer, token: string) => call(srv, `${a.publicUrl}/i/${releaseId}/icon.png?t=${token}`);

    test('start two instances on one database and publish a private build', async () => {
      const databaseUrl = await backend.url();
      const secret = randomBytes(32).toString('hex');
      // One database and one blob folder: two instances of one deployment.
      const dataDir = mkdtempSync(join(dir, 'data-'));
      const settings = { databaseUrl, dataDir, secret, publicUrl: 'https://ota.example.test', authFailureLimit: 3 };
      a = await startTestServer({ settings });
      b = await startTestServer({ settings });
      const res = await fetch(`${a.baseUrl}/api/v1/releases`, {
        method: 'POST',
        headers: a.auth({ 'content-type': 'application/octet-stream' }),
        body: await readFile(await buildIpa({ bundleId: 'com.example.share', build: '7', profile: { bundleId: 'com.example.share' }, icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] })),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const published = (await res.json()) as { installPageUrl: string; release: { id: string; appId: string } };
      appId = published.release.appId;
      releaseId = published.release.id;
      oldReleaseLink = published.installPageUrl;
    });

    test('a link to the latest build: page, manifest, package and icon work; installs count once per install', async () => {
      const { link, url } = await make({ name: 'QA team' });
      assert.equal(link.state, 'active');
      assert.equal(new URL(url).pathname, `/s/${link.id}`);
      const token = await openPage(b, url);
      const plist = await manifest(b, token);
      assert.equal(plist.status, 200, plist.text);
      // The manifest passes the page's install on unchanged: its retries count as that install.
      assert.deepEqual(assetTokens(plist.text), [token]);
      assert.equal((await icon(a, token)).status, 200);
      assert.equal((await pkg(a, token, { method: 'HEAD' })).status, 200);
      assert.equal((await linkNow(link.id)).installs, 0, 'a HEAD is no install');
      assert.equal((await pkg(a, token)).status, 200);
      // The installer retries, then resumes with a Range request: the same install.
      assert.equal((await pkg(b, token)).status, 200);
      assert.equal((await pkg(a, token, { headers: { range: 'bytes=10-' } })).status, 206);
      const now = await linkNow(link.id);
      assert.equal(now.installs, 1);
      assert.equal(now.views, 1);
      // A second page view is a second install.
      assert.equal((await pkg(a, await openPage(a, url))).status, 200);
      const later = await linkNow(link.id);
      assert.deepEqual([later.views, later.installs], [2, 2]);
    });

    test('revoking a link stops its page, and the manifest, package and icons already handed out, on every instance', async () => {
      const { link, url } = await make({ name: 'Conference', releaseId });
      const token = await openPage(a, url);
      assert.equal((await pkg(b, token)).status, 200);
      const revoked = await revoke(link.id);
      assert.equal(revoked.state, 'revoked');
      assert.equal(revoked.installs, 1, 'counts are kept');
      const page = await call(b, url);
      assert.equal(page.status, 403);
      assert.match(page.text, /revoked/);
      for (const answer of [await manifest(b, token), await pkg(b, token), await icon(b, token), await pkg(a, token)]) {
        assert.equal(answer.status, 403, answer.text);
        assert.equal(answer.code, 'TOKEN_INVALID');
      }
      // Only this link: another link of the same app keeps working.
      const other = await make({ name: 'Other' });
      assert.equal((await pkg(b, await openPage(b, other.url))).status, 200);
    });

    test('an expired link is refused on page, manifest and package', async () => {
      const { url } = await make({ name: 'One day', expiresInDays: 1 });
      const token = await openPage(a, url);
      a.clock.advance(DAY + 60_000);
      b.clock.advance(DAY + 60_000);
      try {
        const page = await call(b, url);
        assert.equal(page.status, 403);
        assert.match(page.text, /expired/);
        for (const answer of [await manifest(b, token), await pkg(b, token), await icon(a, token)]) {
          assert.equal(answer.status, 403, answer.text);
          assert.equal(answer.code, 'TOKEN_EXPIRED');
        }
      } finally {
        a.clock.reset();
        b.clock.reset();
      }
    });

    test('the install limit: a new install past it is refused; the counted install may still retry', async () => {
      const { link, url } = await make({ name: 'Two testers', installLimit: 2 });
      const first = await openPage(a, url);
      const second = await openPage(b, url);
      const third = await openPage(a, url);
      assert.equal((await pkg(a, first)).status, 200);
      assert.equal((await pkg(b, second)).status, 200);
      assert.equal((await linkNow(link.id)).state, 'used-up');
      // A third install (minted before the limit was reached) is refused on manifest and package.
      for (const answer of [await manifest(b, third), await pkg(b, third)]) {
        assert.equal(answer.status, 403, answer.text);
        assert.match(answer.text, /all its 2 installs/);
      }
      // The page is refused too, while the counted installs still finish (retry, resume, manifest).
      assert.equal((await call(b, url)).status, 403);
      assert.equal((await pkg(b, first, { headers: { range: 'bytes=5-' } })).status, 206);
      assert.equal((await manifest(a, second)).status, 200);
      assert.equal((await linkNow(link.id)).installs, 2);
    });

    test('the last install is given once when installs race on both instances', async () => {
      const { link, url } = await make({ name: 'One install', installLimit: 1 });
      const tokens = [await openPage(a, url), await openPage(b, url), await openPage(a, url), await openPage(b, url)];
      const answers = await Promise.all(tokens.map((t, i) => pkg(i % 2 === 0 ? a : b, t)));
      assert.deepEqual(answers.map((r) => r.status).sort(), [200, 403, 403, 403]);
      assert.equal((await linkNow(link.id)).installs, 1);
    });

    test('a passcode gates the page: right, wrong, and throttled', async () => {
      const { link, url } = await make({ name: 'Beta', passcode: 'open sesame' });
      assert.equal(link.hasPasscode, true);
      assert.doesNotMatch(JSON.stringify(await linkNow(link.id)), /sesame|scrypt/, 'the passcode is never shown');
      const form = await call(a, url);
      assert.equal(form.status, 200);
      assert.match(form.text, /id="passcode-form"/);
      assert.deepEqual(assetTokens(form.text), [], 'no install link before the passcode');
      assert.doesNotMatch(url, /sesame/);
      const t = new URL(url).searchParams.get('t')!;
      const post = (srv: TestServer, passcode: string) =>
        call(srv, `${a.publicUrl}/s/${link.id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ t, passcode }).toString(),
        });
      const wrong = await post(a, 'open says me');
      assert.equal(wrong.status, 403);
      assert.match(wrong.text, /id="passcode-wrong"/);
      assert.deepEqual(assetTokens(wrong.text), []);
      const right = await post(a, 'open sesame');
      assert.equal(right.status, 200, right.text);
      const [token] = assetTokens(right.text);
      assert.ok(token, 'the install page after the passcode');
      assert.equal((await pkg(a, token)).status, 200);
      assert.equal((await linkNow(link.id)).views, 1, 'the form itself is no view');
      // The allowance is 3 failures per address: then even the right passcode is refused (429).
      await post(b, 'guess 1');
      await post(b, 'guess 2');
      await post(b, 'guess 3');
      const throttled = await post(b, 'open sesame');
      assert.equal(throttled.status, 429);
      assert.deepEqual(assetTokens(throttled.text), []);
    });

    test('the API checks its input and hides other apps; links made before share links keep working', async () => {
      assert.equal((await api('POST', '', { name: '' })).status, 400);
      assert.equal((await api('POST', '', { name: 'x', installLimit: 0 })).status, 400);
      assert.equal((await api('POST', '', { name: 'x', passcode: 'abc' })).status, 400);
      assert.equal((await api('POST', '', { name: 'x', releaseId: '0000000000aaaaaaaaaaaaaaaa' })).status, 404);
      assert.equal((await api('DELETE', '/0000000000aaaaaaaaaaaaaaaa')).status, 404);
      // A page token names its link: it opens no other link.
      const one = await make({ name: 'one' });
      const two = await make({ name: 'two' });
      const swapped = `${a.publicUrl}/s/${two.link.id}?t=${new URL(one.url).searchParams.get('t')!}`;
      assert.equal((await call(a, swapped)).status, 403);
      assert.equal((await call(a, `${a.publicUrl}/s/${one.link.id}`)).status, 403);
      // An asset token is no page token.
      const asset = await openPage(a, one.url);
      assert.equal((await call(a, `${a.publicUrl}/s/${one.link.id}?t=${asset}`)).status, 403);
      assert.equal((await call(a, `${a.publicUrl}/i/${releaseId}?t=${asset}`)).status, 403);
      // An asset token opens its own release only, not another build of the same app.
      const res = await fetch(`${a.baseUrl}/api/v1/releases`, {
        method: 'POST',
        headers: a.auth({ 'content-type': 'application/octet-stream' }),
        body: await readFile(await buildIpa({ bundleId: 'com.example.share', build: '8', profile: { bundleId: 'com.example.share' } })),
      });
      assert.equal(res.status, 201);
      const newer = ((await res.json()) as { release: { id: string } }).release.id;
      assert.equal((await call(a, `${a.publicUrl}/i/${newer}/package.ipa?t=${asset}`)).status, 403);
      assert.equal((await call(a, `${a.publicUrl}/i/${newer}/manifest.plist?t=${asset}`)).status, 403);
      // The release link handed out at publish time still opens its page.
      assert.equal((await call(b, oldReleaseLink)).status, 200);
    });

    test('the admin page makes (URL shown once, with a QR code), lists and revokes links', async () => {
      const form = (path: string, fields: Record<string, string>) =>
        fetch(`${a.baseUrl}/admin/apps/${appId}/share-links${path}`, {
          method: 'POST',
          redirect: 'manual',
          headers: a.auth({ 'content-type': 'application/x-www-form-urlencoded' }),
          body: new URLSearchParams(fields).toString(),
        });
      const made = await form('', { name: 'From the admin <b>', releaseId: '', expiresInDays: '3', installLimit: '', passcode: '' });
      assert.equal(made.status, 200);
      const html = await made.text();
      const field = /<input[^>]*id="share-link-url"[^>]*>/.exec(html)?.[0] ?? '';
      const url = /value="([^"]+)"/.exec(field)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(url, 'the new link is shown');
      assert.match(html, /From the admin &lt;b&gt;/);
      assert.match(html, /<svg[^>]*>/, 'with its QR code');
      assert.equal((await call(b, url)).status, 200, 'and works');
      const id = new URL(url).pathname.split('/')[2]!;
      const list = await (await fetch(`${a.baseUrl}/admin/apps/${appId}/share-links`, { headers: a.auth() })).text();
      assert.doesNotMatch(list, /id="share-link-url"/, 'shown only once');
      assert.match(list, new RegExp(`data-link-id="${id}" data-state="active"`));
      const revoked = await form(`/${id}/revoke`, {});
      assert.equal(revoked.status, 303);
      const after = await (await fetch(`${a.baseUrl}/admin/apps/${appId}/share-links`, { headers: a.auth() })).text();
      assert.match(after, new RegExp(`data-link-id="${id}" data-state="revoked"`));
      assert.equal((await call(b, url)).status, 403);
    });

    test('stop the instances', async () => {
      await b?.stop();
      await a?.stop();
    });
  });
}
