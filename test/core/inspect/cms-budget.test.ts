// Work budget of the CMS/DER walker (profiles, device answers): deep nesting, absurd lengths and
// chunked content that is re-assembled again at every level are refused with a catalogue error,
// never a crash; the content of a bare but well-formed envelope still comes out.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DER_LIMITS } from '../../../src/core/budget.js';
import { readDeviceResponse } from '../../../src/core/device/index.js';
import { decodeProfile } from '../../../src/core/inspect/profile/index.js';
import { cmsContent } from '../../../src/core/inspect/profile/cms.js';
import { bareCms, referenceBomb, tlv } from '../../helpers/bombs.js';
import { refusedAs } from '../../helpers/otaship-errors.js';

/** An OCTET STRING nested `levels` times in constructed OCTET STRINGs. */
function nestedOctets(content: Buffer, levels: number): Buffer {
  let os = tlv(0x04, content);
  for (let i = 0; i < levels; i++) os = tlv(0x24, os);
  return os;
}

describe('CMS/DER budget', () => {
  test('a bare envelope within the budget yields its content', () => {
    const content = Buffer.from('<plist><dict/></plist>');
    assert.deepEqual(Buffer.from(cmsContent(bareCms(tlv(0x04, content)), 'x')), content);
    assert.deepEqual(Buffer.from(cmsContent(bareCms(nestedOctets(content, DER_LIMITS.depth)), 'x')), content);
  });

  test('content nested in constructed OCTET STRINGs past the depth limit is PARSE_BUDGET', () => {
    const der = bareCms(nestedOctets(Buffer.from('<plist/>'), DER_LIMITS.depth + 1));
    assert.throws(() => cmsContent(der, 'deep.mobileprovision'), refusedAs('PARSE_BUDGET', /^deep\.mobileprovision holds values nested/));
  });

  test('an indefinite-length field nested past the depth limit is PARSE_BUDGET', () => {
    // The version field of SignedData, made of nested indefinite-length SEQUENCEs: skip() recurses into them.
    let version = Buffer.from([0x02, 0x01, 0x01]);
    for (let i = 0; i < 200; i++) version = Buffer.concat([Buffer.from([0x30, 0x80]), version, Buffer.from([0, 0])]);
    const oid = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);
    const der = tlv(0x30, Buffer.concat([oid, tlv(0xa0, tlv(0x30, version))]));
    assert.throws(() => cmsContent(der, 'ber.mobileprovision'), refusedAs('PARSE_BUDGET'));
  });

  test('many tiny chunks are PARSE_BUDGET (values visited)', () => {
    const parts = Buffer.concat(Array.from({ length: DER_LIMITS.objects }, () => Buffer.from([0x04, 0x01, 0x3c])));
    const der = bareCms(Buffer.concat([Buffer.from([0x24, 0x80]), parts, Buffer.from([0, 0])]));
    assert.throws(() => cmsContent(der, 'chunks.mobileprovision'), refusedAs('PARSE_BUDGET', /more than \d+ values/));
  });

  test('content re-assembled at every nesting level is PARSE_BUDGET (bytes produced)', () => {
    const levels = DER_LIMITS.depth;
    const content = Buffer.alloc(Math.ceil(DER_LIMITS.bytes / levels) + 1024, 0x41);
    // Two chunks per level, so every level copies the content.
    let os = tlv(0x04, content);
    for (let i = 0; i < levels; i++) os = tlv(0x24, Buffer.concat([os, tlv(0x04, Buffer.alloc(0))]));
    assert.throws(() => cmsContent(bareCms(os), 'copies.mobileprovision'), refusedAs('PARSE_BUDGET', /bytes of content/));
  });

  test('absurd lengths are BAD_PROFILE, not a crash', () => {
    const huge = Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x84, 0xff, 0xff, 0xff, 0xf0]);
    assert.throws(() => decodeProfile(huge, 'huge.mobileprovision'), refusedAs('BAD_PROFILE'));
    const octets = Buffer.concat([Buffer.from([0x24, 0x84, 0x7f, 0xff, 0xff, 0xff]), tlv(0x04, Buffer.from('<plist/>'))]);
    assert.throws(() => decodeProfile(bareCms(octets), 'long.mobileprovision'), refusedAs('BAD_PROFILE'));
  });

  test('a reference bomb inside a profile or a device answer is PARSE_BUDGET, not BAD_PROFILE or DEVICE_REGISTRATION', () => {
    const der = bareCms(tlv(0x04, referenceBomb(60)));
    assert.ok(der.length < 450, `${der.length} bytes`);
    assert.throws(() => decodeProfile(der, 'bomb.mobileprovision'), refusedAs('PARSE_BUDGET'));
    assert.throws(() => readDeviceResponse(der), refusedAs('PARSE_BUDGET', /the device answer/));
  });
});
