import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'plist';
import { buildCaMobileconfig, ensureSelfSignedTls, type SelfSignedTls } from '../../src/tls/index.js';
import { OtashipError } from '../../src/core/errors.js';

let tls: SelfSignedTls;
before(async () => {
  tls = await ensureSelfSignedTls({ dataDir: await mkdtemp(join(tmpdir(), 'otaship-mc-')), hostname: 'mc-host' });
});

type Dict = Record<string, unknown>;

describe('buildCaMobileconfig', () => {
  test('one com.apple.security.root payload holding the DER CA certificate', () => {
    const xml = buildCaMobileconfig(tls.caCertPem, { organization: 'Example Labs', identifier: 'com.example.otaship.ca' });
    assert.ok(xml.startsWith('<?xml'), 'no bytes before the XML declaration');
    const profile = parse(xml) as Dict;
    assert.equal(profile.PayloadType, 'Configuration');
    assert.equal(profile.PayloadVersion, 1);
    assert.equal(profile.PayloadIdentifier, 'com.example.otaship.ca');
    assert.equal(profile.PayloadOrganization, 'Example Labs');
    assert.match(String(profile.PayloadUUID), /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    const payloads = profile.PayloadContent as Dict[];
    assert.equal(payloads.length, 1);
    const root = payloads[0]!;
    assert.equal(root.PayloadType, 'com.apple.security.root');
    assert.notEqual(root.PayloadUUID, profile.PayloadUUID);
    const der = Buffer.from(root.PayloadContent as Uint8Array);
    const cert = new X509Certificate(der);
    assert.equal(cert.fingerprint256, tls.caFingerprintSha256);
    assert.equal(cert.ca, true);
  });

  test('the same certificate gives the same profile (stable UUIDs)', () => {
    const opts = { organization: 'Example', identifier: 'com.example.ca' };
    assert.equal(buildCaMobileconfig(tls.caCertPem, opts), buildCaMobileconfig(tls.caCertPem, opts));
  });

  test('hostile organisation names are escaped and round-trip', () => {
    const organization = `<script>&"' Ltd`;
    const xml = buildCaMobileconfig(tls.caCertPem, { organization, identifier: 'com.example.ca' });
    assert.ok(!xml.includes('<script>'));
    assert.equal((parse(xml) as Dict).PayloadOrganization, organization);
  });

  test('refuses a leaf certificate, garbage, and a non reverse-DNS identifier', () => {
    const isValidation = (err: unknown): boolean => err instanceof OtashipError && err.code === 'VALIDATION';
    assert.throws(() => buildCaMobileconfig(tls.certPem, { organization: 'x', identifier: 'com.example.ca' }), isValidation);
    assert.throws(() => buildCaMobileconfig('nope', { organization: 'x', identifier: 'com.example.ca' }), isValidation);
    assert.throws(() => buildCaMobileconfig(tls.caCertPem, { organization: 'x', identifier: 'bad id' }), isValidation);
  });
});
