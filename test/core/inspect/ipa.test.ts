import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import yazl from 'yazl';
import { appIdMatches, inspect, readIcon } from '../../../src/core/inspect/index.js';
import { OtashipError } from '../../../src/core/errors.js';
import type { IpaInfo } from '../../../src/core/types.js';
import { buildIpa, buildZip, corruptEntryCrc as corruptCrc, tempPath, zeros } from '../../helpers/synthetic-ipa.js';
import type { SyntheticIpaOptions } from '../../helpers/synthetic-ipa.js';

const DAY = 86400_000;

async function ipa(o: SyntheticIpaOptions = {}, now?: number): Promise<IpaInfo> {
  const r = await inspect(await buildIpa(o), now === undefined ? {} : { now });
  assert.equal(r.kind, 'ipa');
  return r as IpaInfo;
}

function codes(info: IpaInfo, severity?: 'error' | 'warning'): string[] {
  return info.installable.reasons.filter((r) => !severity || r.severity === severity).map((r) => r.code);
}

async function rejectsWith(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof OtashipError, `expected OtashipError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

describe('IPA identity', () => {
  test('reads identity from a binary Info.plist', async () => {
    const r = await ipa({ bundleId: 'com.acme.tool', displayName: 'Acme', version: '2.0.1', build: '2001', minOsVersion: '16.4', deviceFamilies: [2] });
    assert.equal(r.bundleId, 'com.acme.tool');
    assert.equal(r.name, 'Acme');
    assert.equal(r.version, '2.0.1');
    assert.equal(r.build, '2001');
    assert.equal(r.minOsVersion, '16.4');
    assert.deepEqual(r.deviceFamilies, ['ipad']);
    assert.equal(r.infoPlistFormat, 'binary');
    assert.equal(r.appPath, 'Payload/Example.app');
    assert.equal(r.signed, true);
    assert.ok(r.size > 0);
  });

  test('XML Info.plist; name falls back to CFBundleName then CFBundleExecutable; missing version is null', async () => {
    let r = await ipa({ infoPlistFormat: 'xml', displayName: null, bundleName: 'Bundle Name', version: null });
    assert.equal(r.infoPlistFormat, 'xml');
    assert.equal(r.name, 'Bundle Name');
    assert.equal(r.version, null);
    r = await ipa({ displayName: null, bundleName: null, executable: 'ExecName' });
    assert.equal(r.name, 'ExecName');
  });

  test('device families map 1,2,3,4,7; absent → iphone', async () => {
    assert.deepEqual((await ipa({ deviceFamilies: [7, 1, 3, 4, 2] })).deviceFamilies, ['iphone', 'ipad', 'tv', 'watch', 'vision']);
    assert.deepEqual((await ipa({ deviceFamilies: null })).deviceFamilies, ['iphone']);
  });

  test('unicode and hostile names pass through verbatim (escaping is the renderer’s job)', async () => {
    const hostile = `<script>alert("x")</script>&'ü名`;
    const folder = `Ünï <b>&"' 名`; // a folder name cannot hold '/'
    const r = await ipa({ appName: folder, displayName: hostile });
    assert.equal(r.name, hostile);
    assert.equal(r.appPath, `Payload/${folder}.app`);
  });

  test('nested bundles listed before the main app do not win; extensions are the direct nested bundles, sorted', async () => {
    const r = await ipa({
      bundleId: 'com.main.app',
      nestedFirst: true,
      nested: [{ path: 'Watch/Watch.app' }, { path: 'PlugIns/Share.appex' }, { path: 'AppClips/Clip.app' }, { path: 'Extensions/Widget.appex' }, { path: 'Watch/Watch.app/PlugIns/Deep.appex' }],
    });
    assert.equal(r.bundleId, 'com.main.app');
    assert.deepEqual(r.extensions, [
      'Payload/Example.app/AppClips/Clip.app',
      'Payload/Example.app/Extensions/Widget.appex',
      'Payload/Example.app/PlugIns/Share.appex',
      'Payload/Example.app/Watch/Watch.app',
    ]);
  });

  test('zip64, data descriptors and a large stored filler entry', async () => {
    const r = await ipa({ zip64: true, dataDescriptors: true, fillerBytes: 5 * 1024 * 1024, bundleId: 'com.zip64.app' });
    assert.equal(r.bundleId, 'com.zip64.app');
    assert.ok(r.size > 5 * 1024 * 1024);
  });

  test('__MACOSX copies and a second app: first real app is chosen and the other is reported', async () => {
    const r = await ipa({
      otherApps: ['Zother'],
      extraEntries: [{ name: '__MACOSX/Payload/Example.app/._Info.plist', data: Buffer.from('junk') }, { name: 'Payload/.DS_Store', data: Buffer.from('x') }],
    });
    assert.equal(r.appPath, 'Payload/Zother.app');
    assert.ok(codes(r, 'warning').includes('MULTIPLE_APPS'));
  });
});

describe('CFBundleVersion', () => {
  test('missing: build is empty (no fallback to the marketing version) and the app is not installable, saying why', async () => {
    const r = await ipa({ build: null, version: '2.0' });
    assert.equal(r.build, '');
    assert.equal(r.version, '2.0');
    assert.equal(r.installable.ok, false);
    const reason = r.installable.reasons.find((x) => x.code === 'NO_BUNDLE_VERSION');
    assert.ok(reason, JSON.stringify(r.installable.reasons));
    assert.equal(reason.severity, 'error');
    assert.match(reason.message, /no CFBundleVersion.*iOS refuses to install/);
  });
  test('of the wrong type: the reason says so', async () => {
    const r = await ipa({ infoPlistExtra: { CFBundleVersion: ['1'] } });
    assert.match(r.installable.reasons.find((x) => x.code === 'NO_BUNDLE_VERSION')?.message ?? '', /CFBundleVersion is an array, not a string/);
  });
  test('present: no NO_BUNDLE_VERSION reason', async () => {
    assert.ok(!codes(await ipa()).includes('NO_BUNDLE_VERSION'));
  });
});

describe('not an IPA', () => {
  test('a zip with the app inside an extra top folder → NO_APP_BUNDLE saying where the plist is', async () => {
    await rejectsWith(inspect(await buildIpa({ topFolder: 'Wrapper' })), 'NO_APP_BUNDLE', /Wrapper\/Payload\/Example\.app\/Info\.plist/);
  });
  test('an empty Payload/ and a plain zip → NO_APP_BUNDLE with what was found', async () => {
    await rejectsWith(inspect(await buildZip([{ name: 'Payload/', data: Buffer.alloc(0) }])), 'NO_APP_BUNDLE');
    await rejectsWith(inspect(await buildZip([{ name: 'Payload/App.app/Frameworks/libswiftCore.dylib', data: Buffer.from('x') }])), 'NO_APP_BUNDLE', /App\.app\/ has no Info\.plist/);
    await rejectsWith(inspect(await buildZip([{ name: 'readme.txt', data: Buffer.from('x') }])), 'NO_APP_BUNDLE', /Payload/);
  });
  test('an unreadable Info.plist → BAD_PLIST naming the entry; one without CFBundleIdentifier too', async () => {
    await rejectsWith(inspect(await buildIpa({ infoPlistRaw: Buffer.from('<plist><dict><key>x</key></plist') })), 'BAD_PLIST', /Payload\/Example\.app\/Info\.plist/);
    await rejectsWith(inspect(await buildIpa({ infoPlistRaw: Buffer.from('<?xml version="1.0"?><plist><dict><key>CFBundleVersion</key><string>1</string></dict></plist>') })), 'BAD_PLIST', /CFBundleIdentifier/);
  });
  test('a CFBundleIdentifier of the wrong type is named as such, not as missing', async () => {
    await rejectsWith(inspect(await buildIpa({ infoPlistExtra: { CFBundleIdentifier: ['com.example.app'] } })), 'BAD_PLIST', /CFBundleIdentifier is an array, not a string/);
    await rejectsWith(inspect(await buildIpa({ infoPlistExtra: { CFBundleIdentifier: { a: 'b' } } })), 'BAD_PLIST', /CFBundleIdentifier is a dictionary, not a string/);
  });
  test('an Info.plist that inflates to 100 MB → ZIP_BOMB naming it', async () => {
    const path = await tempPath('bomb.ipa');
    const zip = new yazl.ZipFile();
    zip.addReadStream(zeros(100 * 1024 * 1024), 'Payload/Bomb.app/Info.plist');
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(path));
    await rejectsWith(inspect(path), 'ZIP_BOMB', /Payload\/Bomb\.app\/Info\.plist/);
  });
  test('the Info.plist cap is configurable', async () => {
    await rejectsWith(inspect(await buildIpa(), { limits: { infoPlistBytes: 64 } }), 'ZIP_BOMB', /Info\.plist/);
  });
});

describe('installability', () => {
  const now = Date.parse('2026-01-15T00:00:00Z');
  const future = new Date(now + 100 * DAY);

  test('ad-hoc, development and enterprise builds with current profiles are installable', async () => {
    for (const type of ['ad-hoc', 'development', 'enterprise'] as const) {
      const r = await ipa({ profile: { type, expiresAt: future } }, now);
      assert.equal(r.installable.ok, true, `${type}: ${JSON.stringify(r.installable)}`);
      assert.equal(r.profile?.type, type);
    }
    const dev = await ipa({ profile: { type: 'development', expiresAt: future } }, now);
    assert.ok(codes(dev, 'warning').includes('DEVELOPER_MODE'));
  });

  test('App Store profile → APP_STORE_PROFILE error', async () => {
    const r = await ipa({ profile: { type: 'app-store', expiresAt: future } }, now);
    assert.equal(r.installable.ok, false);
    assert.deepEqual(codes(r, 'error'), ['APP_STORE_PROFILE']);
  });

  test('expired profile → PROFILE_EXPIRED, judged against the injected now', async () => {
    const o: SyntheticIpaOptions = { profile: { type: 'ad-hoc', expiresAt: new Date(now), certificateExpiresAt: future } };
    const path = await buildIpa(o);
    const before = (await inspect(path, { now: now - DAY })) as IpaInfo;
    const after = (await inspect(path, { now: now + DAY })) as IpaInfo;
    assert.equal(before.installable.ok, true);
    assert.deepEqual(codes(after, 'error'), ['PROFILE_EXPIRED']);
  });

  test('every certificate expired → CERTIFICATE_EXPIRED', async () => {
    const r = await ipa({ profile: { type: 'ad-hoc', expiresAt: future, certificateExpiresAt: new Date(now - DAY) } }, now);
    assert.deepEqual(codes(r, 'error'), ['CERTIFICATE_EXPIRED']);
  });

  test('unsigned → UNSIGNED; signed without profile → NO_PROFILE', async () => {
    const unsigned = await ipa({ profile: null, codeSignature: false });
    assert.equal(unsigned.signed, false);
    assert.deepEqual(codes(unsigned, 'error'), ['UNSIGNED']);
    const noProfile = await ipa({ profile: null, codeSignature: true });
    assert.equal(noProfile.signed, true);
    assert.deepEqual(codes(noProfile, 'error'), ['NO_PROFILE']);
  });

  test('simulator build → SIMULATOR_BUILD; macOS-only profile → MACOS_PROFILE', async () => {
    const sim = await ipa({ platforms: ['iPhoneSimulator'], profile: { expiresAt: future } }, now);
    assert.ok(codes(sim, 'error').includes('SIMULATOR_BUILD'));
    const mac = await ipa({ profile: { expiresAt: future, platforms: ['OSX'] } }, now);
    assert.ok(codes(mac, 'error').includes('MACOS_PROFILE'));
  });

  test('bundle id mismatch honours wildcards', async () => {
    const bad = await ipa({ bundleId: 'com.example.app', profile: { expiresAt: future, appId: 'ABCDE12345.com.other.app' } }, now);
    assert.deepEqual(codes(bad, 'error'), ['BUNDLE_ID_MISMATCH']);
    const wild = await ipa({ bundleId: 'com.example.app', profile: { expiresAt: future, appId: 'ABCDE12345.*' } }, now);
    assert.equal(wild.installable.ok, true);
    assert.equal(appIdMatches('T.com.example.*', 'com.example.app'), true);
    assert.equal(appIdMatches('T.com.example.*', 'com.examples'), false);
    assert.equal(appIdMatches('T.com.example.app', 'com.example.app'), true);
    assert.equal(appIdMatches('T.com.example.app', 'com.example.app2'), false);
  });
});

describe('icons', () => {
  test('the largest listed icon wins, by PNG dimensions (CgBI read too)', async () => {
    const r = await ipa({
      icons: [
        { file: 'AppIcon60x60@2x.png', width: 120, height: 120 },
        { file: 'AppIcon60x60@3x.png', width: 180, height: 180 },
        { file: 'AppIcon76x76~ipad.png', width: 76, height: 76, cgbi: false },
      ],
    });
    assert.deepEqual(r.icon, { entry: 'Payload/Example.app/AppIcon60x60@3x.png', width: 180, height: 180 });
  });

  for (const iconKey of ['CFBundleIcons~ipad', 'CFBundleIconFiles', 'CFBundleIconFile'] as const) {
    test(`icons named by ${iconKey} are found`, async () => {
      const r = await ipa({ iconKey, icons: [{ file: 'Icon@2x.png', width: 114, height: 114 }, { file: 'Icon.png', width: 57, height: 57 }] });
      assert.deepEqual(r.icon, { entry: 'Payload/Example.app/Icon@2x.png', width: 114, height: 114 });
    });
  }

  test('CFBundleIconFiles as a string (not an array) is accepted', async () => {
    const r = await ipa({ iconKey: 'none', icons: [{ file: 'AppIcon40x40@2x.png', width: 80, height: 80 }], infoPlistExtra: { CFBundleIconFiles: 'AppIcon40x40' } });
    assert.equal(r.icon?.width, 80);
  });

  test('no icon files (Assets.car only) → icon null, readIcon null', async () => {
    const path = await buildIpa({ extraEntries: [{ name: 'Payload/Example.app/Assets.car', data: Buffer.from('BOMStore') }] });
    const r = (await inspect(path)) as IpaInfo;
    assert.equal(r.icon, null);
    assert.equal(await readIcon(path, r), null);
  });

  test('readIcon returns a standard PNG that pngjs and sharp decode with un-premultiplied pixels', async () => {
    const path = await buildIpa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 30, height: 30 }] });
    const png = await readIcon(path);
    assert.ok(png);
    const decoded = PNG.sync.read(png);
    assert.equal(decoded.width, 30);
    const meta = await sharp(png).metadata();
    assert.equal(meta.width, 30);
    assert.equal(meta.hasAlpha, true);
  });

  test('readIcon(path, info) after inspect reads the same icon, and notices a replaced file', async () => {
    const path = await buildIpa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 30, height: 30 }] });
    const info = (await inspect(path)) as IpaInfo;
    const fast = await readIcon(path, info);
    const fresh = await readIcon(path);
    assert.ok(fast && fresh);
    assert.ok(fast.equals(fresh));
    await buildIpa({ out: path, icons: [{ file: 'AppIcon60x60@3x.png', width: 50, height: 50 }] });
    const replaced = await readIcon(path, info);
    assert.ok(replaced);
    assert.equal(PNG.sync.read(replaced).width, 50);
  });

  test('a damaged icon entry (CRC failure) is reported as ICON_DAMAGED, not hidden', async () => {
    const only = await buildIpa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 30, height: 30 }] });
    await corruptCrc(only, 'Payload/Example.app/AppIcon60x60@3x.png');
    const r = (await inspect(only)) as IpaInfo;
    assert.equal(r.icon, null);
    const reason = r.installable.reasons.find((x) => x.code === 'ICON_DAMAGED');
    assert.ok(reason, JSON.stringify(r.installable.reasons));
    assert.equal(reason.severity, 'warning');
    assert.match(reason.message, /Payload\/Example\.app\/AppIcon60x60@3x\.png \(CRC check failed\).*no readable icon/);
    // With a second, intact icon that one is used, and the damaged one is still named.
    const two = await buildIpa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 60, height: 60 }, { file: 'AppIcon60x60@2x.png', width: 40, height: 40 }] });
    await corruptCrc(two, 'Payload/Example.app/AppIcon60x60@3x.png');
    const r2 = (await inspect(two)) as IpaInfo;
    assert.equal(r2.icon?.entry, 'Payload/Example.app/AppIcon60x60@2x.png');
    assert.match(r2.installable.reasons.find((x) => x.code === 'ICON_DAMAGED')?.message ?? '', /@3x\.png \(CRC check failed\).*the icon shown is .*@2x\.png/);
  });

  test('a garbage file under an icon name is skipped; an icon cap breach is a ZIP_BOMB', async () => {
    const r = await ipa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 1, height: 1, data: Buffer.from('not a png') }, { file: 'AppIcon60x60@2x.png', width: 20, height: 20 }] });
    assert.equal(r.icon?.width, 20);
    await rejectsWith(inspect(await buildIpa({ icons: [{ file: 'AppIcon60x60@2x.png', width: 64, height: 64 }] }), { limits: { iconBytes: 100 } }), 'ZIP_BOMB', /AppIcon60x60@2x\.png/);
  });
});

describe('type detection by content', () => {
  test('an IPA renamed to .bin is still an IPA; an APK-shaped zip goes to the APK reader', async () => {
    const r = await inspect(await buildIpa({ out: await tempPath('renamed.bin') }));
    assert.equal(r.kind, 'ipa');
    const apk = await buildZip([{ name: 'AndroidManifest.xml', data: Buffer.from('not axml') }]);
    await assert.rejects(inspect(apk), (e: unknown) => e instanceof OtashipError && e.code === 'BAD_APK');
  });
});
