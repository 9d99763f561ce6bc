import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { ensureSelfSignedTls } from '../../src/tls/index.js';
import { OtashipError } from '../../src/core/errors.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-03-01T12:00:00Z');
const LAN = {
  en0: [{ address: '192.168.7.42', netmask: '255.255.255.0', family: 'IPv4' as const, mac: '00:00:00:00:00:01', internal: false, cidr: null }],
};

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-tls-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  return mkdtemp(join(dir, `${name}-`));
}

describe('ensureSelfSignedTls', () => {
  test('creates a CA with critical CA:TRUE and keyCertSign, and a leaf it signs with SANs and serverAuth', async () => {
    const dataDir = await freshDir('create');
    const tls = await ensureSelfSignedTls({ dataDir, names: ['https://ota.example.test:8443'], now: NOW, hostname: 'buildbox', interfaces: LAN });
    assert.deepEqual(tls.action, { ca: 'created', leaf: 'issued' });

    const ca = new X509Certificate(tls.caCertPem);
    assert.equal(ca.ca, true);
    const caParsed = new x509.X509Certificate(tls.caCertPem);
    const bc = caParsed.getExtension(x509.BasicConstraintsExtension);
    assert.ok(bc && bc.ca && bc.critical, 'basicConstraints CA:TRUE, critical');
    const ku = caParsed.getExtension(x509.KeyUsagesExtension);
    assert.ok(ku && ku.usages & x509.KeyUsageFlags.keyCertSign && ku.usages & x509.KeyUsageFlags.cRLSign);
    assert.ok(Date.parse(ca.validTo) - NOW.getTime() > 9 * 365 * DAY, 'CA lives for years');
    assert.equal(tls.caFingerprintSha256, ca.fingerprint256);

    const leaf = new X509Certificate(tls.certPem);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(ca));
    assert.ok(leaf.verify(ca.publicKey), 'leaf signed by the CA key');
    assert.ok(!leaf.verify(leaf.publicKey), 'leaf is not self-signed');
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / DAY;
    assert.ok(days <= 398 && days >= 390, `leaf validity ${days} days`);
    assert.ok(Date.parse(leaf.validFrom) <= NOW.getTime());
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extendedKeyUsage serverAuth');
    const san = leaf.subjectAltName ?? '';
    for (const want of ['DNS:localhost', 'DNS:buildbox', 'DNS:buildbox.local', 'DNS:ota.example.test', 'IP Address:127.0.0.1', 'IP Address:192.168.7.42', 'IP Address:0:0:0:0:0:0:0:1']) {
      assert.ok(san.includes(want), `SAN has ${want}: ${san}`);
    }
    assert.ok(leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(tls.keyPem)));
    assert.equal(tls.cert, tls.certPem);
    assert.equal(tls.caCert, tls.caCertPem);

    for (const file of [tls.paths.ca, tls.paths.server]) {
      assert.equal((await stat(file)).mode & 0o077, 0, `${file} is private`);
    }
    assert.equal(await readFile(tls.paths.caCert, 'utf8'), tls.caCertPem);
  });

  test('a second start reuses the CA and the leaf', async () => {
    const dataDir = await freshDir('reuse');
    const first = await ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: LAN });
    const second = await ensureSelfSignedTls({ dataDir, now: new Date(NOW.getTime() + 10 * DAY), hostname: 'buildbox', interfaces: LAN });
    assert.deepEqual(second.action, { ca: 'reused', leaf: 'reused' });
    assert.equal(second.certPem, first.certPem);
    assert.equal(second.keyPem, first.keyPem);
    assert.equal(second.caFingerprintSha256, first.caFingerprintSha256);
  });

  test('a new address renews the leaf under the same CA', async () => {
    const dataDir = await freshDir('names');
    const first = await ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: LAN });
    const moved = { en0: [{ ...LAN.en0[0]!, address: '10.1.2.3' }] };
    const second = await ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: moved });
    assert.deepEqual(second.action, { ca: 'reused', leaf: 'issued' });
    assert.equal(second.caCertPem, first.caCertPem);
    const san = new X509Certificate(second.certPem).subjectAltName ?? '';
    assert.ok(san.includes('IP Address:10.1.2.3'));
    assert.ok(!san.includes('192.168.7.42'));
  });

  test('a leaf near expiry is renewed; one with time left is kept', async () => {
    const dataDir = await freshDir('expiry');
    const first = await ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: LAN });
    const kept = await ensureSelfSignedTls({ dataDir, now: new Date(NOW.getTime() + 300 * DAY), hostname: 'buildbox', interfaces: LAN });
    assert.equal(kept.certPem, first.certPem);
    const later = new Date(NOW.getTime() + 380 * DAY);
    const renewed = await ensureSelfSignedTls({ dataDir, now: later, hostname: 'buildbox', interfaces: LAN });
    assert.equal(renewed.action.leaf, 'issued');
    assert.notEqual(renewed.certPem, first.certPem);
    assert.equal(renewed.caCertPem, first.caCertPem);
    assert.ok(Date.parse(new X509Certificate(renewed.certPem).validTo) > later.getTime() + 390 * DAY);
  });

  test('a damaged server file is replaced; a damaged CA file is refused with a clear error', async () => {
    const dataDir = await freshDir('damaged');
    const first = await ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: LAN });
    await writeFile(first.paths.server, 'garbage');
    const again = await ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: LAN });
    assert.equal(again.action.leaf, 'issued');

    await writeFile(first.paths.ca, 'not a pem');
    await assert.rejects(
      ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: LAN }),
      (err: unknown) => err instanceof OtashipError && err.code === 'CONFIG' && err.message.includes(first.paths.ca),
    );
  });

  test('a leaf whose key does not match its certificate is re-issued', async () => {
    const dataDir = await freshDir('mismatch');
    const first = await ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: LAN });
    const other = await ensureSelfSignedTls({ dataDir: await freshDir('other'), now: NOW, hostname: 'buildbox', interfaces: LAN });
    await writeFile(first.paths.server, `${other.keyPem}${first.certPem}`);
    const again = await ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: LAN });
    assert.equal(again.action.leaf, 'issued');
    assert.ok(new X509Certificate(again.certPem).checkPrivateKey((await import('node:crypto')).createPrivateKey(again.keyPem)));
  });

  test('two instances starting together agree on one CA', async () => {
    const dataDir = await freshDir('race');
    const [a, b] = await Promise.all([
      ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: LAN }),
      ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: LAN }),
    ]);
    assert.equal(a.caFingerprintSha256, b.caFingerprintSha256);
    assert.deepEqual([a.action.ca, b.action.ca].sort(), ['created', 'reused']);
    assert.ok(new X509Certificate(a.certPem).verify(new X509Certificate(b.caCertPem).publicKey));
  });
});
