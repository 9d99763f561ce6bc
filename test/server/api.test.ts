// The publishing API against a real server (real socket, SQLite file, fs blobs): raw and multipart
// uploads, listing, reading, editing and deleting, refusals with reasons, hostile names.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa, buildProfile, buildZip } from '../helpers/synthetic-ipa.js';
import type { ErrorJson } from './support/http.js';

interface PublishJson {
  release: { id: string; appId: string; bundleId: string; name: string; version: string | null; build: string; size: number; sha256: string; notes: string; isPublic: boolean; hasIcon: boolean };
  app: { id: string; bundleId: string; platform: string; name: string; isPublic: boolean };
  installPageUrl: string;
  installLink: string;
  manifestUrl: string | null;
  downloadUrl: string;
}

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv?.stop();
});

async function publishRaw(path: string, query = '', headers: Record<string, string> = {}) {
  const body = await readFile(path);
  return fetch(`${srv.baseUrl}/api/v1/releases${query}`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream', ...headers }),
    body,
  });
}

async function publishForm(path: string, fields: Record<string, string> = {}, fileName = 'upload.ipa') {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([await readFile(path)]), fileName);
  return fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth(), body: form });
}

async function blobKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const k of srv.services.blobs.list('')) keys.push(k);
  return keys.sort();
}

describe('POST /api/v1/releases', () => {
  test('raw body: 201 with release, app and links; stored bytes hash to the upload', async () => {
    const path = await buildIpa({ bundleId: 'com.example.raw', version: '2.0', build: '7', icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] });
    const bytes = await readFile(path);
    const res = await publishRaw(path, '?notes=' + encodeURIComponent('first *release*') + '&filename=Raw.ipa');
    assert.equal(res.status, 201);
    const j = (await res.json()) as PublishJson;
    assert.equal(j.app.bundleId, 'com.example.raw');
    assert.equal(j.app.platform, 'ios');
    assert.equal(j.release.version, '2.0');
    assert.equal(j.release.build, '7');
    assert.equal(j.release.notes, 'first *release*');
    assert.equal(j.release.size, bytes.length);
    assert.equal(j.release.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(j.release.isPublic, false);
    assert.equal(j.release.hasIcon, true);
    assert.ok(j.installPageUrl.startsWith(`${srv.baseUrl}/i/${j.release.id}?t=`));
    assert.ok(j.manifestUrl?.startsWith(`${srv.baseUrl}/i/${j.release.id}/manifest.plist?t=`));
    assert.ok(j.downloadUrl.startsWith(`${srv.baseUrl}/i/${j.release.id}/package.ipa?t=`));
    assert.equal(j.installLink, `itms-services://?action=download-manifest&url=${encodeURIComponent(j.manifestUrl!)}`);
    const download = await fetch(j.downloadUrl);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes);
  });

  test('multipart form with notes and force fields', async () => {
    const path = await buildIpa({ bundleId: 'com.example.form', displayName: 'Form App' });
    const res = await publishForm(path, { notes: 'from the browser' }, 'Form.ipa');
    assert.equal(res.status, 201, await res.clone().text());
    const j = (await res.json()) as PublishJson;
    assert.equal(j.release.notes, 'from the browser');
    assert.equal(j.app.name, 'Form App');
  });

  test('a second build of the same bundle lands in the same app, newest first', async () => {
    const a = (await (await publishRaw(await buildIpa({ bundleId: 'com.example.twice', build: '1' }))).json()) as PublishJson;
    const b = (await (await publishRaw(await buildIpa({ bundleId: 'com.example.twice', build: '2' }))).json()) as PublishJson;
    assert.equal(a.app.id, b.app.id);
    const list = (await (await fetch(`${srv.baseUrl}/api/v1/apps/${a.app.id}/releases`, { headers: srv.auth() })).json()) as {
      items: { id: string; build: string }[];
    };
    assert.deepEqual(list.items.map((r) => r.build), ['2', '1']);
  });

  test('App Store, unsigned and simulator builds are refused with reasons; nothing is stored', async () => {
    const before = await blobKeys();
    const cases = [
      { opts: { bundleId: 'com.example.store', profile: { type: 'app-store' as const } }, code: 'APP_STORE_PROFILE' },
      { opts: { bundleId: 'com.example.unsigned', profile: null, codeSignature: false }, code: null },
      { opts: { bundleId: 'com.example.sim', platforms: ['iPhoneSimulator'] }, code: 'SIMULATOR_BUILD' },
    ];
    for (const c of cases) {
      const res = await publishRaw(await buildIpa(c.opts));
      assert.equal(res.status, 422);
      const j = (await res.json()) as ErrorJson;
      assert.equal(j.error.code, 'NOT_INSTALLABLE');
      const reasons = j.error.details?.reasons as { code: string; severity: string }[];
      assert.ok(Array.isArray(reasons) && reasons.some((r) => r.severity === 'error'));
      if (c.code) assert.ok(reasons.some((r) => r.code === c.code), `${c.code} in ${JSON.stringify(reasons)}`);
    }
    assert.deepEqual(await blobKeys(), before);
    const apps = (await (await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() })).json()) as { items: { bundleId: string }[] };
    for (const b of ['com.example.store', 'com.example.unsigned', 'com.example.sim']) {
      assert.ok(!apps.items.some((a) => a.bundleId === b), `${b} must not be created`);
    }
  });

  test('an expired profile is refused unless forced', async () => {
    const path = await buildIpa({ bundleId: 'com.example.expired', profile: { expiresAt: new Date(Date.now() - 86400_000), createdAt: new Date(Date.now() - 400 * 86400_000) } });
    const refused = await publishRaw(path);
    assert.equal(refused.status, 422);
    assert.equal(((await refused.json()) as ErrorJson).error.code, 'PROFILE_EXPIRED');
    const forced = await publishRaw(path, '?force=true');
    assert.equal(forced.status, 201);
    const forcedForm = await publishForm(path, { force: 'true' });
    assert.equal(forcedForm.status, 201);
  });

  test('force overrides an expired certificate too, and the answer says what it overrode; the refusal names force=true', async () => {
    const path = await buildIpa({ bundleId: 'com.example.expired-cert', profile: { certificateExpiresAt: new Date(Date.now() - 86400_000) } });
    const refused = await publishRaw(path, '?filename=Old.ipa');
    assert.equal(refused.status, 422);
    const error = ((await refused.json()) as ErrorJson).error;
    assert.equal(error.code, 'PROFILE_EXPIRED');
    assert.match(error.message, /Every signing certificate in the profile has expired; publish with force=true/);
    for (const forced of [await publishRaw(path, '?force=true'), await publishForm(path, { force: 'true' })]) {
      assert.equal(forced.status, 201);
      const j = (await forced.json()) as PublishJson & { overridden: { code: string; message: string }[]; warnings: string[] };
      assert.deepEqual(j.overridden.map((r) => r.code), ['CERTIFICATE_EXPIRED']);
      assert.ok(j.warnings.some((w) => /force .*CERTIFICATE_EXPIRED/.test(w)), j.warnings.join('; '));
    }
    // Nothing to override: the list is empty, not absent.
    const fresh = await publishRaw(await buildIpa({ bundleId: 'com.example.fresh-cert' }), '?force=true');
    assert.deepEqual(((await fresh.json()) as { overridden: unknown[] }).overridden, []);
  });

  test('wrong files: not a zip, a zip without an app, a profile', async () => {
    const notZip = join(srv.dataDir, 'not-a-zip.ipa');
    await writeFile(notZip, 'hello, I am text');
    let res = await publishRaw(notZip, '?filename=notes.txt');
    assert.equal(res.status, 415);
    let j = (await res.json()) as ErrorJson;
    assert.ok(['UNKNOWN_FILE_TYPE', 'NOT_A_ZIP'].includes(j.error.code), j.error.code);
    assert.match(j.error.message, /notes\.txt/);
    assert.doesNotMatch(j.error.message, /upload-.*\.part/);

    res = await publishRaw(await buildZip([{ name: 'readme.txt', data: Buffer.from('x') }]));
    assert.equal(res.status, 422);
    j = (await res.json()) as ErrorJson;
    assert.equal(j.error.code, 'NO_APP_BUNDLE');

    const profile = join(srv.dataDir, 'adhoc.mobileprovision');
    await writeFile(profile, await buildProfile({ bundleId: 'com.example.profile' }));
    res = await publishRaw(profile);
    assert.equal(res.status, 415);
    j = (await res.json()) as ErrorJson;
    assert.equal(j.error.code, 'UNKNOWN_FILE_TYPE');
    assert.match(j.error.message, /provisioning profile/);
    assert.deepEqual(await readdir(srv.config.tmpDir), [], 'no staged uploads left behind');
  });

  test('empty body and missing file field are validation errors', async () => {
    let res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/octet-stream' }), body: '' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as ErrorJson).error.code, 'VALIDATION');
    res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth() });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as ErrorJson).error.message, /no body/);
    const form = new FormData();
    form.append('notes', 'no file');
    res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth(), body: form });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as ErrorJson).error.message, /file/);
  });

  test('hostile app names and notes come back verbatim in JSON and escaped in the manifest', async () => {
    const hostile = `<script>alert("x")</script> & 'quotes' ]]> 🚀`;
    const path = await buildIpa({ bundleId: 'com.example.hostile', displayName: hostile, appName: 'Hostile' });
    const res = await publishRaw(path, `?notes=${encodeURIComponent(hostile)}&filename=${encodeURIComponent('../../etc/passwd\r\n.ipa')}`);
    assert.equal(res.status, 201);
    const j = (await res.json()) as PublishJson;
    assert.equal(j.app.name, hostile);
    assert.equal(j.release.notes, hostile);
    const dl = await fetch(j.downloadUrl, { method: 'HEAD' });
    const cd = dl.headers.get('content-disposition') ?? '';
    assert.doesNotMatch(cd, /[\r\n]/);
    assert.match(cd, /^attachment; filename="[^"/\\]*"; filename\*=UTF-8''/);
  });

  test('no token → 401, no temp files left', async () => {
    const path = await buildIpa({ bundleId: 'com.example.noauth' });
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: await readFile(path) });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as ErrorJson).error.code, 'UNAUTHENTICATED');
    assert.deepEqual(await readdir(srv.config.tmpDir), []);
  });
});

describe('apps and releases', () => {
  test('read, edit and delete a release and an app; blobs go with them', async () => {
    const path = await buildIpa({ bundleId: 'com.example.crud', icons: [{ file: 'AppIcon60x60@3x.png', width: 180, height: 180 }] });
    const pub = (await (await publishRaw(path)).json()) as PublishJson;
    const base = srv.baseUrl;

    const got = (await (await fetch(`${base}/api/v1/releases/${pub.release.id}`, { headers: srv.auth() })).json()) as {
      id: string;
      counts: { pageViews: number };
      links: { installPageUrl: string };
    };
    assert.equal(got.id, pub.release.id);
    assert.equal(got.counts.pageViews, 0);
    assert.ok(got.links.installPageUrl.includes('?t='));

    const patched = await fetch(`${base}/api/v1/releases/${pub.release.id}`, {
      method: 'PATCH',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ notes: 'edited', isPublic: true }),
    });
    assert.equal(patched.status, 200);
    const pj = (await patched.json()) as { notes: string; isPublic: boolean; links: { downloadUrl: string } };
    assert.equal(pj.notes, 'edited');
    assert.equal(pj.isPublic, true);
    assert.ok(!pj.links.downloadUrl.includes('?t='), 'public releases need no token');
    assert.equal((await fetch(pj.links.downloadUrl, { method: 'HEAD' })).status, 200);

    const bad = await fetch(`${base}/api/v1/releases/${pub.release.id}`, {
      method: 'PATCH',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ isPublic: 'yes' }),
    });
    assert.equal(bad.status, 400);

    const appPatch = await fetch(`${base}/api/v1/apps/${pub.app.id}`, {
      method: 'PATCH',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'Renamed', isPublic: true }),
    });
    assert.equal(appPatch.status, 200);
    assert.equal(((await appPatch.json()) as { name: string }).name, 'Renamed');
    const appGet = (await (await fetch(`${base}/api/v1/apps/${pub.app.id}`, { headers: srv.auth() })).json()) as {
      name: string;
      latestRelease: { id: string };
    };
    assert.equal(appGet.name, 'Renamed');
    assert.equal(appGet.latestRelease.id, pub.release.id);

    const keysBefore = await blobKeys();
    assert.ok(keysBefore.some((k) => k.includes(pub.release.id)));
    assert.equal((await fetch(`${base}/api/v1/releases/${pub.release.id}`, { method: 'DELETE', headers: srv.auth() })).status, 204);
    assert.equal((await fetch(`${base}/api/v1/releases/${pub.release.id}`, { headers: srv.auth() })).status, 404);
    assert.ok(!(await blobKeys()).some((k) => k.includes(pub.release.id)), 'release blobs removed');
    assert.equal((await fetch(pub.downloadUrl)).status, 404);

    const second = (await (await publishRaw(await buildIpa({ bundleId: 'com.example.crud', build: '99' }))).json()) as PublishJson;
    assert.equal(second.app.id, pub.app.id);
    assert.equal((await fetch(`${base}/api/v1/apps/${pub.app.id}`, { method: 'DELETE', headers: srv.auth() })).status, 204);
    assert.equal((await fetch(`${base}/api/v1/apps/${pub.app.id}`, { headers: srv.auth() })).status, 404);
    assert.ok(!(await blobKeys()).some((k) => k.includes(second.release.id)), 'app deletion removes its blobs');
  });

  test('unknown ids and bad JSON give catalogue errors', async () => {
    const res = await fetch(`${srv.baseUrl}/api/v1/releases/nope`, { headers: srv.auth() });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as ErrorJson).error.code, 'NOT_FOUND');
    const badJson = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: '{"name":',
    });
    assert.equal(badJson.status, 400);
    assert.equal(((await badJson.json()) as ErrorJson).error.code, 'VALIDATION');
    const unknown = await fetch(`${srv.baseUrl}/api/v1/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as ErrorJson).error.code, 'NOT_FOUND');
  });

  test('health needs no token and says iOS will refuse an http server', async () => {
    const res = await fetch(`${srv.baseUrl}/api/v1/health`);
    assert.equal(res.status, 200);
    const j = (await res.json()) as { status: string; iosInstallReady: boolean; warnings: string[] };
    assert.equal(j.status, 'ok');
    assert.equal(j.iosInstallReady, false);
    assert.match(j.warnings.join(' '), /iOS refuses/);
    assert.match(j.warnings.join(' '), /phones cannot reach/, 'a loopback public URL is called out too');
  });
});
