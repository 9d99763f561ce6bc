// The real third-party APKs in ../shared/fixtures (see INDEX.md): facts must match expected.json.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { inspectApkArchive, readApkIcon } from '../../../../src/core/inspect/apk/index.js';
import { openZip } from '../../../../src/core/zip/open.js';
import { FIXTURES_SKIP, expectedFixtures, fixturePath } from '../../../helpers/fixtures.js';
import { statSync } from 'node:fs';

const apks = Object.entries(expectedFixtures()).filter(([, e]) => e.kind === 'apk');

describe('real APK fixtures', { skip: FIXTURES_SKIP }, () => {
  test('there are APK fixtures to check', () => {
    assert.ok(apks.length >= 5, `expected.json lists ${apks.length} APKs`);
  });

  for (const [name, expected] of apks) {
    test(name, async () => {
      const path = fixturePath(name);
      const zip = await openZip(path);
      try {
        const info = await inspectApkArchive(zip, statSync(path).size);
        assert.equal(info.bundleId, expected.bundleId);
        assert.equal(info.version, expected.version);
        assert.equal(info.build, expected.build);
        assert.equal(info.minOsVersion, expected.minOsVersion);
        assert.equal(info.size, statSync(path).size);
        assert.ok(info.name.length > 0);
        assert.ok(info.deviceFamilies.length > 0);

        const isIcyleaf = name.startsWith('icyleaf');
        if (isIcyleaf) {
          // These demo apps carry a real label string resource and mipmap launcher icons.
          assert.notEqual(info.name, info.bundleId, 'label resolved through resources.arsc');
          assert.doesNotMatch(info.name, /^@/);
          assert.ok(info.icon, 'an icon is found');
          assert.match(info.icon.entry, /^res\/.+\.(png|webp)$/);
          assert.ok(info.icon.width >= 48 && info.icon.width === info.icon.height, `square launcher icon ${info.icon.width}x${info.icon.height}`);
          const png = await readApkIcon(zip, info);
          assert.ok(png);
          const meta = await sharp(png).metadata();
          assert.equal(meta.format, 'png');
          assert.equal(meta.width, info.icon.width);
        }
        if (name === 'icyleaf_app_info/tv.apk') assert.ok(info.deviceFamilies.includes('tv'));
        if (name === 'icyleaf_app_info/wear.apk') assert.ok(info.deviceFamilies.includes('watch'));
        if (name === 'icyleaf_app_info/android.apk') {
          // INDEX.md: v1 JAR signature plus an APK Signing Block.
          assert.ok(info.signatureSchemes.includes(1));
          assert.ok(info.signatureSchemes.some((s) => s >= 2));
        }
        if (name === 'getsentry_sentry-cli/apk.apk') {
          // Stripped to AndroidManifest.xml alone: no resources, no signature.
          assert.deepEqual(info.signatureSchemes, []);
          assert.equal(info.installable.ok, false);
          assert.ok(info.installable.reasons.some((r) => r.code === 'UNSIGNED'));
        } else {
          assert.ok(info.signatureSchemes.includes(1), 'signed');
        }
      } finally {
        await zip.close();
      }
    });
  }
});
