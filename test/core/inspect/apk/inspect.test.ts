import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { inspectApkArchive, readApkIcon } from '../../../../src/core/inspect/apk/index.js';
import { openZip } from '../../../../src/core/zip/open.js';
import { OtashipError, isOtashipError } from '../../../../src/core/errors.js';
import type { ApkInfo } from '../../../../src/core/types.js';
import {
  BLOCK_ID,
  type ApkSpec,
  type ManifestSpec,
  type ResEntrySpec,
  adaptiveIconXml,
  apkBuffer,
  encodeArsc,
  encodeAxml,
  file,
  hex,
  int,
  manifestTree,
  pngOf,
  ref,
  resourceIds,
  scratchDir,
  str,
  zipBuffer,
} from '../../../helpers/synthetic-apk.js';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
let counter = 0;
before(async () => {
  scratch = await scratchDir();
});
after(async () => {
  await scratch.remove();
});

async function withApk<T>(bytes: Buffer, fn: (info: ApkInfo, read: () => Promise<Buffer | null>) => Promise<T> | T): Promise<T> {
  const path = await scratch.write(`t${counter++}.apk`, bytes);
  const zip = await openZip(path);
  try {
    const info = await inspectApkArchive(zip, bytes.length);
    return await fn(info, () => readApkIcon(zip, info));
  } finally {
    await zip.close();
  }
}

async function inspectBytes(bytes: Buffer): Promise<ApkInfo> {
  return withApk(bytes, (info) => info);
}

const base: ManifestSpec = {
  package: 'com.example.demo',
  versionCode: int(7),
  versionName: str('1.4.2'),
  minSdk: int(24),
  targetSdk: int(34),
};

const names = [
  { type: 'string', name: 'app_name' },
  { type: 'mipmap', name: 'ic_launcher' },
  { type: 'mipmap', name: 'ic_launcher_round' },
  { type: 'mipmap', name: 'ic_launcher_foreground' },
  { type: 'drawable', name: 'ic_launcher_background' },
];
const ids = resourceIds(names);
const id = (k: string): number => ids.get(k)!;

function table(extra: Partial<Record<string, ResEntrySpec['values']>> = {}): Buffer {
  const values: Record<string, ResEntrySpec['values']> = {
    'string/app_name': [{ value: str('Demo') }, { config: { language: 'de' }, value: str('Demo DE') }],
    'mipmap/ic_launcher': [
      { config: { density: 160 }, value: file('res/mipmap-mdpi/ic_launcher.png') },
      { config: { density: 480 }, value: file('res/mipmap-xxhdpi/ic_launcher.png') },
      { config: { density: 320 }, value: file('res/mipmap-xhdpi/ic_launcher.png') },
    ],
    'mipmap/ic_launcher_round': [{ config: { density: 160 }, value: file('res/mipmap-mdpi/ic_launcher_round.png') }],
    'mipmap/ic_launcher_foreground': [{ config: { density: 160 }, value: file('res/mipmap-mdpi/ic_launcher_foreground.png') }],
    'drawable/ic_launcher_background': [{ value: file('res/drawable/ic_launcher_background.xml') }],
    ...extra,
  };
  return encodeArsc(
    names.map((n) => ({ ...n, values: values[`${n.type}/${n.name}`] ?? [] })).filter((e) => e.values.length > 0),
  ).buf;
}

const icons = {
  'res/mipmap-mdpi/ic_launcher.png': pngOf(48, 48),
  'res/mipmap-xhdpi/ic_launcher.png': pngOf(96, 96),
  'res/mipmap-xxhdpi/ic_launcher.png': pngOf(144, 144),
  'res/mipmap-mdpi/ic_launcher_round.png': pngOf(48, 48),
  'res/mipmap-mdpi/ic_launcher_foreground.png': pngOf(108, 108),
};

function apk(m: Partial<ManifestSpec>, rest: Omit<ApkSpec, 'manifest'> = {}): Promise<Buffer> {
  return apkBuffer({
    manifest: encodeAxml(manifestTree({ ...base, label: ref(id('string/app_name')), icon: ref(id('mipmap/ic_launcher')), ...m })),
    arsc: table(),
    files: icons,
    v1: true,
    ...rest,
  });
}

function rejects(code: string, pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(isOtashipError(err), `expected OtashipError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('inspectApkArchive: manifest facts', () => {
  test('package, version, build, SDK levels and the label from resources.arsc', async () => {
    const info = await inspectBytes(await apk({}));
    assert.equal(info.kind, 'apk');
    assert.equal(info.bundleId, 'com.example.demo');
    assert.equal(info.version, '1.4.2');
    assert.equal(info.build, '7');
    assert.equal(info.minOsVersion, '24');
    assert.equal(info.targetSdk, '34');
    assert.equal(info.name, 'Demo');
    assert.deepEqual(info.deviceFamilies, ['phone']);
    assert.deepEqual(info.extensions, []);
    assert.equal(info.profile, null);
    assert.ok(info.size > 0);
  });

  test('versionCode in hex and above 2^31 is printed as an unsigned decimal', async () => {
    assert.equal((await inspectBytes(await apk({ versionCode: hex(0xff) }))).build, '255');
    assert.equal((await inspectBytes(await apk({ versionCode: int(3000000000) }))).build, '3000000000');
  });

  test('a missing versionName gives version null; a missing uses-sdk gives null SDK levels', async () => {
    const info = await inspectBytes(await apk({ versionName: undefined, minSdk: undefined, targetSdk: undefined }));
    assert.equal(info.version, null);
    assert.equal(info.minOsVersion, null);
    assert.equal(info.targetSdk, null);
  });

  test('versionCodeMajor forms the long version code; a missing versionCode is 0 as on Android', async () => {
    assert.equal((await inspectBytes(await apk({ versionCodeMajor: int(1), versionCode: int(5) }))).build, String(2 ** 32 + 5));
    assert.equal((await inspectBytes(await apk({ versionCode: undefined }))).build, '0');
  });

  test('a non-numeric versionCode or a missing package is BAD_APK naming the attribute', async () => {
    await assert.rejects(inspectBytes(await apk({ versionCode: str('1.2') })), rejects('BAD_APK', /versionCode/));
    await assert.rejects(inspectBytes(await apk({ package: undefined })), rejects('BAD_APK', /package/));
  });

  test('literal, unicode and hostile labels are kept as text on one line', async () => {
    assert.equal((await inspectBytes(await apk({ label: str('Plain name') }))).name, 'Plain name');
    assert.equal((await inspectBytes(await apk({ label: str('应用 🚀 Ünïcödé') }))).name, '应用 🚀 Ünïcödé');
    const hostile = '<script>alert("x")</script>&amp;\n\u0000Evil';
    assert.equal((await inspectBytes(await apk({ label: str(hostile) }))).name, '<script>alert("x")</script>&amp; Evil');
    const long = (await inspectBytes(await apk({ label: str('x'.repeat(5000)) }))).name;
    assert.ok(long.length <= 256);
  });

  test('the label falls back to another configuration, then to the package name', async () => {
    const onlyGerman = await apkBuffer({
      manifest: encodeAxml(manifestTree({ ...base, label: ref(id('string/app_name')) })),
      arsc: table({ 'string/app_name': [{ config: { language: 'de' }, value: str('Nur Deutsch') }] }),
      v1: true,
    });
    assert.equal((await inspectBytes(onlyGerman)).name, 'Nur Deutsch');
    assert.equal((await inspectBytes(await apk({ label: ref(0x7f7f0000) }))).name, 'com.example.demo');
    assert.equal((await inspectBytes(await apk({ label: undefined }))).name, 'com.example.demo');
    const noTable = await apkBuffer({ manifest: encodeAxml(manifestTree({ ...base, label: ref(id('string/app_name')) })), v1: true });
    const info = await inspectBytes(noTable);
    assert.equal(info.name, 'com.example.demo');
    assert.equal(info.icon, null);
  });

  test('TV and watch apps are recognised from uses-feature and LEANBACK_LAUNCHER', async () => {
    const fam = async (m: Partial<ManifestSpec>): Promise<string[]> => (await inspectBytes(await apk(m))).deviceFamilies;
    assert.deepEqual(await fam({ features: [{ name: 'android.software.leanback' }] }), ['tv']);
    assert.deepEqual(await fam({ features: [{ name: 'android.software.leanback', required: false }] }), ['phone', 'tv']);
    assert.deepEqual(await fam({ leanbackLauncher: true }), ['phone', 'tv']);
    assert.deepEqual(await fam({ features: [{ name: 'android.hardware.type.watch' }] }), ['watch']);
    assert.deepEqual(await fam({ features: [{ name: 'android.hardware.camera' }] }), ['phone']);
  });
});

describe('inspectApkArchive: icons', () => {
  test('the largest raster density of the icon resource wins', async () => {
    await withApk(await apk({}), async (info, read) => {
      assert.deepEqual(info.icon, { entry: 'res/mipmap-xxhdpi/ic_launcher.png', width: 144, height: 144 });
      const png = await read();
      assert.ok(png);
      const meta = await sharp(png).metadata();
      assert.equal(meta.format, 'png');
      assert.equal(meta.width, 144);
    });
  });

  test('an adaptive (XML) icon falls back to its raster foreground', async () => {
    const bytes = await apkBuffer({
      manifest: encodeAxml(manifestTree({ ...base, icon: ref(id('mipmap/ic_launcher')) })),
      arsc: table({
        'mipmap/ic_launcher': [{ config: { density: 0xfffe, sdkVersion: 26 }, value: file('res/mipmap-anydpi-v26/ic_launcher.xml') }],
      }),
      files: {
        ...icons,
        'res/mipmap-anydpi-v26/ic_launcher.xml': adaptiveIconXml(id('mipmap/ic_launcher_foreground'), id('drawable/ic_launcher_background')),
      },
      v1: true,
    });
    const info = await inspectBytes(bytes);
    assert.deepEqual(info.icon, { entry: 'res/mipmap-mdpi/ic_launcher_foreground.png', width: 108, height: 108 });
  });

  test('when the icon resource has no raster at all, roundIcon or a conventional file is used', async () => {
    const noRaster = table({ 'mipmap/ic_launcher': [{ config: { density: 0xfffe }, value: file('res/mipmap-anydpi-v26/ic_launcher.xml') }] });
    const round = await apkBuffer({
      manifest: encodeAxml(manifestTree({ ...base, icon: ref(id('mipmap/ic_launcher')), roundIcon: ref(id('mipmap/ic_launcher_round')) })),
      arsc: noRaster,
      files: { 'res/mipmap-mdpi/ic_launcher_round.png': pngOf(48, 48) },
      v1: true,
    });
    assert.equal((await inspectBytes(round)).icon?.entry, 'res/mipmap-mdpi/ic_launcher_round.png');
    const conventional = await apkBuffer({
      manifest: encodeAxml(manifestTree({ ...base, icon: ref(0x7f7f0001) })),
      files: { 'res/mipmap-hdpi-v4/ic_launcher.png': pngOf(72, 72), 'res/mipmap-mdpi-v4/ic_launcher.png': pngOf(48, 48) },
      v1: true,
    });
    assert.deepEqual((await inspectBytes(conventional)).icon, { entry: 'res/mipmap-hdpi-v4/ic_launcher.png', width: 72, height: 72 });
  });

  test('a WebP icon is reported with its size and converted to PNG by readApkIcon', async () => {
    const webp = await sharp({ create: { width: 192, height: 192, channels: 4, background: '#336699' } }).webp().toBuffer();
    const bytes = await apkBuffer({
      manifest: encodeAxml(manifestTree({ ...base, icon: ref(id('mipmap/ic_launcher')) })),
      arsc: table({ 'mipmap/ic_launcher': [{ config: { density: 640 }, value: file('res/mipmap-xxxhdpi/ic_launcher.webp') }] }),
      files: { 'res/mipmap-xxxhdpi/ic_launcher.webp': webp },
      v1: true,
    });
    await withApk(bytes, async (info, read) => {
      assert.deepEqual(info.icon, { entry: 'res/mipmap-xxxhdpi/ic_launcher.webp', width: 192, height: 192 });
      const png = await read();
      assert.ok(png);
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
      const meta = await sharp(png).metadata();
      assert.deepEqual([meta.width, meta.height], [192, 192]);
    });
  });

  test('a WebP icon whose body is damaged gives BAD_ICON from readApkIcon', async () => {
    const webp = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).webp().toBuffer();
    const damaged = Buffer.concat([webp.subarray(0, 30), Buffer.alloc(webp.length - 30, 0xee)]);
    const bytes = await apkBuffer({
      manifest: encodeAxml(manifestTree({ ...base, icon: ref(id('mipmap/ic_launcher')) })),
      arsc: table({ 'mipmap/ic_launcher': [{ config: { density: 160 }, value: file('res/mipmap-mdpi/ic_launcher.webp') }] }),
      files: { 'res/mipmap-mdpi/ic_launcher.webp': damaged },
      v1: true,
    });
    await withApk(bytes, async (info, read) => {
      assert.equal(info.icon?.entry, 'res/mipmap-mdpi/ic_launcher.webp');
      await assert.rejects(read(), rejects('BAD_ICON', /ic_launcher\.webp/));
    });
  });

  test('icon files the table names but the zip lacks are skipped', async () => {
    const bytes = await apkBuffer({
      manifest: encodeAxml(manifestTree({ ...base, icon: ref(id('mipmap/ic_launcher')) })),
      arsc: table(),
      files: { 'res/mipmap-mdpi/ic_launcher.png': pngOf(48, 48) },
      v1: true,
    });
    assert.equal((await inspectBytes(bytes)).icon?.entry, 'res/mipmap-mdpi/ic_launcher.png');
  });
});

describe('inspectApkArchive: signatures and installability', () => {
  const schemes = async (rest: Omit<ApkSpec, 'manifest'>): Promise<ApkInfo> => inspectBytes(await apk({}, rest));

  test('v1 (JAR) signatures are read from META-INF', async () => {
    const info = await schemes({ v1: true });
    assert.deepEqual(info.signatureSchemes, [1]);
    assert.deepEqual(info.installable, { ok: true, reasons: [] });
  });

  test('v2, v3 and v3.1 blocks are found before the central directory', async () => {
    assert.deepEqual((await schemes({ v1: false, blockIds: [BLOCK_ID.V2] })).signatureSchemes, [2]);
    assert.deepEqual((await schemes({ v1: true, blockIds: [BLOCK_ID.V2, BLOCK_ID.V3, BLOCK_ID.PADDING] })).signatureSchemes, [1, 2, 3]);
    assert.deepEqual((await schemes({ v1: false, blockIds: [BLOCK_ID.V31] })).signatureSchemes, [3]);
    assert.deepEqual((await schemes({ v1: false, blockIds: [BLOCK_ID.PADDING] })).signatureSchemes, []);
  });

  test('an unsigned APK is not installable (UNSIGNED error)', async () => {
    const info = await schemes({ v1: false });
    assert.deepEqual(info.signatureSchemes, []);
    assert.equal(info.installable.ok, false);
    assert.deepEqual(
      info.installable.reasons.map((r) => [r.code, r.severity]),
      [['UNSIGNED', 'error']],
    );
  });

  test('a damaged signing block is not counted as a signature', async () => {
    const good = await apk({}, { v1: false, blockIds: [BLOCK_ID.V2] });
    const magic = good.indexOf(Buffer.from('APK Sig Block 42'));
    const bad = Buffer.from(good);
    bad.writeBigUInt64LE(1n << 40n, magic - 8); // trailing size no longer matches
    assert.deepEqual((await inspectBytes(bad)).signatureSchemes, []);
  });

  test('debuggable is a warning; testOnly blocks installs', async () => {
    const dbg = await inspectBytes(await apk({ debuggable: true }));
    assert.equal(dbg.installable.ok, true);
    assert.deepEqual(
      dbg.installable.reasons.map((r) => [r.code, r.severity]),
      [['DEBUGGABLE', 'warning']],
    );
    const testOnly = await inspectBytes(await apk({ testOnly: true, debuggable: false }));
    assert.equal(testOnly.installable.ok, false);
    assert.deepEqual(
      testOnly.installable.reasons.map((r) => r.code),
      ['TEST_ONLY'],
    );
  });
});

describe('inspectApkArchive: bad input', () => {
  test('no AndroidManifest.xml is BAD_APK; an app bundle is AAB_NOT_SUPPORTED, saying what to upload instead', async () => {
    await assert.rejects(inspectBytes(await zipBuffer({ 'hello.txt': Buffer.from('hi') })), rejects('BAD_APK', /AndroidManifest\.xml/));
    const aab = await zipBuffer({ 'base/manifest/AndroidManifest.xml': Buffer.from('proto'), 'BundleConfig.pb': Buffer.from('') });
    await assert.rejects(inspectBytes(aab), (e: unknown) => {
      assert.ok(e instanceof OtashipError);
      assert.equal(e.code, 'AAB_NOT_SUPPORTED');
      assert.match(e.message, /is an Android App Bundle \(\.aab\)/);
      // One message: what the file is, then (the hint) what to upload instead — the hint's advice is not repeated.
      assert.doesNotMatch(e.message, /universal|bundletool/);
      assert.match(e.toLine(), /universal APK/);
      return true;
    });
  });

  test('a text or garbage manifest and a garbage resources.arsc are BAD_APK naming the entry', async () => {
    await assert.rejects(
      inspectBytes(await apkBuffer({ manifest: Buffer.from('<manifest package="x"/>') })),
      rejects('BAD_APK', /AndroidManifest\.xml/),
    );
    await assert.rejects(
      inspectBytes(await apkBuffer({ manifest: encodeAxml(manifestTree(base)), arsc: Buffer.from('garbage!garbage!') })),
      rejects('BAD_APK', /resources\.arsc/),
    );
  });

  test('a manifest that inflates past 8 MiB is refused as a zip bomb', async () => {
    const huge = Buffer.concat([encodeAxml(manifestTree(base)), Buffer.alloc(9 * 1024 * 1024)]);
    await assert.rejects(inspectBytes(await apkBuffer({ manifest: huge })), rejects('ZIP_BOMB', /AndroidManifest\.xml/));
  });

  test('a truncated APK gives a clear zip error, not a stack trace', async () => {
    const full = await apk({});
    for (const keep of [0.3, 0.9]) {
      const cut = full.subarray(0, Math.floor(full.length * keep));
      const path = await scratch.write(`cut${keep}.apk`, cut);
      await assert.rejects(
        (async () => {
          const zip = await openZip(path);
          try {
            await inspectApkArchive(zip, cut.length);
          } finally {
            await zip.close();
          }
        })(),
        (err: unknown) => isOtashipError(err) && ['TRUNCATED_ZIP', 'CORRUPT_ZIP', 'BAD_APK'].includes(err.code),
      );
    }
  });
});
