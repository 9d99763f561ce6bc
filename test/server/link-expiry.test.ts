// Links expire, and making a release private closes the links already handed out: a manifest's asset
// token opens only the package and icons (never a page that would mint fresh links), a page never
// mints links that outlive the visitor's own, and release links minted for an app-link holder close
// when the release is set private, as the app link does. Over a real socket; tokens are read back
// from the pages and manifests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import type { ErrorJson } from './support/http.js';

interface Published {
  installPageUrl: string;
  release: { id: string; appId: string; links: { latestPageUrl: string; manifestUrl: string; downloadUrl: string } };
}

interface Claim {
  token: string;
  sub: string;
  scope: string;
  exp: number;
}

/** Every signed token in a text (plain `t=` or percent-encoded inside the itms-services link). */
function tokensIn(text: string): Claim[] {
  return [...text.matchAll(/t(?:=|%3D)([A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{40,})/g)].map((m) => {
    const claim = JSON.parse(Buffer.from(m[1]!.split('.')[0]!, 'base64url').toString('utf8')) as Omit<Claim, 'token'>;
    return { token: m[1]!, ...claim };
  });
}

const HOUR = 3600_000;

describe('install links expire and follow privacy', () => {
  let srv: TestServer;
  /** Links carry the (https) public URL; requests go to the test socket. */
  const local = (url: string): string => {
    const u = new URL(url);
    return `${srv.baseUrl}${u.pathname}${u.search}`;
  };
  const get = async (url: string): Promise<{ status: number; text: string; code: string | null }> => {
    const res = await fetch(local(url));
    const text = await res.text();
    // API-style answers (manifest, package) carry the error code; pages answer with an HTML page.
    const json = res.status >= 400 && (res.headers.get('content-type') ?? '').includes('json');
    return { status: res.status, text, code: json ? ((JSON.parse(text) as ErrorJson).error?.code ?? null) : null };
  };
  const publish = async (bundleId: string, build: string): Promise<Published> => {
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: await readFile(await buildIpa({ bundleId, build, profile: { bundleId } })),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Published;
  };
  const patch = async (path: string, body: unknown): Promise<void> => {
    const res = await fetch(`${srv.baseUrl}/api/v1/${path}`, {
      method: 'PATCH',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, await res.clone().text());
  };
  const page = (pub: Published, token: string) => get(`${srv.publicUrl}/i/${pub.release.id}?t=${token}`);
  const pkg = (pub: Published, token: string) => get(`${srv.publicUrl}/i/${pub.release.id}/package.ipa?t=${token}`);
  const manifest = (pub: Published, token: string) => get(`${srv.publicUrl}/i/${pub.release.id}/manifest.plist?t=${token}`);

  before(async () => {
    // iOS manifests need an https public URL; the test talks to the plain socket.
    srv = await startTestServer({ settings: { publicUrl: 'https://ota.example.test' } });
  });
  after(async () => {
    srv.clock.reset();
    await srv?.stop();
  });

  test("a manifest's asset token opens the package and icons, never an install page", async () => {
    const pub = await publish('com.example.assets', '1');
    const m = await get(pub.release.links.manifestUrl);
    assert.equal(m.status, 200);
    const assets = tokensIn(m.text);
    assert.ok(assets.length >= 1);
    const asset = assets[0]!.token;
    assert.equal((await pkg(pub, asset)).status, 200);
    const refused = await page(pub, asset);
    assert.equal(refused.status, 403, 'the install page (which hands out fresh links) is closed to an asset token');
    assert.ok(tokensIn(refused.text).length === 0, 'and the refusal carries no link');
    assert.equal((await get(`${srv.publicUrl}/apps/${pub.release.appId}?t=${asset}`)).status, 403);
  });

  test('a manifest fetched with an asset token hands out no token that outlives it', async () => {
    const pub = await publish('com.example.renew', '1');
    const first = tokensIn((await get(pub.release.links.manifestUrl)).text)[0]!;
    srv.clock.advance(HOUR);
    try {
      const again = await manifest(pub, first.token);
      assert.equal(again.status, 200);
      for (const claim of tokensIn(again.text)) assert.ok(claim.exp <= first.exp, `${claim.exp} outlives ${first.exp}`);
    } finally {
      srv.clock.reset();
    }
  });

  test('opening a page never renews the link: its links expire with the visitor’s own', async () => {
    const pub = await publish('com.example.page', '1');
    const own = tokensIn(pub.installPageUrl)[0]!;
    const appLink = tokensIn(pub.release.links.latestPageUrl)[0]!;
    const lifetime = own.exp * 1000 - Date.now();
    // Shortly before the link expires, the page still opens; then everything it handed out dies with it.
    srv.clock.advance(lifetime - 60_000);
    let handedOut: Claim[];
    let fromAppPage: Claim[];
    try {
      const opened = await page(pub, own.token);
      assert.equal(opened.status, 200);
      handedOut = tokensIn(opened.text);
      assert.ok(handedOut.length > 0);
      for (const claim of handedOut) assert.ok(claim.exp <= own.exp, `a ${claim.scope} token outlives the page link`);
      const latest = await get(`${srv.publicUrl}/apps/${pub.release.appId}?t=${appLink.token}`);
      assert.equal(latest.status, 200);
      fromAppPage = tokensIn(latest.text);
      assert.ok(fromAppPage.length > 0);
      for (const claim of fromAppPage) assert.ok(claim.exp <= appLink.exp, `a ${claim.scope} token outlives the app link`);
      srv.clock.advance(120_000);
      for (const claim of [...handedOut, ...fromAppPage]) {
        const res = await pkg(pub, claim.token);
        assert.equal(res.status, 403, claim.scope);
        assert.equal(res.code, 'TOKEN_EXPIRED');
      }
    } finally {
      srv.clock.reset();
    }
  });

  test('setting a release private closes the links minted for it through the app link', async () => {
    const pub = await publish('com.example.closing', '1');
    const appToken = tokensIn(pub.release.links.latestPageUrl)[0]!.token;
    const latest = await get(`${srv.publicUrl}/apps/${pub.release.appId}?t=${appToken}`);
    assert.equal(latest.status, 200);
    const minted = tokensIn(latest.text).find((c) => c.sub === pub.release.id)!;
    assert.ok(minted, 'the latest page links the release');
    const viaManifest = tokensIn((await manifest(pub, minted.token)).text)[0]!;
    assert.equal((await page(pub, minted.token)).status, 200);
    assert.equal((await pkg(pub, viaManifest.token)).status, 200);

    await patch(`releases/${pub.release.id}`, { isPublic: false });
    assert.equal((await page(pub, minted.token)).status, 403, 'page');
    for (const [what, res] of [
      ['package', await pkg(pub, minted.token)],
      ['manifest', await manifest(pub, minted.token)],
      ['package via the manifest', await pkg(pub, viaManifest.token)],
    ] as const) {
      assert.equal(res.status, 403, what);
      assert.equal(res.code, 'TOKEN_INVALID', what);
    }
    // The release's own link (a proper private-access link) still opens it.
    assert.equal((await get(pub.installPageUrl)).status, 200);
    assert.equal((await get(pub.release.links.downloadUrl)).status, 200);
  });

  test('a release made private again: links handed out while it was public stop working', async () => {
    const pub = await publish('com.example.flip', '1');
    await patch(`releases/${pub.release.id}`, { isPublic: true });
    const open = await fetch(`${srv.baseUrl}/api/v1/releases/${pub.release.id}`, { headers: srv.auth() });
    const links = ((await open.json()) as { links: { installPageUrl: string; downloadUrl: string; manifestUrl: string } }).links;
    assert.deepEqual(tokensIn([links.installPageUrl, links.downloadUrl, links.manifestUrl].join(' ')), [], 'a public release’s links carry no token');
    const publicManifest = await get(links.manifestUrl);
    assert.deepEqual(tokensIn(publicManifest.text), []);
    await patch(`releases/${pub.release.id}`, { isPublic: false });
    for (const url of [links.installPageUrl, links.downloadUrl, links.manifestUrl]) assert.equal((await get(url)).status, 403, url);
    assert.equal((await get(links.downloadUrl)).code, 'TOKEN_MISSING');
  });
});
