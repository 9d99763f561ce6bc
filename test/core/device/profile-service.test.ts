import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'plist';
import { DEVICE_ATTRIBUTES, buildProfileServiceConfig, profileServiceIdentifier } from '../../../src/core/device/index.js';
import { OtashipError } from '../../../src/core/errors.js';
import { parseXmlPlist } from '../../../src/core/plist/xml.js';

type Dict = Record<string, unknown>;

const base = {
  callbackUrl: 'https://ota.example.com/udid/callback?n=abc.def',
  challenge: 'abc.def',
  identifier: 'com.example.ota.otaship.udid',
  organization: 'otaship',
  displayName: 'Register this device with ota.example.com',
  description: 'Sends the UDID.',
};

describe('buildProfileServiceConfig', () => {
  test('a Profile Service payload with URL, the requested DeviceAttributes and the Challenge', () => {
    const xml = buildProfileServiceConfig(base);
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), 'no bytes before the XML declaration');
    const profile = parse(xml) as Dict;
    assert.equal(profile.PayloadType, 'Profile Service');
    assert.equal(profile.PayloadVersion, 1);
    assert.equal(profile.PayloadIdentifier, base.identifier);
    assert.equal(profile.PayloadOrganization, 'otaship');
    assert.equal(profile.PayloadDisplayName, base.displayName);
    assert.match(String(profile.PayloadUUID), /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    const content = profile.PayloadContent as Dict;
    assert.equal(content.URL, base.callbackUrl);
    assert.equal(content.Challenge, base.challenge);
    assert.deepEqual(content.DeviceAttributes, ['UDID', 'PRODUCT', 'VERSION', 'SERIAL', 'DEVICE_NAME']);
    assert.deepEqual([...DEVICE_ATTRIBUTES], content.DeviceAttributes);
    // The project's own strict reader agrees with plist@5.
    assert.deepEqual(parseXmlPlist(xml), profile);
  });

  test('a fresh PayloadUUID per build unless one is given; the identifier stays', () => {
    const a = parse(buildProfileServiceConfig(base)) as Dict;
    const b = parse(buildProfileServiceConfig(base)) as Dict;
    assert.notEqual(a.PayloadUUID, b.PayloadUUID);
    assert.equal(a.PayloadIdentifier, b.PayloadIdentifier);
    const fixed = parse(buildProfileServiceConfig({ ...base, payloadUuid: '0b7c5a5e-1c1d-4e55-9a3b-2f1e0d9c8b7a' })) as Dict;
    assert.equal(fixed.PayloadUUID, '0B7C5A5E-1C1D-4E55-9A3B-2F1E0D9C8B7A');
  });

  test('hostile strings are escaped and round-trip exactly', () => {
    const hostile = `ota.<evil>&"'.example]]>\u2028x`;
    const o = {
      ...base,
      callbackUrl: 'https://ota.example.com/udid/callback?n=a&b=<c>',
      challenge: `</string><key>URL</key><string>https://evil.example`,
      organization: hostile,
      displayName: `Register with ${hostile}`,
      description: '<!-- & -->',
    };
    const xml = buildProfileServiceConfig(o);
    assert.ok(!xml.includes('<evil>') && !xml.includes('</string><key>URL'), 'markup from values never reaches the document');
    // The reader gives back exactly what was written (U+2028 goes out as a character reference).
    const profile = parseXmlPlist(xml) as Dict;
    assert.equal(profile.PayloadOrganization, hostile);
    assert.equal(profile.PayloadDisplayName, o.displayName);
    assert.equal(profile.PayloadDescription, o.description);
    assert.equal((profile.PayloadContent as Dict).URL, o.callbackUrl);
    assert.equal((profile.PayloadContent as Dict).Challenge, o.challenge);
    assert.equal((parse(xml) as Dict).PayloadDescription, o.description, 'plist@5 reads it too');
  });

  test('refuses what would make a broken profile', () => {
    const refused = (o: Partial<typeof base> & { payloadUuid?: string }, re: RegExp) =>
      assert.throws(() => buildProfileServiceConfig({ ...base, ...o }), (err: unknown) => err instanceof OtashipError && err.code === 'VALIDATION' && re.test(err.message));
    refused({ callbackUrl: '/udid/callback' }, /absolute/);
    refused({ callbackUrl: 'javascript:alert(1)' }, /http/);
    refused({ identifier: 'not reverse dns' }, /reverse-DNS/);
    refused({ payloadUuid: 'nope' }, /UUID/);
    refused({ organization: 'bell\u0007' }, /U\+0007/);
  });
});

describe('profileServiceIdentifier', () => {
  test('reverse-DNS from the public host, stable, with anything else turned into dashes', () => {
    assert.equal(profileServiceIdentifier('https://ota.example.com'), 'com.example.ota.otaship.udid');
    assert.equal(profileServiceIdentifier('https://ota.example.com:8443/prefix'), 'com.example.ota.otaship.udid');
    assert.equal(profileServiceIdentifier('https://192.168.1.20:8443'), '20.1.168.192.otaship.udid');
    assert.equal(profileServiceIdentifier('https://[::1]:8443'), '1.otaship.udid');
    assert.equal(profileServiceIdentifier('https://xn--bcher-kva.example'), 'example.xn--bcher-kva.otaship.udid');
    assert.equal(profileServiceIdentifier('https://bücher.example'), 'example.xn--bcher-kva.otaship.udid');
    assert.equal(profileServiceIdentifier('not a url'), 'local.otaship.udid');
    for (const url of ['https://ota.example.com', 'https://[::1]:8443', 'http://a_b.example']) {
      assert.match(profileServiceIdentifier(url), /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, url);
    }
  });
});
