// A share link to an App Bundle whose APK is not built yet: the download is refused (409) and must
// not use up one of the link's installs (with a limit of 1, the tester would be locked out of the
// link before anything was installed).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv?.stop();
});

test('a download refused because the APK is not built yet counts no install', async () => {
  const { repos } = srv.services;
  const app = await repos.apps.create({ platform: 'android', bundleId: 'com.example.sharebundle', name: 'Bundle', isPublic: false });
  const aab = { kind: 'aab' as const, bundleId: app.bundleId, version: '1', build: '7', name: 'Bundle', minOsVersion: '24', targetSdk: '34', icon: null, modules: ['base'], abis: [], size: 10 };
  // As a publish stores it until the APK is built: the bundle's facts in the APK's shape.
  const info = { ...aab, kind: 'apk' as const, deviceFamilies: ['phone' as const], installable: { ok: true, reasons: [] }, signatureSchemes: [], extensions: [], profile: null };
  const release = await repos.releases.create({
    appId: app.id,
    version: '1',
    build: '7',
    name: 'Bundle',
    size: 10,
    sha256: 'a'.repeat(64),
    packageKey: 'releases/sharebundle/package.apk',
    iconKey: null,
    icon57Key: null,
    icon512Key: null,
    info,
    notes: '',
    isPublic: null,
    bundle: { key: 'releases/sharebundle/package.aab', size: 10, sha256: 'b'.repeat(64), info: aab, apkReady: false },
  });
  const api = `${srv.baseUrl}/api/v1/apps/${app.id}/share-links`;
  const made = await fetch(api, { method: 'POST', headers: srv.auth({ 'content-type': 'application/json' }), body: JSON.stringify({ name: 'One tester', releaseId: release.id, installLimit: 1 }) });
  assert.equal(made.status, 201);
  const { link, url } = (await made.json()) as { link: { id: string }; url: string };
  const pageUrl = new URL(url);
  const page = await fetch(`${srv.baseUrl}${pageUrl.pathname}${pageUrl.search}`);
  assert.equal(page.status, 200, await page.clone().text());
  const token = /package\.apk\?t=([A-Za-z0-9_.-]+)/.exec(await page.text())?.[1];
  assert.ok(token, 'the page links the package');
  const download = await fetch(`${srv.baseUrl}/i/${release.id}/package.apk?t=${token}`);
  assert.equal(download.status, 409);
  await download.body?.cancel();
  const list = (await (await fetch(api, { headers: srv.auth() })).json()) as { items: Array<{ id: string; installs: number; state: string }> };
  const now = list.items.find((l) => l.id === link.id);
  assert.deepEqual({ installs: now?.installs, state: now?.state }, { installs: 0, state: 'active' });
  // The link still opens for the tester, who comes back once the APK is built.
  assert.equal((await fetch(`${srv.baseUrl}${pageUrl.pathname}${pageUrl.search}`)).status, 200);
});
