import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'plist';
import { applePlatform, canonicalUdid, readDeviceResponse } from '../../../src/core/device/index.js';
import { OtashipError } from '../../../src/core/errors.js';
import { SAMPLE_DEVICE, buildDeviceAnswer } from '../../helpers/device-answer.js';

function refused(body: Uint8Array, re: RegExp): void {
  assert.throws(
    () => readDeviceResponse(body),
    (err: unknown) => {
      assert.ok(err instanceof OtashipError, String(err));
      assert.equal(err.code, 'DEVICE_REGISTRATION');
      assert.equal(err.status, 400);
      assert.match(err.message, re);
      return true;
    },
  );
}

describe('readDeviceResponse', () => {
  test('reads the attributes and the challenge from a CMS-signed answer', async () => {
    const answer = readDeviceResponse(await buildDeviceAnswer('nonce.mac'));
    assert.deepEqual(answer, {
      udid: SAMPLE_DEVICE.UDID,
      product: 'iPhone16,1',
      version: '21E236',
      serial: 'F2LXK0ABCD12',
      deviceName: 'Anna’s iPhone',
      challenge: 'nonce.mac',
    });
  });

  test('UDIDs get one canonical spelling; optional attributes may be missing; text is cleaned', async () => {
    const answer = readDeviceResponse(
      await buildDeviceAnswer(null, {
        UDID: ' 0123456789ABCDEF0123456789abcdef01234567 ',
        SERIAL: undefined,
        DEVICE_NAME: 'Line\none\u0085\ttwo  <b>\u2028',
      }),
    );
    assert.equal(answer.udid, '0123456789abcdef0123456789abcdef01234567');
    assert.equal(answer.serial, null);
    assert.equal(answer.deviceName, 'Line one two <b>');
    assert.equal(answer.challenge, null);
    assert.equal(readDeviceResponse(await buildDeviceAnswer('x', { UDID: '00008030-001a2b3c4d5e802e' })).udid, '00008030-001A2B3C4D5E802E');
  });

  test('refuses garbage, unsigned plists, and answers without a valid UDID, PRODUCT or VERSION', async () => {
    refused(new Uint8Array(0), /empty/);
    refused(Buffer.from('hello'), /CMS-signed/);
    refused(Buffer.from(build(SAMPLE_DEVICE)), /CMS-signed/);
    refused(Buffer.from([0x30, 0x82, 0x00, 0x10, 1, 2, 3]), /cannot be read/);
    const signedNotPlist = await buildDeviceAnswer('x');
    refused(signedNotPlist.subarray(0, 40), /cannot be read/);
    refused(await buildDeviceAnswer('x', { UDID: undefined }), /no UDID/);
    refused(await buildDeviceAnswer('x', { UDID: 42 }), /no UDID/);
    for (const udid of ['00008030-001A2B3C4D5E802', '0123456789abcdef0123456789abcdef0123456g', 'ABCDEF12-3456-7890-ABCD-EF1234567890', '<script>']) {
      refused(await buildDeviceAnswer('x', { UDID: udid }), /is not a UDID/);
    }
    refused(await buildDeviceAnswer('x', { PRODUCT: undefined }), /no PRODUCT/);
    refused(await buildDeviceAnswer('x', { VERSION: '  ' }), /no VERSION/);
  });
});

describe('canonicalUdid and applePlatform', () => {
  test('accepts the two UDID forms only', () => {
    assert.equal(canonicalUdid('00008030-001A2B3C4D5E802E'), '00008030-001A2B3C4D5E802E');
    assert.equal(canonicalUdid('ABCDEF0123456789ABCDEF0123456789ABCDEF01'), 'abcdef0123456789abcdef0123456789abcdef01');
    for (const bad of ['', '00008030001A2B3C4D5E802E', '00008030-001A2B3C4D5E802EE', 'x'.repeat(40)]) assert.equal(canonicalUdid(bad), null, bad);
  });

  test('Macs are "mac" in Apple’s upload file, everything else "ios"', () => {
    assert.equal(applePlatform('iPhone16,1'), 'ios');
    assert.equal(applePlatform('iPad13,4'), 'ios');
    assert.equal(applePlatform('AppleTV11,1'), 'ios');
    assert.equal(applePlatform('MacBookPro18,3'), 'mac');
    assert.equal(applePlatform('Mac14,2'), 'mac');
  });
});
