// Every real third-party fixture listed in expected.json, checked against its ground truth.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import sharp from 'sharp';
import { inspect, readIcon } from '../../../src/core/inspect/index.js';
import { OtashipError } from '../../../src/core/errors.js';
import type { ApkInfo, IpaInfo, ProfileFileInfo, ProfileInfo } from '../../../src/core/types.js';
import { FIXTURES_PRESENT, FIXTURES_SKIP, expectedFixtures, fixturePath } from '../../helpers/fixtures.js';
import type { ExpectedEntry, ExpectedProfile } from '../../helpers/fixtures.js';
import { assertStrictPng } from '../../helpers/strict-png.js';

const REJECTION_CODES = new Set(['NOT_A_ZIP', 'UNKNOWN_FILE_TYPE', 'NO_APP_BUNDLE', 'TRUNCATED_ZIP', 'CORRUPT_ZIP', 'BAD_PLIST', 'BAD_PROFILE', 'BAD_APK']);

function checkProfile(actual: ProfileInfo, expected: ExpectedProfile): void {
  assert.equal(actual.type, expected.type, 'profile type');
  assert.equal(actual.name, expected.name, 'profile name');
  assert.equal(actual.teamId, expected.teamId, 'team id');
  assert.equal(actual.teamName, expected.teamName, 'team name');
  assert.equal(actual.uuid, expected.uuid, 'uuid');
  assert.equal(actual.createdAt, expected.createdAt, 'createdAt');
  assert.equal(actual.expiresAt, expected.expiresAt, 'expiresAt');
  assert.equal(actual.devices.length, expected.deviceCount, 'device count');
  assert.deepEqual(actual.platforms, expected.platforms ?? [], 'platforms');
}

async function checkIpa(file: string, r: IpaInfo, e: ExpectedEntry): Promise<void> {
  assert.equal(r.appPath, e.appPath);
  assert.equal(r.bundleId, e.bundleId);
  assert.equal(r.version, e.version ?? null);
  assert.equal(r.build, e.build);
  assert.equal(r.name, e.name);
  assert.equal(r.minOsVersion, e.minOsVersion);
  assert.deepEqual(r.deviceFamilies, e.deviceFamilies);
  if (e.infoPlistFormat) assert.equal(r.infoPlistFormat, e.infoPlistFormat);
  if (e.extensions) assert.deepEqual(r.extensions, [...e.extensions].sort());
  if (e.profile === null) assert.equal(r.profile, null);
  else if (e.profile) {
    assert.ok(r.profile, 'embedded profile decoded');
    checkProfile(r.profile, e.profile);
  }
  if ((e.cgbiIcons ?? 0) > 0) assert.ok(r.icon, 'an app with CgBI icon files has an icon');
  if (r.icon) {
    // Whatever icon was chosen must come out as a PNG that ordinary decoders accept.
    const png = await readIcon(file, r);
    assert.ok(png);
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, r.icon.width);
    assert.equal(meta.height, r.icon.height);
    // ... and one that strict validators accept: standard chunks only (no CgBI, no iDOT), CRCs right.
    assertStrictPng(png, r.icon.entry);
  }
}

function checkApk(r: ApkInfo, e: ExpectedEntry): void {
  assert.equal(r.bundleId, e.bundleId);
  if ('version' in e) assert.equal(r.version, e.version ?? null);
  if (e.build !== undefined) assert.equal(r.build, e.build);
  if (e.name !== undefined) assert.equal(r.name, e.name);
  if (e.minOsVersion !== undefined) assert.equal(r.minOsVersion, e.minOsVersion);
  if (e.deviceFamilies !== undefined) assert.deepEqual(r.deviceFamilies, e.deviceFamilies);
}

describe('real fixtures (expected.json)', { skip: FIXTURES_SKIP }, () => {
  const expected = expectedFixtures();
  test('the corpus is present and non-trivial', () => {
    assert.ok(FIXTURES_PRESENT);
    assert.ok(Object.keys(expected).length >= 50);
  });

  for (const [name, e] of Object.entries(expected)) {
    test(`${name} → ${e.valid ? e.kind : `rejected (${e.why ?? 'invalid'})`}`, async () => {
      const file = fixturePath(name);
      if (!e.valid) {
        await assert.rejects(inspect(file), (err: unknown) => {
          assert.ok(err instanceof OtashipError, `expected an OtashipError, got ${String(err)}`);
          assert.ok(REJECTION_CODES.has(err.code), `unexpected code ${err.code}: ${err.message}`);
          assert.ok(err.message.includes(basename(file)) || err.message.includes('Payload'), `message names the file: ${err.message}`);
          assert.doesNotMatch(err.toLine(), /\n|\s{2}at /, 'one line, no stack');
          if (/not a zip/i.test(e.why ?? '')) assert.ok(['NOT_A_ZIP', 'UNKNOWN_FILE_TYPE'].includes(err.code), err.code);
          if (/Payload|Info\.plist/.test(e.why ?? '')) assert.equal(err.code, 'NO_APP_BUNDLE', err.message);
          return true;
        });
        return;
      }
      const r = await inspect(file);
      assert.equal(r.kind, e.kind);
      if (r.kind === 'ipa') await checkIpa(file, r, e);
      else if (r.kind === 'apk') checkApk(r, e);
      else if (r.kind === 'aab') assert.fail(`${file} read as a bundle, expected ${e.kind}`);
      else {
        const p: ProfileFileInfo = r;
        checkProfile(p, {
          type: e.type ?? '',
          name: e.name ?? '',
          teamId: e.teamId ?? '',
          teamName: e.teamName as string, // null when the profile has no TeamName
          uuid: e.uuid ?? '',
          createdAt: e.createdAt ?? '',
          expiresAt: e.expiresAt ?? '',
          deviceCount: e.deviceCount ?? -1,
          platforms: e.platforms ?? [],
        });
      }
    });
  }

  test('saucelabs_isign/TestSimulator.app.zip (a simulator .app zipped without Payload/) is not an IPA', async () => {
    await assert.rejects(inspect(fixturePath('saucelabs_isign/TestSimulator.app.zip')), (err: unknown) => {
      assert.ok(err instanceof OtashipError);
      assert.equal(err.code, 'NO_APP_BUNDLE');
      assert.match(err.message, /isignTestApp\.app\/Info\.plist/);
      return true;
    });
  });
});
