// readIconFile / readIcon and the icon pixel budget: an icon whose inspected size is past the budget
// is refused before its bytes are read or decoded, with or without a previous inspect() result; the
// icon the CLI writes (readIcon) holds standard PNG chunks only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOtashipError } from '../../../src/core/errors.js';
import { inspect, readIcon, readIconFile } from '../../../src/core/inspect/index.js';
import type { IpaInfo } from '../../../src/core/types.js';
import { buildIpa, pngChunk, standardPng, undecodablePng } from '../../helpers/synthetic-ipa.js';
import { assertStrictPng } from '../../helpers/strict-png.js';
import { apkBuffer, encodeAxml, int, manifestTree, scratchDir, str } from '../../helpers/synthetic-apk.js';

/** A WebP (VP8X) header claiming `width`×`height`, then bytes that decode as nothing. */
function undecodableWebp(width: number, height: number): Buffer {
  const head = Buffer.alloc(30);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(22 + 64, 4);
  head.write('WEBPVP8X', 8, 'latin1');
  head.writeUInt32LE(10, 16);
  head.writeUIntLE(width - 1, 24, 3);
  head.writeUIntLE(height - 1, 27, 3);
  return Buffer.concat([head, Buffer.alloc(64, 0xee)]);
}

const tooLarge = (e: unknown): boolean => isOtashipError(e) && e.code === 'ICON_TOO_LARGE' && /12000×12000/.test(e.message);

describe('readIconFile and the pixel budget', () => {
  test('an icon inspected as 12000×12000 is refused, with or without a previous inspect() result', async () => {
    const path = await buildIpa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 12000, height: 12000, data: undecodablePng(12000, 12000) }] });
    await assert.rejects(readIconFile(path), tooLarge);
    await assert.rejects(readIcon(path), tooLarge);
    // With the result, inspect() kept the icon's bytes: they are not handed out either.
    await assert.rejects(readIconFile(path, (await inspect(path)) as IpaInfo), tooLarge);
  });

  test('an icon within the budget is chosen over a larger one past it: a bogus giant does not leave the app iconless', async () => {
    const path = await buildIpa({
      icons: [
        { file: 'AppIcon60x60@2x.png', width: 120, height: 120 },
        { file: 'AppIcon60x60@3x.png', width: 12000, height: 12000, data: undecodablePng(12000, 12000) },
      ],
    });
    const info = (await inspect(path)) as IpaInfo;
    assert.deepEqual(info.icon, { entry: 'Payload/Example.app/AppIcon60x60@2x.png', width: 120, height: 120 });
    assert.ok(await readIconFile(path, info));
  });

  test('the inspected size is checked before the icon is read: a result claiming 12000×12000 is refused', async () => {
    // The file's icon is a harmless 60×60: only the size in the result can refuse it.
    const path = await buildIpa({ icons: [{ file: 'AppIcon60x60@1x.png', width: 60, height: 60 }] });
    const info = (await inspect(path)) as IpaInfo;
    assert.ok(info.icon);
    assert.ok(await readIconFile(path, info));
    const claimed: IpaInfo = { ...info, icon: { ...info.icon, width: 12000, height: 12000 } };
    await assert.rejects(readIconFile(path, claimed), tooLarge);
  });

  test('within the budget, readIconFile gives the stored bytes (CgBI stays CgBI)', async () => {
    const path = await buildIpa({ icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] });
    const file = await readIconFile(path, (await inspect(path)) as IpaInfo);
    assert.equal(file?.entry, 'Payload/Example.app/AppIcon60x60@2x.png');
    assert.equal(file?.bytes.toString('latin1', 12, 16), 'CgBI');
  });
});

describe('readIconFile and the pixel budget (APK)', () => {
  test('a 12000×12000 WebP launcher icon is refused before it is converted (sharp would fail on it with BAD_ICON)', async () => {
    const dir = await scratchDir();
    try {
      const apk = await apkBuffer({
        manifest: encodeAxml(manifestTree({ package: 'com.example.hugeicon', versionCode: int(1), versionName: str('1.0'), minSdk: int(24) })),
        files: { 'res/mipmap-xxxhdpi/ic_launcher.webp': undecodableWebp(12000, 12000) },
        v1: true,
      });
      const path = await dir.write('huge.apk', apk);
      const info = await inspect(path);
      assert.equal(info.kind, 'apk');
      assert.deepEqual(info.icon, { entry: 'res/mipmap-xxxhdpi/ic_launcher.webp', width: 12000, height: 12000 });
      await assert.rejects(readIconFile(path, info), tooLarge);
      await assert.rejects(readIconFile(path), tooLarge);
    } finally {
      await dir.remove();
    }
  });
});

describe('readIcon writes standard PNGs', () => {
  test('a standard icon with Apple iDOT and a private chunk comes out with standard chunks only', async () => {
    const clean = standardPng(60, 60);
    const withPrivate = Buffer.concat([clean.subarray(0, 33), pngChunk('iDOT', Buffer.alloc(28, 1)), pngChunk('prIV', Buffer.from('x')), clean.subarray(33)]);
    const path = await buildIpa({ icons: [{ file: 'AppIcon60x60@1x.png', width: 60, height: 60, data: withPrivate }] });
    const png = await readIcon(path);
    assert.ok(png);
    assert.deepEqual(assertStrictPng(png), ['IHDR', 'IDAT', 'IEND']);
  });
});
