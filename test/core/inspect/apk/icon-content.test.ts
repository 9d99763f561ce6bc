// Icons stored as resource files without an extension (as resource shrinkers and obfuscators write
// them, e.g. res/a1): found by their content — PNG/WebP/JPEG magic bytes, or binary XML for an
// adaptive icon — on synthetic APKs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { inspectApkArchive, readApkIcon } from '../../../../src/core/inspect/apk/index.js';
import { rasterSize } from '../../../../src/core/inspect/apk/image-size.js';
import { openZip } from '../../../../src/core/zip/open.js';
import type { ApkInfo } from '../../../../src/core/types.js';
import { adaptiveIconXml, apkBuffer, encodeArsc, encodeAxml, file, int, manifestTree, pngOf, ref, resourceIds, scratchDir, str } from '../../../helpers/synthetic-apk.js';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
let counter = 0;
before(async () => {
  scratch = await scratchDir();
});
after(async () => {
  await scratch.remove();
});

const names = [
  { type: 'mipmap', name: 'ic_launcher' },
  { type: 'mipmap', name: 'ic_launcher_foreground' },
  { type: 'drawable', name: 'ic_launcher_background' },
];
const ids = resourceIds(names);
const id = (k: string): number => ids.get(k)!;

async function apkWithIcon(icon: { path: string; density: number }[], files: Record<string, Buffer>, foreground = 'res/f0'): Promise<Buffer> {
  const arsc = encodeArsc([
    { type: 'mipmap', name: 'ic_launcher', values: icon.map((i) => ({ config: { density: i.density }, value: file(i.path) })) },
    { type: 'mipmap', name: 'ic_launcher_foreground', values: [{ config: { density: 480 }, value: file(foreground) }] },
    { type: 'drawable', name: 'ic_launcher_background', values: [{ config: { density: 480 }, value: file('res/bg') }] },
  ]).buf;
  const manifest = encodeAxml(manifestTree({ package: 'com.example.shrunk', versionCode: int(1), versionName: str('1.0'), minSdk: int(24), targetSdk: int(34), icon: ref(id('mipmap/ic_launcher')) }));
  return apkBuffer({ manifest, arsc, files, v1: true });
}

async function inspectWithIcon(bytes: Buffer): Promise<{ info: ApkInfo; png: Buffer | null }> {
  const path = await scratch.write(`shrunk${counter++}.apk`, bytes);
  const zip = await openZip(path);
  try {
    const info = await inspectApkArchive(zip, bytes.length);
    return { info, png: await readApkIcon(zip, info) };
  } finally {
    await zip.close();
  }
}

describe('APK icons without a file extension', () => {
  test('rasters are recognised by their magic bytes: the largest of a PNG and a WebP wins', async () => {
    const webp = await sharp({ create: { width: 192, height: 192, channels: 4, background: '#3366cc' } }).webp().toBuffer();
    assert.equal(rasterSize(webp)?.format, 'webp');
    const bytes = await apkWithIcon(
      [
        { path: 'res/a1', density: 160 },
        { path: 'res/b2', density: 640 },
      ],
      { 'res/a1': pngOf(48, 48), 'res/b2': webp },
    );
    const { info, png } = await inspectWithIcon(bytes);
    assert.deepEqual(info.icon, { entry: 'res/b2', width: 192, height: 192 });
    assert.ok(png);
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 192);
  });

  test('a JPEG without an extension is found too', async () => {
    const jpeg = await sharp({ create: { width: 96, height: 96, channels: 3, background: '#cc3366' } }).jpeg().toBuffer();
    const { info } = await inspectWithIcon(await apkWithIcon([{ path: 'res/j', density: 320 }], { 'res/j': jpeg }));
    assert.deepEqual(info.icon, { entry: 'res/j', width: 96, height: 96 });
  });

  test('an extensionless adaptive icon (binary XML) leads to its extensionless raster foreground', async () => {
    const bytes = await apkWithIcon([{ path: 'res/x0', density: 0xfffe }], {
      'res/x0': adaptiveIconXml(id('mipmap/ic_launcher_foreground'), id('drawable/ic_launcher_background')),
      'res/f0': pngOf(108, 108),
    });
    const { info } = await inspectWithIcon(bytes);
    assert.deepEqual(info.icon, { entry: 'res/f0', width: 108, height: 108 });
  });

  test('an extensionless file that is neither a raster nor binary XML is passed over, not an error', async () => {
    const bytes = await apkWithIcon([{ path: 'res/zz', density: 480 }], { 'res/zz': Buffer.from('not an image at all, just text') }, 'res/zz');
    const { info, png } = await inspectWithIcon(bytes);
    assert.equal(info.icon, null);
    assert.equal(png, null);
  });
});
