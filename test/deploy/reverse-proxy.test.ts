// The reverse-proxy configurations in deploy/ (nginx, Caddy), run for real in front of a real otaship
// server: TLS from a local CA, a resumable upload cut off mid-request and resumed through the proxy, a
// Range download, the manifest and the install page, all through the proxy, with every link built
// from the proxy's public URL.
// The package is 64 MiB by default (OTASHIP_PROXY_TEST_MIB=1024 for a 1 GiB run by hand), sent as ONE
// tus PATCH request that is aborted halfway: only a proxy that streams request bodies (nginx
// `proxy_request_buffering off`) lets the server keep the half that arrived.
// Skips with a message when nginx or caddy is not installed, except under CI, where .ci/run installs them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtashipClient } from '../../src/client/index.js';
import { ResumeState } from '../../src/client/resume-state.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CADDY_BIN, NGINX_BIN, proxyCertificate, startCaddy, startNginx, type ProxyTarget, type RunningProxy } from '../helpers/reverse-proxy.js';
import { freePort } from '../helpers/free-port.js';

const MIB = 1024 * 1024;
const PACKAGE_MIB = Number(process.env.OTASHIP_PROXY_TEST_MIB ?? 64);

if (process.env.CI && (!NGINX_BIN || !CADDY_BIN)) {
  throw new Error('CI run cannot test the reverse-proxy configurations: nginx or caddy is missing (.ci/run installs them)');
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET over https trusting the local CA (fetch cannot be given a CA). */
function get(url: string, ca: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function fileSlice(path: string, start: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, start);
    return buf;
  } finally {
    await fh.close();
  }
}

/** A test server whose public URL is the proxy's, and the proxy in front of it, in a fresh folder. */
async function serveBehind(name: string, start: (t: ProxyTarget) => Promise<RunningProxy>) {
  const work = await mkdtemp(join(tmpdir(), `otaship-${name}-`));
  const cert = await proxyCertificate(work);
  const port = await freePort();
  const srv = await startTestServer({ settings: { publicUrl: `https://127.0.0.1:${port}` } });
  const proxy = await start({ work, port, upstreamPort: srv.server.port, cert });
  return { work, srv, proxy, ca: cert.caPem };
}

async function stopBehind({ work, srv, proxy }: { work?: string; srv?: TestServer; proxy?: RunningProxy }): Promise<void> {
  await proxy?.stop();
  await srv?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}

function scenario(name: string, available: boolean, start: (t: ProxyTarget) => Promise<RunningProxy>): void {
  describe(name, { skip: available ? false : `${name} is not installed (apt-get install ${name}); .ci/run installs it` }, () => {
    let work: string;
    let srv: TestServer;
    let proxy: RunningProxy;
    let ca: string;
    let ipa: string;

    before(async () => {
      ({ work, srv, proxy, ca } = await serveBehind(name, start));
      ipa = await buildIpa({ bundleId: `com.example.${name}`, displayName: `Through ${name}`, fillerBytes: PACKAGE_MIB * MIB });
    });

    after(() => stopBehind({ work, srv, proxy }));

    test(`a ${PACKAGE_MIB} MiB resumable upload cut off halfway resumes through ${name}; Range download, manifest and links use the public URL`, async (t) => {
      const client = new OtashipClient({ server: proxy.origin, token: srv.adminToken, ca });
      const state = new ResumeState(join(work, 'resume.json'));
      const size = (await stat(ipa)).size;

      // One PATCH for the whole file, aborted once half of it has been sent.
      const controller = new AbortController();
      await assert.rejects(
        client.publishResumable(ipa, {
          resumeState: state,
          chunkSize: size,
          signal: controller.signal,
          onProgress: (sent) => {
            if (sent >= size / 2) controller.abort();
          },
        }),
      );

      let resumedAt = -1;
      const published = await client.publishResumable(ipa, {
        resumeState: state,
        notes: 'through the proxy',
        onStart: (offset) => (resumedAt = offset),
      });
      assert.ok(resumedAt > 0, `the upload resumed from ${resumedAt}: the proxy kept none of the cut-off request`);
      assert.ok(resumedAt < size);
      t.diagnostic(`resumed at ${resumedAt} of ${size} bytes`);

      const origin = proxy.origin;
      for (const link of [published.installPageUrl, published.downloadUrl, published.manifestUrl!]) {
        assert.ok(link.startsWith(`${origin}/i/`), `${link} is built from the public URL`);
      }
      const hash = createHash('sha256');
      await pipeline(createReadStream(ipa), hash);
      assert.equal(published.release['sha256'], hash.digest('hex'));

      // Range download, as the iOS installer resumes one.
      const from = Math.floor(size / 3);
      const range = await get(published.downloadUrl, ca, { range: `bytes=${from}-${from + 65535}`, 'accept-encoding': 'gzip' });
      assert.equal(range.status, 206);
      assert.equal(range.headers['content-range'], `bytes ${from}-${from + 65535}/${size}`);
      assert.equal(range.headers['content-encoding'], undefined);
      assert.match(String(range.headers['cache-control']), /no-transform/, 'the proxy passes otaship\'s Cache-Control');
      assert.ok(range.body.equals(await fileSlice(ipa, from, 65536)));

      // The manifest, untransformed, with its package URL on the public origin.
      const manifest = await get(published.manifestUrl!, ca, { 'accept-encoding': 'gzip' });
      assert.equal(manifest.status, 200);
      assert.equal(manifest.headers['content-encoding'], undefined, 'no compression on /i/');
      const xml = manifest.body.toString('utf8');
      assert.match(xml, new RegExp(`<string>${origin.replace(/[.]/g, '\\.')}/i/[^<]+/package\\.ipa\\?t=`));

      const page = await get(published.installPageUrl, ca, { 'accept-encoding': 'gzip' });
      assert.equal(page.status, 200);
      assert.equal(page.headers['content-encoding'], undefined);
      assert.match(page.body.toString('utf8'), new RegExp(`Through ${name}`));
    });
  });
}

scenario('nginx', NGINX_BIN !== null, (t) => startNginx(t));
scenario('caddy', CADDY_BIN !== null, (t) => startCaddy(t));

describe('nginx that limits request bodies (client_max_body_size 20m)', { skip: NGINX_BIN ? false : 'nginx is not installed (apt-get install nginx); .ci/run installs it' }, () => {
  let work: string;
  let srv: TestServer;
  let proxy: RunningProxy;
  let ca: string;
  let ipa: string;

  before(async () => {
    ({ work, srv, proxy, ca } = await serveBehind('nginx-limit', (t) => startNginx(t, undefined, { bodyLimit: '20m' })));
    ipa = await buildIpa({ bundleId: 'com.example.limited-proxy', fillerBytes: 60 * MIB });
  });

  after(() => stopBehind({ work, srv, proxy }));

  test('a request too large for the proxy (413) does not stop a resumable upload: it goes on in smaller requests', async () => {
    const client = new OtashipClient({ server: proxy.origin, token: srv.adminToken, ca });
    const size = (await stat(ipa)).size;
    // The proxy does refuse a request of the whole file (so the next assertion can fail).
    await assert.rejects(client.publishResumable(ipa, { chunkSize: size }), (e: Error & { details?: { status?: number } }) => e.details?.status === 413);
    const published = await client.publishResumable(ipa, { notes: 'through a limited proxy' });
    const hash = createHash('sha256');
    await pipeline(createReadStream(ipa), hash);
    assert.equal(published.release['sha256'], hash.digest('hex'));
  });
});
