// The CLI a server hands out (GET /cli/otaship.mjs and /cli/otaship.tgz), used the way a build machine
// would: downloaded from a REAL running server into an empty folder, with a fresh HOME, no
// node_modules and no npm cache, then used to publish a package to that same server. npm is pointed
// at a closed port for its registry, so an install that needed anything beyond the tarball fails.
// Needs the bundles: `npm run build` (scripts/bundle-cli.mjs) first.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../../src/version.js';
import { cliSnippets } from '../../src/web/cli-snippets.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { closedPortUrl } from '../client/mimic-api.js';
import sharp from 'sharp';
import { apkBuffer, encodeArsc, encodeAxml, file, int, manifestTree, ref, resourceIds, str } from '../helpers/synthetic-apk.js';

/** An APK whose only icon is WebP: extracting it as PNG needs sharp. */
async function webpIconApk(path: string): Promise<string> {
  const names = [
    { type: 'string', name: 'app_name' },
    { type: 'mipmap', name: 'ic_launcher' },
  ];
  const ids = resourceIds(names);
  const webp = await sharp({ create: { width: 96, height: 96, channels: 4, background: '#336699' } }).webp().toBuffer();
  const arsc = encodeArsc([
    { ...names[0]!, values: [{ value: str('Webp') }] },
    { ...names[1]!, values: [{ config: { density: 320 }, value: file('res/mipmap-xhdpi/ic_launcher.webp') }] },
  ]).buf;
  const manifest = encodeAxml(
    manifestTree({ package: 'com.example.webp', versionCode: int(3), versionName: str('1.0'), minSdk: int(24), targetSdk: int(34), label: ref(ids.get('string/app_name')!), icon: ref(ids.get('mipmap/ic_launcher')!) }),
  );
  await writeFile(path, await apkBuffer({ manifest, arsc, files: { 'res/mipmap-xhdpi/ic_launcher.webp': webp }, v1: true }));
  return path;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let srv: TestServer;
let dir: string;
let ipa: string;

/** The environment of a clean build machine: PATH and a fresh HOME only, npm's cache inside it. */
async function cleanEnv(name: string): Promise<{ cwd: string; env: Record<string, string> }> {
  const home = join(dir, name, 'home');
  const cwd = join(dir, name, 'work');
  await mkdir(home, { recursive: true });
  await mkdir(cwd, { recursive: true });
  return {
    cwd,
    env: {
      PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
      HOME: home,
      npm_config_cache: join(home, '.npm'),
      npm_config_registry: `${await closedPortUrl()}/`,
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    },
  };
}

function run(command: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { ...options, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function releasesOf(bundleId: string): Promise<string[]> {
  const apps = (await (await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() })).json()) as { items: { id: string; bundleId: string }[] };
  const app = apps.items.find((a) => a.bundleId === bundleId);
  if (!app) return [];
  const releases = (await (await fetch(`${srv.baseUrl}/api/v1/apps/${app.id}/releases`, { headers: srv.auth() })).json()) as { items: { id: string }[] };
  return releases.items.map((r) => r.id);
}

before(async () => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'otaship.mjs')) || !existsSync(join(ROOT, 'dist', 'cli', 'otaship-cli.tgz'))) {
    throw new Error('dist/cli has no standalone CLI: run `npm run build` first');
  }
  dir = await mkdtemp(join(tmpdir(), 'otaship-cli-download-'));
  srv = await startTestServer();
  ipa = await buildIpa({ bundleId: 'com.example.standalone', displayName: 'Standalone', version: '1.0', build: '5', out: join(dir, 'Demo.ipa') });
});
after(async () => {
  await srv?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the CLI served by the server', () => {
  test('GET /cli/otaship.mjs: a script named with the server version, with an ETag that answers 304', async () => {
    const res = await fetch(`${srv.baseUrl}/cli/otaship.mjs`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(res.headers.get('x-otaship-version'), VERSION);
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="otaship-${VERSION}.mjs"`);
    const etag = res.headers.get('etag');
    assert.ok(etag);
    assert.ok((await res.text()).startsWith('#!/usr/bin/env node\n'));
    const again = await fetch(`${srv.baseUrl}/cli/otaship.mjs`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    const tgz = await fetch(`${srv.baseUrl}/cli/otaship.tgz`);
    assert.equal(tgz.status, 200);
    assert.equal(tgz.headers.get('content-type'), 'application/gzip');
    assert.equal(tgz.headers.get('content-disposition'), `attachment; filename="otaship-cli-${VERSION}.tgz"`);
    assert.notEqual(tgz.headers.get('etag'), etag);
    for (const name of ['other.js', 'constructor', '__proto__', '..%2Fpackage.json']) assert.equal((await fetch(`${srv.baseUrl}/cli/${name}`)).status, 404, name);
  });

  test('the .mjs, downloaded into an empty folder, publishes a package with plain node', async () => {
    const machine = await cleanEnv('mjs');
    const cli = join(machine.cwd, 'otaship.mjs');
    await writeFile(cli, Buffer.from(await (await fetch(`${srv.baseUrl}/cli/otaship.mjs`)).arrayBuffer()));
    const version = await run(process.execPath, [cli, '--version'], machine);
    assert.equal(version.stdout.trim(), VERSION, version.stderr);
    const published = await run(process.execPath, [cli, 'publish', ipa, '--server', srv.baseUrl, '--token', srv.adminToken, '--json'], machine);
    assert.equal(published.code, 0, published.stderr);
    const { releaseId, installPageUrl } = JSON.parse(published.stdout) as { releaseId: string; installPageUrl: string };
    assert.deepEqual(await releasesOf('com.example.standalone'), [releaseId]);
    assert.equal((await fetch(installPageUrl)).status, 200);

    // inspect works without node_modules; only a WebP icon (sharp, native) is out of reach, said in one line.
    const apk = await webpIconApk(join(machine.cwd, 'webp.apk'));
    const inspected = await run(process.execPath, [cli, 'inspect', '--json', apk], machine);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.equal((JSON.parse(inspected.stdout) as { name: string }).name, 'Webp');
    const icon = await run(process.execPath, [cli, 'inspect', '--icon', join(machine.cwd, 'icon.png'), apk], machine);
    assert.equal(icon.code, 2);
    assert.equal(icon.stdout, '');
    assert.match(icon.stderr, /^otaship: This APK's icon is WebP or JPEG; converting it needs the native sharp package.*npm install -g otaship.*\n$/);
  });

  test('the .tgz installs from its URL with npm (no registry) and its otaship command publishes', async () => {
    const machine = await cleanEnv('tgz');
    const prefix = join(machine.cwd, 'prefix');
    const install = await run('npm', ['install', '-g', '--prefix', prefix, `${srv.baseUrl}/cli/otaship.tgz`], machine);
    assert.equal(install.code, 0, install.stderr);
    const bin = join(prefix, 'bin', 'otaship');
    const before = await releasesOf('com.example.standalone');
    const published = await run(bin, ['publish', ipa, '--server', srv.baseUrl, '--token', srv.adminToken, '--json'], machine);
    assert.equal(published.code, 0, published.stderr);
    const { releaseId } = JSON.parse(published.stdout) as { releaseId: string };
    assert.deepEqual((await releasesOf('com.example.standalone')).filter((id) => !before.includes(id)), [releaseId]);

  });

  test('the snippets the admin shows work as written (npx, and curl + node)', async () => {
    for (const snippet of cliSnippets(srv.publicUrl).filter((s) => !s.command.startsWith('npm install -g'))) {
      const machine = await cleanEnv(`snippet-${snippet.label.length}`);
      await mkdir(join(machine.cwd, 'build'));
      await copyFile(ipa, join(machine.cwd, 'build', 'App.ipa'));
      const before = await releasesOf('com.example.standalone');
      const shell = await run('sh', ['-ec', snippet.command], { ...machine, env: { ...machine.env, OTASHIP_TOKEN: srv.adminToken } });
      assert.equal(shell.code, 0, `${snippet.command}\n${shell.stderr}`);
      assert.ok(shell.stdout.includes('Install page: '), shell.stdout);
      assert.equal((await releasesOf('com.example.standalone')).filter((id) => !before.includes(id)).length, 1, snippet.label);
    }
  });
});
