import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { build } from 'plist';
import { inspect, profileFileInfo, profileType } from '../../../src/core/inspect/index.js';
import { OtashipError } from '../../../src/core/errors.js';
import type { ProfileFileInfo } from '../../../src/core/types.js';
import { SAMPLE_UDIDS, buildProfile, profilePlistValue, tempPath } from '../../helpers/synthetic-ipa.js';

const DAY = 86400_000;

async function inspectProfileBytes(bytes: Buffer, name = 'test.mobileprovision', now?: number): Promise<ProfileFileInfo> {
  const path = await tempPath(name);
  await writeFile(path, bytes);
  const r = await inspect(path, now === undefined ? {} : { now });
  assert.equal(r.kind, 'profile');
  return r as ProfileFileInfo;
}

describe('profile types', () => {
  for (const type of ['development', 'ad-hoc', 'enterprise', 'app-store'] as const) {
    test(`${type} profile is recognised with its identity, devices and dates`, async () => {
      const created = new Date('2024-02-23T19:02:50Z');
      const expires = new Date('2030-02-22T19:02:50Z');
      const bytes = await buildProfile({ type, name: `My ${type}`, teamId: 'TEAM123456', teamName: 'Team & Co <x>', uuid: 'aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb', createdAt: created, expiresAt: expires, bundleId: 'com.example.x' });
      const p = await inspectProfileBytes(bytes);
      assert.equal(p.type, type);
      assert.equal(p.container, 'cms');
      assert.equal(p.name, `My ${type}`);
      assert.equal(p.teamId, 'TEAM123456');
      assert.equal(p.teamName, 'Team & Co <x>');
      assert.equal(p.uuid, 'aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb');
      assert.equal(p.createdAt, '2024-02-23T19:02:50Z');
      assert.equal(p.expiresAt, '2030-02-22T19:02:50Z');
      assert.equal(p.entitlements.applicationIdentifier, 'TEAM123456.com.example.x');
      assert.deepEqual(p.platforms, ['iOS']);
      assert.equal(p.provisionsAllDevices, type === 'enterprise');
      assert.deepEqual(p.devices, type === 'development' || type === 'ad-hoc' ? SAMPLE_UDIDS : []);
      assert.equal(p.certificates.length, 1);
    });
  }

  test('devices without a get-task-allow key (macOS development) → development; false → ad-hoc', () => {
    assert.equal(profileType(false, 1, null), 'development');
    assert.equal(profileType(false, 1, true), 'development');
    assert.equal(profileType(false, 1, false), 'ad-hoc');
    assert.equal(profileType(false, 0, true), 'app-store');
    assert.equal(profileType(true, 0, false), 'enterprise');
  });

  test('macOS profile without get-task-allow decodes as development with platform OSX', async () => {
    const p = await inspectProfileBytes(await buildProfile({ type: 'ad-hoc', getTaskAllow: null, platforms: ['OSX'] }), 'mac.provisionprofile');
    assert.equal(p.type, 'development');
    assert.deepEqual(p.platforms, ['OSX']);
    assert.equal(p.entitlements.getTaskAllow, null);
  });
});

describe('profile containers', () => {
  for (const container of ['cms', 'cms-ber', 'cms-chunked', 'xml', 'binary'] as const) {
    test(`${container} profile is decoded from content`, async () => {
      const bytes = await buildProfile({ container, type: 'development', name: 'Ünïcødé profile ✓' });
      if (container === 'cms-ber') assert.deepEqual([...bytes.subarray(0, 2)], [0x30, 0x80]);
      // The extension says nothing: a .txt name must still be read as a profile.
      const p = await inspectProfileBytes(bytes, 'renamed.txt');
      assert.equal(p.container, container.startsWith('cms') ? 'cms' : container);
      assert.equal(p.name, 'Ünïcødé profile ✓');
      assert.equal(p.type, 'development');
    });
  }

  test('malformed base64 in <data> (hand-made profiles) is tolerated', async () => {
    const value = profilePlistValue({ type: 'enterprise', name: 'hand made' });
    const xml = build({ ...value, DeveloperCertificates: [new Uint8Array([1, 2, 3, 4, 5])] }).replace(
      /<data>[^<]*<\/data>/,
      '<data>SampleDCCBJygAwIBAgIIVVkvzuA1IZ8w\n\tDQYJKoZIhvcNAQEFBQAwg</data>',
    );
    const p = await inspectProfileBytes(Buffer.from(xml));
    assert.equal(p.name, 'hand made');
    assert.equal(p.type, 'enterprise');
    assert.deepEqual(p.certificates, []); // the garbage is not a certificate
  });

  test('certificates are decoded: common name, serial, sha1, dates, expiry', async () => {
    const certEnd = new Date('2031-05-06T07:08:09Z');
    const p = await inspectProfileBytes(await buildProfile({ certificateExpiresAt: certEnd }));
    const cert = p.certificates[0];
    assert.ok(cert);
    assert.equal(cert.commonName, 'iPhone Distribution: Example Inc (ABCDE12345)');
    assert.equal(cert.notAfter, '2031-05-06T07:08:09Z');
    assert.match(cert.sha1, /^[0-9a-f]{40}$/);
    assert.equal(cert.serialNumber, '0A1B2C3D');
    assert.equal(cert.expired, false);
  });

  test('certificate names are reported decoded, not in escaped RFC 4514 form', async () => {
    // Commas, plus signs, quotes, a backslash and non-ASCII: each is escaped in OpenSSL's text form.
    const commonName = 'iPhone Distribution: Example Co., Ltd + "Quoted" \\ 帅哥 Ünïcødé (ABCDE12345)';
    const p = await inspectProfileBytes(await buildProfile({ certificateCommonName: commonName }));
    const cert = p.certificates[0];
    assert.ok(cert);
    assert.equal(cert.commonName, commonName);
    assert.equal(cert.subject, `CN=${commonName}, O=Example Inc, C=US`);
    assert.doesNotMatch(cert.subject, /\\[,+"]|\\[0-9A-F]{2}/);
  });

  test('expiry is judged against the injected now', async () => {
    const expires = new Date('2025-06-01T00:00:00Z');
    const bytes = await buildProfile({ expiresAt: expires });
    assert.equal((await inspectProfileBytes(bytes, 'a.mobileprovision', expires.getTime() - DAY)).expired, false);
    assert.equal((await inspectProfileBytes(bytes, 'a.mobileprovision', expires.getTime() + DAY)).expired, true);
  });

  test('a plist that is not a profile → UNKNOWN_FILE_TYPE; a broken CMS → BAD_PROFILE', async () => {
    const path = await tempPath('Info.plist');
    await writeFile(path, build({ CFBundleIdentifier: 'com.example' }));
    await assert.rejects(inspect(path), (e: unknown) => e instanceof OtashipError && e.code === 'UNKNOWN_FILE_TYPE');
    const cms = await buildProfile();
    const broken = await tempPath('broken.mobileprovision');
    await writeFile(broken, Buffer.concat([cms.subarray(0, 40), Buffer.alloc(200, 0xff)]));
    await assert.rejects(inspect(broken), (e: unknown) => e instanceof OtashipError && e.code === 'BAD_PROFILE' && /broken\.mobileprovision/.test(e.message));
  });

  test('a profile plist without UUID, ExpirationDate or TeamIdentifier → BAD_PROFILE naming the missing keys', async () => {
    const nameOnly = Buffer.from(build({ Name: 'Just a name' }));
    await assert.rejects(
      inspectProfileBytes(nameOnly, 'name-only.mobileprovision'),
      (e: unknown) =>
        e instanceof OtashipError && e.code === 'BAD_PROFILE' && e.exitCode === 2 && /name-only\.mobileprovision/.test(e.message) &&
        /no UUID, ExpirationDate, TeamIdentifier/.test(e.message),
    );
    for (const key of ['UUID', 'ExpirationDate', 'TeamIdentifier']) {
      const value = profilePlistValue({}) as Record<string, unknown>;
      delete value[key];
      const bytes = Buffer.from(build(value as Parameters<typeof build>[0]));
      await assert.rejects(
        inspectProfileBytes(bytes, `no-${key}.mobileprovision`),
        (e: unknown) => e instanceof OtashipError && e.code === 'BAD_PROFILE' && new RegExp(`no ${key} `).test(e.message),
        key,
      );
    }
  });

  test('profileFileInfo works on bytes directly', async () => {
    const p = profileFileInfo(await buildProfile({ type: 'app-store' }), 'bytes');
    assert.equal(p.type, 'app-store');
    assert.equal(p.kind, 'profile');
  });
});
