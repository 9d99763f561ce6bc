// Runs the real CLI (node bin/otaship, compiled dist/) as a user would.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import yazl from 'yazl';
import { buildIpa, buildProfile, corruptEntryCrc, tempPath, zeros } from '../helpers/synthetic-ipa.js';

const BIN = 'bin/otaship';

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('otaship inspect (CLI)', () => {
  test('the CLI is built (npm run build) — required for these tests', () => {
    assert.ok(existsSync('dist/cli/main.js'), 'dist/cli/main.js missing: run `npm run build` first');
  });

  test('--json prints one object with the documented fields', async () => {
    const path = await buildIpa({ bundleId: 'com.cli.test', displayName: 'CLI <Test> & "Co"', version: '3.1', build: '31', profile: { type: 'ad-hoc' }, nested: [{ path: 'PlugIns/Ext.appex' }] });
    const { code, stdout, stderr } = await run('inspect', path, '--json');
    assert.equal(code, 0, stderr);
    const r = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(r.kind, 'ipa');
    assert.equal(r.bundleId, 'com.cli.test');
    assert.equal(r.name, 'CLI <Test> & "Co"');
    assert.equal(r.version, '3.1');
    assert.equal(r.build, '31');
    assert.equal(r.minOsVersion, '15.0');
    assert.deepEqual(r.deviceFamilies, ['iphone', 'ipad']);
    assert.equal(r.appPath, 'Payload/Example.app');
    assert.deepEqual(r.extensions, ['Payload/Example.app/PlugIns/Ext.appex']);
    assert.equal(r.icon, null);
    const installable = r.installable as { ok: boolean; reasons: unknown[] };
    assert.equal(installable.ok, true);
    const profile = r.profile as { type: string; devices: string[]; expiresAt: string };
    assert.equal(profile.type, 'ad-hoc');
    assert.equal(profile.devices.length, 2);
    assert.match(profile.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test('a profile file prints its fields at top level with kind "profile"', async () => {
    const path = await tempPath('p.mobileprovision');
    await writeFile(path, await buildProfile({ type: 'enterprise', name: 'Ent' }));
    const { code, stdout } = await run('inspect', path, '--json');
    assert.equal(code, 0);
    const r = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(r.kind, 'profile');
    assert.equal(r.type, 'enterprise');
    assert.equal(r.name, 'Ent');
  });

  test('human output: aligned summary, profile block and verdict; --at judges expiry', async () => {
    const path = await buildIpa({ displayName: 'Human\u001b[31mRed\u202egnp.exe\u2067', profile: { type: 'development', expiresAt: new Date('2030-01-01T00:00:00Z') } });
    const now = await run('inspect', path, '--at', '2029-06-01');
    assert.equal(now.code, 0);
    assert.match(now.stdout, /^Kind: +iOS app \(ipa\)$/m);
    assert.match(now.stdout, /^Bundle ID: +com\.example\.app$/m);
    assert.match(now.stdout, /^Profile$/m);
    assert.match(now.stdout, /^ {2}Type: +development$/m);
    assert.match(now.stdout, /^Installable: yes$/m);
    assert.ok(!now.stdout.includes('\u001b'), 'control characters from the package never reach the terminal');
    for (const ch of ['\u202e', '\u2067']) assert.ok(!now.stdout.includes(ch), `bidi control U+${ch.charCodeAt(0).toString(16)} is neutralised`);
    // The inspector already cleaned the name (a control is a space, bidi controls are gone).
    assert.match(now.stdout, /^Name: +Human \[31mRedgnp\.exe$/m);
    const later = await run('inspect', path, '--at', '2030-06-01');
    assert.match(later.stdout, /^Installable: no$/m);
    assert.match(later.stdout, /error +PROFILE_EXPIRED/);
  });

  test('--icon writes a standard PNG; no icon → exit 2 saying so', async () => {
    const withIcon = await buildIpa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 48, height: 48 }] });
    const out = await tempPath('icon.png');
    const ok = await run('inspect', withIcon, '--icon', out);
    assert.equal(ok.code, 0, ok.stderr);
    const meta = await sharp(await readFile(out)).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 48);
    const none = await run('inspect', await buildIpa(), '--icon', await tempPath('none.png'));
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no icon/i);
  });

  test('--icon on a package whose only icon is damaged names the entry (exit 2), not "no icon"', async () => {
    const path = await buildIpa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 30, height: 30 }] });
    await corruptEntryCrc(path, 'Payload/Example.app/AppIcon60x60@3x.png');
    const res = await run('inspect', path, '--icon', await tempPath('damaged.png'));
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /AppIcon60x60@3x\.png \(CRC check failed\) is damaged/);
    assert.doesNotMatch(res.stderr, /no icon file|Assets\.car/);
    const summary = await run('inspect', path);
    assert.match(summary.stdout, /warning +ICON_DAMAGED +Icon file Payload\/Example\.app\/AppIcon60x60@3x\.png/);
  });

  test('--icon on a profile says a package is needed, without the Assets.car hint for packages', async () => {
    const path = await tempPath('icon.mobileprovision');
    await writeFile(path, await buildProfile({ type: 'ad-hoc' }));
    const res = await run('inspect', path, '--icon', await tempPath('p.png'));
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^otaship: --icon needs a package \(\.ipa or \.apk\): .*is a provisioning profile/);
    assert.doesNotMatch(res.stderr, /Assets\.car/);
  });

  test('--icon to a path that cannot be written: exit 2, one line naming the path and why', async () => {
    const withIcon = await buildIpa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 48, height: 48 }] });
    const missingDir = await run('inspect', withIcon, '--icon', '/nonexistent/dir/p.png');
    assert.equal(missingDir.code, 2, missingDir.stderr);
    assert.equal(missingDir.stderr.trim().split('\n').length, 1, missingDir.stderr);
    assert.match(missingDir.stderr, /^otaship: cannot write the icon to \/nonexistent\/dir\/p\.png: folder \/nonexistent\/dir does not exist/);
    assert.doesNotMatch(missingDir.stderr, /bug|unexpected/i);
    const folder = await run('inspect', withIcon, '--icon', tmpdir());
    assert.equal(folder.code, 2, folder.stderr);
    assert.match(folder.stderr, /is a folder/);
  });

  test('an .aab: read as a bundle (summary and --json); a damaged one exits 2 with one line', async () => {
    const { buildZip } = await import('../helpers/synthetic-ipa.js');
    const { bundleManifestBytes } = await import('../helpers/synthetic-aab.js');
    const bundle = async (name: string, manifest: Buffer): Promise<string> => {
      const path = await tempPath(name);
      await writeFile(path, await readFile(await buildZip([
        { name: 'base/manifest/AndroidManifest.xml', data: manifest },
        { name: 'base/lib/arm64-v8a/libapp.so', data: Buffer.from('elf') },
        { name: 'BundleConfig.pb', data: Buffer.from('') },
      ])));
      return path;
    };
    const aab = await bundle('app-release.aab', bundleManifestBytes('com.cli.bundle'));
    const human = await run('inspect', aab);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^Kind: +Android App Bundle \(aab\)$/m);
    assert.match(human.stdout, /^Bundle ID: +com\.cli\.bundle$/m);
    assert.match(human.stdout, /^Modules: +base$/m);
    assert.match(human.stdout, /^ABIs: +arm64-v8a$/m);
    assert.match(human.stdout, /^Installable: no$/m);
    const json = await run('inspect', aab, '--json');
    assert.equal(json.code, 0, json.stderr);
    const r = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.deepEqual([r.kind, r.bundleId, r.build, r.modules, r.abis], ['aab', 'com.cli.bundle', '0', ['base'], ['arm64-v8a']]);

    const damaged = await run('inspect', await bundle('broken.aab', Buffer.from('proto')));
    assert.equal(damaged.code, 2);
    assert.equal(damaged.stdout, '');
    const lines = damaged.stderr.trim().split('\n');
    assert.equal(lines.length, 1, damaged.stderr);
    assert.match(lines[0]!, /^otaship: broken\.aab: base\/manifest\/AndroidManifest\.xml is damaged/);
  });

  test('invalid input exits 2 with one line on stderr', async () => {
    const text = await tempPath('notes.ipa');
    await writeFile(text, 'hello');
    const empty = await tempPath('empty.ipa');
    await writeFile(empty, '');
    const bomb = await tempPath('bomb.ipa');
    const zip = new yazl.ZipFile();
    zip.addReadStream(zeros(20 * 1024 * 1024), 'Payload/B.app/Info.plist');
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(bomb));
    const valid = await readFile(await buildIpa());
    const truncated = await tempPath('cut.ipa');
    await writeFile(truncated, valid.subarray(0, Math.floor(valid.length / 2)));
    const noApp = await buildIpa({ topFolder: 'Wrapped' });
    const badPlist = await buildIpa({ infoPlistRaw: Buffer.from('<plist><dict>') });
    const cases: Array<[string, RegExp]> = [
      [text, /notes\.ipa is not an \.ipa, \.apk or provisioning profile \(its content matches none of them\)/],
      [empty, /empty\.ipa is not an \.ipa, \.apk or provisioning profile \(the file is empty\)/],
      [bomb, /Payload\/B\.app\/Info\.plist/],
      [truncated, /cut\.ipa is cut short/],
      [noApp, /Wrapped\/Payload\/Example\.app\/Info\.plist/],
      [badPlist, /Info\.plist is not a readable property list/],
      ['/no/such/file.ipa', /not found/i],
    ];
    for (const [file, pattern] of cases) {
      const r = await run('inspect', file, '--json');
      assert.equal(r.code, 2, `${file}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', /^otaship: /);
      assert.match(lines[0] ?? '', pattern);
    }
  });

  test('the fast path (no commander) and the full CLI answer alike: usage errors, help, --opt=value', async () => {
    const path = await buildIpa({ bundleId: 'com.cli.fast' });
    // Full CLI through the same compiled entry the launcher falls back to.
    const full = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
        });
      });
    for (const args of [['inspect'], ['inspect', '--bogus', path], ['inspect', path, 'extra'], ['inspect', '--help'], ['inspect', path, '--json']]) {
      const [a, b] = await Promise.all([run(...args), full(...args)]);
      assert.deepEqual(a, b, `otaship ${args.join(' ')}`);
    }
    const usage = await run('inspect');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /missing required argument 'file'/);
    const equals = await run('inspect', `--at=2020-01-01`, path, '--json');
    assert.equal(equals.code, 0, equals.stderr);
    assert.equal((JSON.parse(equals.stdout) as { bundleId: string }).bundleId, 'com.cli.fast');
  });
});
