// A profile built to make its reader work: the same certificate listed many times is read once, and
// lists far past what Apple issues (devices, certificates) are refused with PARSE_BUDGET.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'plist';
import { decodeProfilePlist, MAX_PROFILE_CERTIFICATES, MAX_PROFILE_DEVICES } from '../../../src/core/inspect/profile/decode.js';
import { refusedAs } from '../../helpers/otaship-errors.js';
import { profilePlistValue, testSigner } from '../../helpers/synthetic-profile.js';

const xml = (value: Record<string, unknown>) => Buffer.from(build(value as Parameters<typeof build>[0]), 'utf8');

test('one certificate listed many times is decoded (and reported) once', async () => {
  const { certDer } = await testSigner(new Date(Date.now() + 365 * 86400_000));
  const value = profilePlistValue({}, certDer);
  const once = decodeProfilePlist(xml(value), 'once.mobileprovision');
  value.DeveloperCertificates = Array.from({ length: 50 }, () => new Uint8Array(certDer));
  const many = decodeProfilePlist(xml(value), 'many.mobileprovision');
  assert.equal(once.certificates.length, 1);
  assert.deepEqual(many.certificates, once.certificates);
});

test(`more than ${MAX_PROFILE_CERTIFICATES} certificates: refused, naming the count`, () => {
  const value = profilePlistValue({});
  value.DeveloperCertificates = Array.from({ length: MAX_PROFILE_CERTIFICATES + 1 }, (_, i) => new Uint8Array([i & 0xff, 1, 2]));
  assert.throws(() => decodeProfilePlist(xml(value), 'p.mobileprovision'), refusedAs('PARSE_BUDGET', /lists 1001 developer certificates/));
});

test(`more than ${MAX_PROFILE_DEVICES} devices: refused; exactly that many still read`, () => {
  const udid = (i: number) => `00008030-${i.toString(16).padStart(16, '0').toUpperCase()}`;
  const at = decodeProfilePlist(xml(profilePlistValue({ devices: Array.from({ length: MAX_PROFILE_DEVICES }, (_, i) => udid(i)) })), 'p.mobileprovision');
  assert.equal(at.devices.length, MAX_PROFILE_DEVICES);
  const past = xml(profilePlistValue({ devices: Array.from({ length: MAX_PROFILE_DEVICES + 1 }, (_, i) => udid(i)) }));
  assert.throws(() => decodeProfilePlist(past, 'p.mobileprovision'), refusedAs('PARSE_BUDGET', /lists 5001 provisioned devices/));
});
