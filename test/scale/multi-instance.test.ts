// Stateless instances: ONE PostgreSQL and ONE S3 bucket (s3rver), THREE server processes
// (`node bin/otaship serve`, own ports, own empty data dirs): A and B proxy downloads, C redirects
// them to presigned S3 URLs. Each has its own public URL; links minted by one are opened on another
// by swapping the origin, as a load balancer would route them.
//   publish through A → install through B as iOS does (page → itms link → manifest as the install
//   daemon → package in ranges → icons) → counts read through A add up; an API token and an admin
//   session made on A work on B; a resumable upload cut at ~60% on A finishes on B byte-identical;
//   C's manifest is right and its package redirect serves the right bytes; no instance keeps files.
// Runs whenever PostgreSQL can start (Debian binaries or OTASHIP_TEST_DATABASE_URL); under CI a
// missing PostgreSQL is a failure, not a skip (test/helpers/postgres.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Parser } from 'htmlparser2';
import sharp from 'sharp';
import { OtashipClient, ResumeState } from '../../src/client/index.js';
import { parseInstallLink } from '../../src/core/link/index.js';
import { parseManifest } from '../../src/core/manifest/index.js';
import type { ReleaseCounts } from '../../src/ports/repositories.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startS3, type LocalS3 } from '../helpers/s3.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { ensureSelfSignedTls } from '../../src/tls/index.js';
import { openBlobStore } from '../../src/storage/open.js';
import { request as plainRequest, type RequestOptions } from '../server/support/http.js';
import { cliCommand, filesIn, startInstance, type Instance, type InstanceTls } from './instances.js';

const DAEMON_UA = 'com.apple.appstored/1.0 iOS/18.1 model/iPhone16,1';
const SAFARI_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const BUNDLE_ID = 'com.example.scale';

const skip = postgresSkipReason();

let pg: PostgresServer | undefined;
let s3: LocalS3 | undefined;
let a: Instance, b: Instance, c: Instance;
let work: string;
const adminToken = `admin-${randomBytes(18).toString('base64url')}`;

/** The same URL on another instance (path, query and token unchanged). */
function on(instance: Instance, url: string): string {
  const u = new URL(url);
  const target = new URL(instance.url);
  u.protocol = target.protocol;
  u.host = target.host;
  return u.href;
}

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

function hrefs(html: string): string[] {
  const out: string[] = [];
  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'a' && attrs.href !== undefined) out.push(attrs.href);
    },
  });
  parser.write(html);
  parser.end();
  return out;
}

const auth = (token = adminToken) => ({ authorization: `Bearer ${token}` });
let tls: InstanceTls;
/** iOS installs only over https: the instances share one certificate; our clients trust its CA. */
const request = (url: string, options: RequestOptions = {}) => plainRequest(url, { ca: tls.ca, ...options });

describe('several stateless instances on PostgreSQL + S3', { skip }, () => {
  let ipaPath: string;
  let ipa: Buffer;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'otaship-scale-test-'));
    const material = await ensureSelfSignedTls({ dataDir: work, names: ['127.0.0.1'], hostname: 'localhost', interfaces: {} });
    tls = { certFile: join(work, 'cert.pem'), keyFile: join(work, 'key.pem'), ca: material.caCertPem };
    await writeFile(tls.certFile, material.certPem);
    await writeFile(tls.keyFile, material.keyPem, { mode: 0o600 });
    pg = await startPostgres();
    s3 = await startS3('otaship-scale');
    const shared = {
      OTASHIP_DATABASE_URL: await pg.createDatabase(),
      OTASHIP_STORAGE: 's3',
      OTASHIP_S3_BUCKET: s3.bucket,
      OTASHIP_S3_ENDPOINT: s3.endpoint,
      OTASHIP_S3_REGION: 'us-east-1',
      OTASHIP_S3_FORCE_PATH_STYLE: 'true',
      OTASHIP_S3_ACCESS_KEY_ID: 'S3RVER',
      OTASHIP_S3_SECRET_ACCESS_KEY: 'S3RVER',
      OTASHIP_S3_PREFIX: 'scale/',
      OTASHIP_ADMIN_TOKEN: adminToken,
      // Instances with their own data folders share the signing key through the environment (it is
      // never kept in the database).
      OTASHIP_SECRET: randomBytes(32).toString('hex'),
    };
    // A first: it runs the migrations; B and C start together.
    a = await startInstance('a', { ...shared, OTASHIP_DOWNLOAD_MODE: 'proxy' }, tls);
    [b, c] = await Promise.all([
      startInstance('b', { ...shared, OTASHIP_DOWNLOAD_MODE: 'proxy' }, tls),
      startInstance('c', { ...shared, OTASHIP_DOWNLOAD_MODE: 'redirect' }, tls),
    ]);
    ipaPath = await buildIpa({
      bundleId: BUNDLE_ID,
      displayName: 'Scale & <Co>',
      version: '3.1',
      build: '31',
      icons: [{ file: 'AppIcon60x60@3x.png', width: 180, height: 180 }],
      extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(3 * 1024 * 1024), compress: false }],
    });
    ipa = await readFile(ipaPath);
  });

  after(async () => {
    await Promise.all([a, b, c].filter(Boolean).map((i) => i.stop()));
    await s3?.stop();
    await pg?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  let published: { release: { id: string }; app: { id: string }; installPageUrl: string; installLink: string; downloadUrl: string };

  test(`instances run the CLI (${cliCommand().fromSource ? 'from source: dist/ is older than src/' : 'bin/otaship'})`, async () => {
    for (const i of [a, b, c]) {
      const health = await request(`${i.url}/api/v1/health`);
      assert.equal(health.status, 200);
    }
  });

  test('publish through A, install through B as the iOS installer does', async () => {
    const client = new OtashipClient({ server: a.url, token: adminToken, ca: tls.ca });
    published = (await client.publish(ipaPath, { notes: 'scale' })) as typeof published;
    assert.ok(published.installPageUrl.startsWith(`${a.url}/i/${published.release.id}`), published.installPageUrl);

    // Without its token the page is refused on B: the link token below is what B accepts.
    const bare = new URL(on(b, published.installPageUrl));
    bare.search = '';
    assert.equal((await request(bare.href, { headers: { 'user-agent': SAFARI_UA } })).status, 403);

    const page = await request(on(b, published.installPageUrl), { headers: { 'user-agent': SAFARI_UA } });
    assert.equal(page.status, 200, page.text());
    const link = hrefs(page.text()).find((h) => h.startsWith('itms-services:'));
    assert.ok(link, 'the page served by B has an itms-services link');
    const manifestUrl = parseInstallLink(link).url!;
    assert.ok(manifestUrl.startsWith(`${b.url}/i/${published.release.id}/manifest.plist?t=`), manifestUrl);

    const manifestRes = await request(manifestUrl, { headers: { 'user-agent': DAEMON_UA } });
    assert.equal(manifestRes.status, 200);
    assert.match(String(manifestRes.headers['content-type']), /xml/);
    assert.equal(manifestRes.headers['set-cookie'], undefined);
    const item = parseManifest(manifestRes.text()).items[0]!;
    assert.equal(item.metadata['bundle-identifier'], BUNDLE_ID);
    assert.equal(item.metadata.title, 'Scale & <Co>');
    const asset = (kind: string) => item.assets.find((x) => x.kind === kind)?.url;
    const packageUrl = asset('software-package')!;
    assert.ok(packageUrl.startsWith(`${b.url}/`), packageUrl);

    const first = await request(packageUrl, { headers: { 'user-agent': DAEMON_UA, range: 'bytes=0-99999' } });
    assert.equal(first.status, 206);
    assert.equal(first.headers['content-range'], `bytes 0-99999/${ipa.length}`);
    const rest = await request(packageUrl, {
      headers: { 'user-agent': DAEMON_UA, range: 'bytes=100000-', 'if-range': String(first.headers.etag) },
    });
    assert.equal(rest.status, 206);
    assert.equal(sha256(Buffer.concat([first.body, rest.body])), sha256(ipa));

    for (const [kind, size] of [['display-image', 57], ['full-size-image', 512]] as const) {
      const res = await request(asset(kind)!, { headers: { 'user-agent': DAEMON_UA } });
      assert.equal(res.status, 200, kind);
      const meta = await sharp(res.body).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', size, size]);
    }

    // One more page view, on A. Counts are written by each instance to the shared database.
    assert.equal((await request(published.installPageUrl, { headers: { 'user-agent': SAFARI_UA } })).status, 200);
    const expected: ReleaseCounts = { pageViews: 2, manifestFetches: 1, downloadsStarted: 1, downloadsCompleted: 1 };
    let counts: ReleaseCounts | undefined;
    // B writes its counts within a second (batched); poll A's API until they arrive (bounded).
    for (let i = 0; i < 150; i++) {
      const res = await request(`${a.url}/api/v1/releases/${published.release.id}`, { headers: auth() });
      counts = res.json<{ release?: { counts?: ReleaseCounts }; counts?: ReleaseCounts }>().release?.counts ??
        res.json<{ counts?: ReleaseCounts }>().counts;
      if (JSON.stringify(counts) === JSON.stringify(expected)) break;
      await sleep(100);
    }
    assert.deepEqual(counts, expected);
  });

  test('an API token and an admin session made on A work on B', async () => {
    const created = await request(`${a.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made on A' }),
    });
    assert.equal(created.status, 201);
    const token = created.json<{ token: string }>().token;
    const apps = await request(`${b.url}/api/v1/apps`, { headers: auth(token) });
    assert.equal(apps.status, 200);
    assert.ok(apps.text().includes(BUNDLE_ID));

    const login = await request(`${a.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(token)}`,
    });
    assert.equal(login.status, 303);
    const cookie = String(login.headers['set-cookie'] ?? '').split(';')[0]!;
    assert.match(cookie, /=/);
    assert.equal((await request(`${b.url}/api/v1/apps`, { headers: { cookie } })).status, 200);
  });

  test('a resumable upload cut at ~60% on A finishes on B, byte-identical', async () => {
    const path = await buildIpa({
      bundleId: BUNDLE_ID,
      version: '3.2',
      build: '32',
      extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(6 * 1024 * 1024), compress: false }],
    });
    const bytes = await readFile(path);
    const state = new ResumeState(join(work, 'resume.json'));
    const ac = new AbortController();
    let cutAt = 0;
    await assert.rejects(
      new OtashipClient({ server: a.url, token: adminToken, ca: tls.ca }).publishResumable(path, {
        resumeState: state,
        chunkSize: 1024 * 1024,
        signal: ac.signal,
        onProgress: (sent, total) => {
          if (sent >= total * 0.6 && !ac.signal.aborted) {
            cutAt = sent;
            ac.abort();
          }
        },
      }),
      (e: Error & { code?: string }) => e.code === 'UPLOAD_INCOMPLETE',
    );
    assert.ok(cutAt > 0);
    const raw = JSON.parse(await readFile(join(work, 'resume.json'), 'utf8')) as Record<string, { uploadId: string }>;
    const uploadId = Object.values(raw)[0]!.uploadId;

    const head = await request(`${b.url}/api/v1/uploads/${uploadId}`, { method: 'HEAD', headers: { ...auth(), 'tus-resumable': '1.0.0' } });
    const seenOnB = `HEAD on B: ${head.status} offset ${String(head.headers['upload-offset'])}`;
    let resumedAt = -1;
    const res = await new OtashipClient({ server: b.url, token: adminToken, ca: tls.ca }).publishResumable(path, {
      uploadId,
      chunkSize: 1024 * 1024,
      onStart: (offset) => {
        resumedAt = offset;
      },
    });
    assert.ok(resumedAt > 0 && resumedAt < bytes.length, `B resumed at ${resumedAt} of ${bytes.length} (cut at ${cutAt}; ${seenOnB})`);
    assert.ok(res.installPageUrl.startsWith(b.url));
    const download = await request(on(a, res.downloadUrl));
    assert.equal(download.status, 200);
    assert.equal(sha256(download.body), sha256(bytes));
    // The finished upload is gone from the shared store: a second publish of it is refused everywhere.
    for (const i of [a, b]) {
      const again = await request(`${i.url}/api/v1/uploads/${uploadId}/publish`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(again.status, 404);
    }
  });

  test('redirect mode (C): right manifest; the package redirect serves the right bytes', async () => {
    const page = await request(on(c, published.installPageUrl), { headers: { 'user-agent': SAFARI_UA } });
    assert.equal(page.status, 200);
    const manifestUrl = parseInstallLink(hrefs(page.text()).find((h) => h.startsWith('itms-services:'))!).url!;
    const manifestRes = await request(manifestUrl, { headers: { 'user-agent': DAEMON_UA } });
    assert.equal(manifestRes.status, 200, 'the manifest itself is never redirected');
    const item = parseManifest(manifestRes.text()).items[0]!;
    assert.equal(item.metadata['bundle-identifier'], BUNDLE_ID);
    const packageUrl = item.assets.find((x) => x.kind === 'software-package')!.url;
    assert.ok(packageUrl.startsWith(`${c.url}/`), packageUrl);
    const redirect = await request(packageUrl, { headers: { 'user-agent': DAEMON_UA } });
    assert.equal(redirect.status, 302);
    const location = String(redirect.headers.location);
    assert.ok(location.startsWith(s3!.endpoint), location);
    const whole = await request(location);
    assert.equal(whole.status, 200);
    assert.equal(sha256(whole.body), sha256(ipa));
    const part = await request(location, { headers: { range: 'bytes=1000-1999' } });
    assert.equal(part.status, 206);
    assert.deepEqual(part.body, ipa.subarray(1000, 2000));

    // Proxy mode on A for the same release still streams it with Range.
    const viaA = await request(on(a, packageUrl), { headers: { 'user-agent': DAEMON_UA, range: 'bytes=1000-1999' } });
    assert.equal(viaA.status, 206);
    assert.deepEqual(viaA.body, ipa.subarray(1000, 2000));
  });

  test('no instance keeps files of its own (uploads, staging and state are shared or per request)', async () => {
    // Except the local copy of a resumable upload an instance received part of (A, before the cut):
    // a cache of bytes that are in the bucket, dropped by that instance's hourly sweep once the
    // upload is gone (test/services/resumable/multipart-layout.test.ts).
    const blobs = await openBlobStore(s3!.config('scale/'));
    for (const i of [a, b, c]) {
      const files = [];
      for (const path of await filesIn(i.dataDir)) {
        const id = /\/tmp\/upload-([a-f0-9]{32})\.shadow$/.exec(path)?.[1];
        if (id && !(await blobs.stat(`uploads/${id}/info.json`))) continue;
        files.push(path);
      }
      assert.deepEqual(files, [], `${i.name}: ${i.dataDir}`);
    }
  });
});
