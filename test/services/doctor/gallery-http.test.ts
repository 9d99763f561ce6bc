// The doctor against deployments broken in how they serve the files: Debian's nginx with one
// misconfiguration per folder (the plist as text/html, gzipped, Range disabled, the package
// redirected to http), and local TLS servers with a manifest naming another bundle id, a CgBI icon,
// an If-Range the server ignores, and an S3 presigned URL (the local S3 server) that expires before
// a slow download would end. Each is found with its own code; the healthy folder has no error or warning.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { runDoctor } from '../../../src/services/doctor/index.js';
import type { DoctorReport } from '../../../src/core/doctor/index.js';
import { makeCa, makeLeaf, type Issued } from '../../helpers/doctor-pki.js';
import { freePort, NGINX_BIN, startStaticNginx, type NginxSite } from '../../helpers/doctor-nginx.js';
import { staticHandler, startTlsSite, writeSite, type RunningSite } from '../../helpers/doctor-site.js';
import { startS3, type LocalS3 } from '../../helpers/s3.js';

function s3Client(s3: LocalS3): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}

/** What the local S3 double gets wrong that real S3 does not (plain http, If-Range ignored). */
const S3RVER_FINDINGS = ['PACKAGE_IF_RANGE_IGNORED', 'REDIRECT_TO_HTTP'];

function problemCodes(r: DoctorReport): string[] {
  return [...new Set(r.findings.filter((f) => f.severity !== 'info').map((f) => f.code))].sort();
}

if (process.env.CI && !NGINX_BIN) throw new Error('CI run cannot build the doctor gallery: nginx is missing');

describe('doctor: deployments served wrong by nginx', { skip: NGINX_BIN ? false : 'nginx is not installed' }, () => {
  let work: string;
  let ca: Issued;
  let nginx: NginxSite;
  let origin: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'otaship-doctor-nginx-'));
    ca = await makeCa('Gallery nginx CA');
    const leaf = await makeLeaf({ issuer: ca });
    await writeFile(join(work, 'cert.pem'), leaf.certPem);
    await writeFile(join(work, 'key.pem'), leaf.keyPem, { mode: 0o600 });
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    origin = `https://127.0.0.1:${httpsPort}`;
    const root = join(work, 'root');
    for (const dir of ['healthy', 'text-html', 'gzip', 'no-range', 'to-http']) await writeSite(root, dir, origin, { ipa: { fillerBytes: 256 * 1024 } });
    nginx = await startStaticNginx({
      work,
      root,
      certFile: join(work, 'cert.pem'),
      keyFile: join(work, 'key.pem'),
      httpsPort,
      httpPort,
      locations: `
    location /text-html/ { types { text/html html plist; application/octet-stream ipa; image/png png; } }
    location /gzip/ { gzip on; gzip_types text/xml; gzip_min_length 0; }
    location /no-range/ { max_ranges 0; }
    location = /to-http/app.ipa { return 302 http://127.0.0.1:${httpPort}/to-http/app.ipa; }`,
    });
  });
  after(async () => {
    await nginx?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const doctor = (dir: string) => runDoctor(`${origin}/${dir}/index.html`, { caPem: ca.certPem });

  test('healthy: nginx serving the files with the right types has no error or warning', async () => {
    const r = await doctor('healthy');
    assert.deepEqual(problemCodes(r), []);
    assert.equal(r.package?.bundleId, 'com.example.gallery');
  });

  test('the plist served as text/html: MANIFEST_CONTENT_TYPE', async () => {
    assert.deepEqual(problemCodes(await doctor('text-html')), ['MANIFEST_CONTENT_TYPE']);
  });

  test('the plist gzipped: MANIFEST_COMPRESSED (and its content is still judged)', async () => {
    const r = await doctor('gzip');
    assert.deepEqual(problemCodes(r), ['MANIFEST_COMPRESSED']);
    assert.equal(r.package?.bundleId, 'com.example.gallery', 'the gzipped manifest was decoded and the package reached');
  });

  test('Range disabled: PACKAGE_NO_RANGES, and the package is not read whole', async () => {
    const r = await doctor('no-range');
    assert.deepEqual(problemCodes(r), ['PACKAGE_NO_RANGES']);
    assert.ok(r.findings.some((f) => f.code === 'PACKAGE_NOT_INSPECTED'));
    assert.equal(r.package?.bytesRead, 0);
  });

  test('the package redirected to http: REDIRECT_TO_HTTP', async () => {
    const r = await doctor('to-http');
    assert.deepEqual(problemCodes(r), ['REDIRECT_TO_HTTP']);
    assert.equal(r.installable, false);
  });
});

describe('doctor: deployments wrong in their content, and presigned URLs', () => {
  let root: string;
  let ca: Issued;
  let site: RunningSite;
  let s3: LocalS3;
  const redirects: Record<string, string> = {};

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'otaship-doctor-content-'));
    ca = await makeCa('Gallery content CA');
    const leaf = await makeLeaf({ issuer: ca });
    site = await startTlsSite(root, { certPem: leaf.certPem, keyPem: leaf.keyPem, redirects });
    s3 = await startS3();
  });
  after(async () => {
    await site?.stop();
    await s3?.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('a manifest naming another bundle id: BUNDLE_ID_MISMATCH', async () => {
    await writeSite(root, 'mismatch', site.origin, { manifestBundleId: 'com.example.other' });
    const r = await runDoctor(`${site.origin}/mismatch/manifest.plist`, { caPem: ca.certPem });
    assert.deepEqual(problemCodes(r), ['BUNDLE_ID_MISMATCH']);
  });

  test('a CgBI display image: ICON_CGBI', async () => {
    await writeSite(root, 'cgbi', site.origin, { cgbiIcon: true });
    assert.deepEqual(problemCodes(await runDoctor(`${site.origin}/cgbi/`, { caPem: ca.certPem })), ['ICON_CGBI']);
  });

  test('a device missing from the ad-hoc profile: DEVICE_NOT_IN_PROFILE', async () => {
    await writeSite(root, 'device', site.origin);
    const r = await runDoctor(`${site.origin}/device/`, { caPem: ca.certPem, udid: '00008101-000A1B2C3D4E5F60' });
    assert.deepEqual(problemCodes(r), ['DEVICE_NOT_IN_PROFILE']);
  });

  test('an App Store profile: PROFILE_APP_STORE', async () => {
    await writeSite(root, 'app-store', site.origin, { ipa: { profile: { type: 'app-store' } } });
    const r = await runDoctor(`${site.origin}/app-store/`, { caPem: ca.certPem });
    assert.ok(problemCodes(r).includes('PROFILE_APP_STORE'), problemCodes(r).join());
  });

  test('a server that ignores If-Range: PACKAGE_IF_RANGE_IGNORED', async () => {
    // Same files, served by a handler that drops If-Range before the correct one sees the request.
    const serve = staticHandler(root);
    const { createServer } = await import('node:https');
    const leaf = await makeLeaf({ issuer: ca });
    const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
      delete req.headers['if-range'];
      void serve(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await writeSite(root, 'if-range', `https://127.0.0.1:${port}`);
      const r = await runDoctor(`https://127.0.0.1:${port}/if-range/`, { caPem: ca.certPem });
      assert.deepEqual(problemCodes(r), ['PACKAGE_IF_RANGE_IGNORED']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('an S3 presigned package URL that expires before a slow download ends: PRESIGNED_TOO_SHORT', async () => {
    await writeSite(root, 'presigned', site.origin, { ipa: { fillerBytes: 6 * 1024 * 1024 } });
    const client = s3Client(s3);
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'app.ipa', Body: await readFile(join(root, 'presigned', 'app.ipa')), ContentType: 'application/octet-stream' }));
    // 6 MiB take about 6 s at the slow phone rate the doctor plans for: 3 s of life is too short.
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: s3.bucket, Key: 'app.ipa' }), { expiresIn: 3 });
    redirects['/presigned/app.ipa'] = url;
    const r = await runDoctor(`${site.origin}/presigned/`, { caPem: ca.certPem });
    const codes = problemCodes(r);
    assert.ok(codes.includes('PRESIGNED_TOO_SHORT'), codes.join());
    // The local S3 server speaks plain http and does not implement If-Range (real S3 does): those are
    // reported too, and nothing else.
    assert.deepEqual(codes.filter((c) => c !== 'PRESIGNED_TOO_SHORT'), S3RVER_FINDINGS);
    client.destroy();
  });

  test('the same presigned URL with a day to live: no PRESIGNED finding', async () => {
    const client = s3Client(s3);
    redirects['/presigned/app.ipa'] = await getSignedUrl(client, new GetObjectCommand({ Bucket: s3.bucket, Key: 'app.ipa' }), { expiresIn: 86400 });
    const r = await runDoctor(`${site.origin}/presigned/`, { caPem: ca.certPem });
    assert.deepEqual(problemCodes(r), S3RVER_FINDINGS);
    assert.equal(r.package?.bundleId, 'com.example.gallery', 'the package was read through the redirect, from S3, by Range');
    client.destroy();
  });
});
