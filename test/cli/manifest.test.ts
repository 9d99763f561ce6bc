// Runs the built CLI (node bin/otaship manifest …) as a child process: real argument parsing,
// real files, stdout/stderr and exit codes. `npm test` builds dist/ before the tests run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseManifest } from '../../src/core/manifest/index.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { apkBuffer, encodeAxml, int, manifestTree, str } from '../helpers/synthetic-apk.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'otaship');
const BUILT = existsSync(join(ROOT, 'dist', 'cli', 'main.js'));
const SKIP = BUILT ? false : 'dist/ is not built: run `npm run build` (npm test does it first)';

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

const URL_IPA = 'https://dl.example.com/apps/App.ipa';
let dir = '';
let ipa = '';
let apk = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otaship-manifest-cli-'));
  ipa = await buildIpa({ out: join(dir, 'App.ipa'), bundleId: 'com.example.cli', displayName: 'Tom & Jerry <Beta>', version: '2.5', build: '250' });
  apk = join(dir, 'app.apk');
  const axml = encodeAxml(manifestTree({ package: 'com.example.droid', versionCode: int(3), versionName: str('1.0'), label: str('Droid') }));
  writeFileSync(apk, await apkBuffer({ manifest: axml, v1: true }));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('otaship manifest <file.ipa>', { skip: SKIP }, () => {
  test('writes the manifest to stdout, facts from the package, title escaped', () => {
    const res = run(['manifest', ipa, '--ipa-url', URL_IPA, '--icon-url', 'https://dl.example.com/57.png', '--full-size-icon-url', 'https://dl.example.com/512.png', '--subtitle', 'Example Inc.']);
    assert.equal(res.status, 0, res.stderr);
    assert.ok(res.stdout.startsWith('<?xml'), 'starts with <?xml');
    assert.match(res.stdout, /<string>Tom &amp; Jerry &lt;Beta&gt;<\/string>/);
    const m = parseManifest(res.stdout);
    const item = m.items[0]!;
    assert.equal(item.metadata['bundle-identifier'], 'com.example.cli');
    assert.equal(item.metadata['bundle-version'], '2.5');
    assert.equal(item.metadata.title, 'Tom & Jerry <Beta>');
    assert.equal(item.metadata.subtitle, 'Example Inc.');
    assert.deepEqual(item.assets.map((a) => a.kind), ['software-package', 'display-image', 'full-size-image']);
    assert.equal(item.assets[0]?.sha256, undefined);
  });

  test('--sha256 and --chunk-size write hashes of the file', () => {
    const res = run(['manifest', ipa, '--ipa-url', URL_IPA, '--sha256', '--chunk-size', '1k']);
    assert.equal(res.status, 0, res.stderr);
    const pkg = parseManifest(res.stdout).items[0]!.assets[0]!;
    const bytes = readFileSync(ipa);
    assert.equal(pkg.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(pkg['sha256-size'], 1024);
    assert.equal(pkg.sha256s?.length, Math.ceil(bytes.length / 1024));
    assert.equal(pkg.sha256s?.[0], createHash('sha256').update(bytes.subarray(0, 1024)).digest('hex'));
    assert.equal(pkg.md5, undefined);
  });

  test('--md5 alone adds the whole MD5 only; --chunk-size alone adds SHA-256 chunks only', () => {
    const res = run(['manifest', ipa, '--ipa-url', URL_IPA, '--md5']);
    assert.equal(res.status, 0, res.stderr);
    const pkg = parseManifest(res.stdout).items[0]!.assets[0]!;
    assert.equal(pkg.md5, createHash('md5').update(readFileSync(ipa)).digest('hex'));
    assert.equal(pkg.sha256, undefined);
    assert.equal(pkg.sha256s, undefined);
    const chunks = parseManifest(run(['manifest', ipa, '--ipa-url', URL_IPA, '--chunk-size', '4096']).stdout).items[0]!.assets[0]!;
    assert.equal(chunks['sha256-size'], 4096);
    assert.equal(chunks.sha256s?.length, Math.ceil(readFileSync(ipa).length / 4096));
    assert.equal(chunks.sha256, undefined);
    assert.equal(chunks.md5, undefined);
  });

  test('an APK exits 2: manifests are for iOS', () => {
    const res = run(['manifest', apk, '--ipa-url', URL_IPA]);
    assert.equal(res.status, 2);
    assert.equal(res.stdout, '');
    assert.match(res.stderr, /^otaship: .*app\.apk is an Android package.*Manifests are for iOS; Android installs by direct download/);
    assert.equal(res.stderr.trimEnd().split('\n').length, 1);
  });

  test('an IPA without CFBundleVersion exits 2 saying what inspect says: iOS refuses to install it', async () => {
    for (const version of ['2.0', null]) {
      const noBuild = await buildIpa({ out: join(dir, `NoBuild-${String(version)}.ipa`), build: null, version });
      const res = run(['manifest', noBuild, '--ipa-url', URL_IPA]);
      assert.equal(res.status, 2, res.stderr);
      assert.equal(res.stdout, '');
      assert.equal(res.stderr.trimEnd().split('\n').length, 1, res.stderr);
      assert.match(res.stderr, /^otaship: .*NoBuild.*no manifest is written: Info\.plist has no CFBundleVersion.*iOS refuses to install/);
    }
  });

  test('bad input exits 2 with one line: http URL, missing --ipa-url, missing file, bad chunk size', () => {
    const cases: [string[], RegExp][] = [
      [['manifest', ipa, '--ipa-url', 'http://dl.example.com/App.ipa'], /software-package URL must use https/],
      [['manifest', ipa], /--ipa-url <https-url> is required/],
      [['manifest', join(dir, 'missing.ipa'), '--ipa-url', URL_IPA], /missing\.ipa/],
      [['manifest', ipa, '--ipa-url', URL_IPA, '--chunk-size', '10'], /--chunk-size 10 is not a size/],
      [['manifest'], /give the \.ipa/],
      [['manifest', ipa, '--check', 'x.plist'], /not both/],
    ];
    for (const [args, pattern] of cases) {
      const res = run(args);
      assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.equal(res.stdout, '');
      assert.match(res.stderr, pattern);
      assert.equal(res.stderr.trimEnd().split('\n').length, 1, res.stderr);
    }
  });
});

describe('otaship manifest --check', { skip: SKIP }, () => {
  test('a generated manifest is valid (exit 0) and fits its IPA, hashes included', () => {
    const built = run(['manifest', ipa, '--ipa-url', URL_IPA, '--sha256', '--chunk-size', '2048']);
    const file = join(dir, 'good.plist');
    writeFileSync(file, built.stdout);
    const res = run(['manifest', '--check', file, '--ipa', ipa]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /good\.plist: valid\n$/);
  });

  test('problems are listed with codes and the exit code is 1', () => {
    const file = join(dir, 'bad.plist');
    const good = run(['manifest', ipa, '--ipa-url', URL_IPA]).stdout;
    writeFileSync(file, `\uFEFF${good.replace(URL_IPA, 'http://dl.example.com/App.ipa')}`);
    const res = run(['manifest', '--check', file]);
    assert.equal(res.status, 1);
    assert.match(res.stdout, /^error {3}BOM: /m);
    assert.match(res.stdout, /^error {3}URL_NOT_HTTPS items\[0\]\.assets\[0\]\.url: /m);
    assert.match(res.stdout, /bad\.plist: invalid \(2 errors, 0 warnings\)\n$/);
  });

  test('--ipa finds an identifier mismatch and a changed file; --json is machine-readable', async () => {
    const built = run(['manifest', ipa, '--ipa-url', URL_IPA, '--sha256']).stdout;
    const file = join(dir, 'other.plist');
    writeFileSync(file, built.replace('<string>com.example.cli</string>', '<string>com.example.other</string>'));
    const res = run(['manifest', '--check', file, '--ipa', ipa, '--json']);
    assert.equal(res.status, 1);
    const out = JSON.parse(res.stdout) as { valid: boolean; crossChecked: boolean; problems: { code: string; severity: string }[] };
    assert.equal(out.valid, false);
    assert.equal(out.crossChecked, true);
    assert.deepEqual(out.problems.map((p) => p.code), ['BUNDLE_ID_MISMATCH']);

    // Same identifier and version, different bytes (a rebuild): the hash must not pass.
    writeFileSync(file, built);
    const rebuilt = await buildIpa({ out: join(dir, 'Rebuilt.ipa'), bundleId: 'com.example.cli', displayName: 'Rebuilt', version: '2.5', build: '250' });
    const changed = run(['manifest', '--check', file, '--ipa', rebuilt, '--json']);
    assert.equal(changed.status, 1, changed.stdout + changed.stderr);
    assert.deepEqual((JSON.parse(changed.stdout) as { problems: { code: string }[] }).problems.map((p) => p.code), ['HASH_MISMATCH']);
  });

  test('a loopback software-package URL: a warning when building, an error (exit 1) for --check, like lint', () => {
    const built = run(['manifest', ipa, '--ipa-url', 'https://localhost/a.ipa']);
    assert.equal(built.status, 0, built.stderr);
    assert.match(built.stderr, /^otaship: warning: .*localhost.*cannot reach.*\(URL_LOOPBACK, an error for manifest --check\)$/m);
    const file = join(dir, 'loopback.plist');
    writeFileSync(file, built.stdout);
    const checked = run(['manifest', '--check', file]);
    assert.equal(checked.status, 1, checked.stdout);
    assert.match(checked.stdout, /^error {3}URL_LOOPBACK /m);
  });

  test('a software-package URL ending in .plist is flagged when building and checking', () => {
    const built = run(['manifest', ipa, '--ipa-url', 'https://dl.example.com/manifest.plist']);
    assert.match(built.stderr, /^otaship: warning: .*software-package URL ends in \.plist.*PACKAGE_URL_IS_MANIFEST/m);
    const file = join(dir, 'plist-package.plist');
    writeFileSync(file, built.stdout);
    const checked = run(['manifest', '--check', file]);
    assert.equal(checked.status, 1);
    assert.match(checked.stdout, /PACKAGE_URL_IS_MANIFEST/);
  });

  test('warnings alone keep exit 0', () => {
    const file = join(dir, 'warn.plist');
    writeFileSync(file, run(['manifest', ipa, '--ipa-url', 'https://192.168.1.5:8443/App.ipa']).stdout);
    const res = run(['manifest', '--check', file]);
    assert.equal(res.status, 0, res.stdout);
    assert.match(res.stdout, /^warning URL_PRIVATE_NETWORK /m);
    assert.match(res.stdout, /valid \(1 warning\)\n$/);
  });

  test('unreadable input exits 2; a huge file is reported as too large without being read whole', () => {
    const missing = run(['manifest', '--check', join(dir, 'nope.plist')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.plist cannot be read \(ENOENT\)/);
    const folder = run(['manifest', '--check', dir]);
    assert.equal(folder.status, 2);
    const big = join(dir, 'big.plist');
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 0x20));
    const res = run(['manifest', '--check', big, '--json']);
    assert.equal(res.status, 1);
    assert.deepEqual((JSON.parse(res.stdout) as { problems: { code: string }[] }).problems.map((p) => p.code), ['TOO_LARGE']);
  });

  test('manifest content cannot reach the terminal as control sequences', () => {
    const file = join(dir, 'ansi.plist');
    const good = run(['manifest', ipa, '--ipa-url', URL_IPA]).stdout;
    writeFileSync(file, good.replace('<string>software</string>', '<string>\u001b[31mred\u001b[0m\u202e\u2066</string>'));
    const res = run(['manifest', '--check', file]);
    assert.equal(res.status, 1);
    assert.match(res.stdout, /KIND_NOT_SOFTWARE/);
    assert.ok(!res.stdout.includes('\u001b'), 'no ESC in the output');
    assert.ok(!res.stdout.includes('\u202e') && !res.stdout.includes('\u2066'), 'no bidirectional controls in the output');
  });
});
