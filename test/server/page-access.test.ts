// What install pages hand out: every link minted for a visitor grants no more than the visitor's own
// link (no token → public links only; a release link → that release only; an app link → the app's
// releases except those set private). Over a real socket; tokens are read back from the HTML.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { countsReach } from './support/counts.js';

interface Published {
  installPageUrl: string;
  release: { id: string; appId: string; links: { latestPageUrl: string; downloadUrl: string } };
  app: { id: string };
}

interface TokenClaim {
  sub: string;
  scope: string;
}

/** Every signed token in a page (plain `t=` or percent-encoded inside the itms-services link). */
function tokensIn(html: string): TokenClaim[] {
  const found = html.matchAll(/t(?:=|%3D)([A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{40,})/g);
  return [...found].map((m) => {
    const body = m[1]!.split('.')[0]!;
    const claim = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaim;
    return { sub: claim.sub, scope: claim.scope };
  });
}

describe('install pages hand out no more access than the visitor holds', () => {
  let srv: TestServer;
  const publish = async (bundleId: string, build: string): Promise<Published> => {
    const ipa = await buildIpa({ bundleId, build, profile: { bundleId } });
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: await readFile(ipa),
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
  const page = async (url: string): Promise<{ status: number; html: string }> => {
    const res = await fetch(url);
    return { status: res.status, html: await res.text() };
  };

  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv?.stop();
  });

  test('a release made public, opened without a token: no tokens, no private releases, no latest link', async () => {
    const older = await publish('com.example.leak', '1');
    const newer = await publish('com.example.leak', '2');
    await patch(`releases/${newer.release.id}`, { isPublic: true });

    const { status, html } = await page(`${srv.baseUrl}/i/${newer.release.id}`);
    assert.equal(status, 200);
    assert.deepEqual(tokensIn(html), []);
    assert.ok(!html.includes(older.release.id), 'the private older release is not listed');
    assert.ok(!html.includes(`/apps/${newer.app.id}`), 'no link to the private app’s latest page');
  });

  test('a release link: the page’s tokens are for that release only; public others are linked without one', async () => {
    const a = await publish('com.example.scoped', '1');
    const b = await publish('com.example.scoped', '2');
    const c = await publish('com.example.scoped', '3');
    await patch(`releases/${c.release.id}`, { isPublic: true });

    const { status, html } = await page(a.installPageUrl);
    assert.equal(status, 200);
    const claims = tokensIn(html);
    assert.ok(claims.length > 0);
    for (const claim of claims) assert.deepEqual(claim, { sub: a.release.id, scope: 'release' });
    assert.ok(!html.includes(b.release.id), 'another private release is not listed');
    assert.ok(html.includes(`/i/${c.release.id}"`), 'the public release is linked, without a token');
    assert.ok(!html.includes(`/apps/${a.app.id}`));
  });

  test('a release set private inside a public app is not served through the latest page', async () => {
    const first = await publish('com.example.pubapp', '1');
    const hidden = await publish('com.example.pubapp', '2');
    const appLink = first.release.links.latestPageUrl; // minted while the app was still private
    await patch(`apps/${first.app.id}`, { isPublic: true });
    await patch(`releases/${hidden.release.id}`, { isPublic: false });

    const latest = await page(`${srv.baseUrl}/apps/${first.app.id}`);
    assert.equal(latest.status, 200);
    assert.deepEqual(tokensIn(latest.html), []);
    assert.ok(!latest.html.includes(hidden.release.id), 'the private release is neither offered nor listed');
    assert.ok(latest.html.includes(first.release.id), 'the newest openable release is offered');

    // An app link does not open a release set private either (page, package, manifest).
    const appToken = new URL(appLink).searchParams.get('t')!;
    for (const path of ['', '/package.ipa', '/manifest.plist']) {
      const res = await fetch(`${srv.baseUrl}/i/${hidden.release.id}${path}?t=${appToken}`);
      assert.equal(res.status, 403, path);
    }
    const viaApp = await page(`${srv.baseUrl}/apps/${first.app.id}?t=${appToken}`);
    assert.equal(viaApp.status, 200);
    assert.ok(!viaApp.html.includes(hidden.release.id));
    // Its own link still opens it.
    assert.equal((await fetch(hidden.installPageUrl)).status, 200);
  });

  test('an app link on a private app: its releases with release tokens, never one set private', async () => {
    const a = await publish('com.example.privapp', '1');
    const b = await publish('com.example.privapp', '2');
    const c = await publish('com.example.privapp', '3');
    await patch(`releases/${b.release.id}`, { isPublic: false });

    const { status, html } = await page(a.release.links.latestPageUrl);
    assert.equal(status, 200);
    assert.ok(!html.includes(b.release.id));
    assert.ok(html.includes(c.release.id) && html.includes(a.release.id));
    const claims = tokensIn(html);
    // Release links minted for an app-link holder stay under the app rule ('app-release').
    assert.ok(claims.every((t) => t.scope === 'app-release' || (t.scope === 'app' && t.sub === a.app.id)));
    assert.ok(claims.every((t) => t.sub !== b.release.id));
  });
});

describe('page views', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv?.stop();
  });

  test('HEAD on the install and latest pages is not a page view; GET is', async () => {
    const ipa = await buildIpa({ bundleId: 'com.example.head' });
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: await readFile(ipa),
    });
    const pub = (await res.json()) as Published;
    for (const url of [pub.installPageUrl, pub.release.links.latestPageUrl]) {
      for (let i = 0; i < 3; i++) assert.equal((await fetch(url, { method: 'HEAD' })).status, 200);
    }
    // Then one GET: once it is counted, the HEADs (answered before it) would have been too.
    assert.equal((await fetch(pub.installPageUrl)).status, 200);
    const counts = await countsReach(srv.services, pub.release.id, { pageViews: 1 });
    assert.equal(counts.pageViews, 1);
  });
});
