// The local CA can sign only for the server's own names and local addresses: checked with openssl,
// an implementation independent of the one that made the certificates.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { ensureSelfSignedTls } from '../../src/tls/index.js';
import { createLeaf } from '../../src/tls/certificates.js';
import { joinPair, splitPair } from '../../src/tls/pem-files.js';
import { OtashipError } from '../../src/core/errors.js';

const run = promisify(execFile);
const NOW = new Date();
const LAN = {
  en0: [{ address: '192.168.7.42', netmask: '255.255.255.0', family: 'IPv4' as const, mac: '00:00:00:00:00:01', internal: false, cidr: null }],
};

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-ca-nc-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

/** `openssl verify` of a leaf against the CA as the only trusted root: [ok, output]. */
async function opensslVerify(caPem: string, leafPem: string, name: string): Promise<[boolean, string]> {
  const caFile = join(dir, `${name}-ca.crt`);
  const leafFile = join(dir, `${name}-leaf.crt`);
  await writeFile(caFile, caPem);
  await writeFile(leafFile, leafPem);
  try {
    const { stdout, stderr } = await run('openssl', ['verify', '-CAfile', caFile, leafFile]);
    return [true, stdout + stderr];
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return [false, `${e.stdout ?? ''}${e.stderr ?? ''}`];
  }
}

describe('local CA name constraints', () => {
  let tls: Awaited<ReturnType<typeof ensureSelfSignedTls>>;
  before(async () => {
    tls = await ensureSelfSignedTls({
      dataDir: await mkdtemp(join(dir, 'server-')),
      names: ['https://ota.example.test:8443'],
      now: NOW,
      hostname: 'buildbox',
      interfaces: LAN,
    });
  });

  test('openssl sees a critical nameConstraints extension permitting only our names and local addresses', async () => {
    const caFile = join(dir, 'text-ca.crt');
    await writeFile(caFile, tls.caCertPem);
    const { stdout } = await run('openssl', ['x509', '-in', caFile, '-noout', '-text']);
    assert.match(stdout, /X509v3 Name Constraints: critical/);
    const permitted = stdout.slice(stdout.indexOf('Permitted:'));
    for (const want of ['DNS:ota.example.test', 'DNS:buildbox', 'DNS:buildbox.local', 'DNS:localhost', 'IP:127.0.0.0/255.0.0.0', 'IP:192.168.0.0/255.255.0.0', 'IP:10.0.0.0/255.0.0.0']) {
      assert.ok(permitted.includes(want), `permits ${want}:\n${permitted}`);
    }
    assert.doesNotMatch(stdout, /Excluded:/);
  });

  test("the server's own certificate verifies", async () => {
    const [ok, out] = await opensslVerify(tls.caCertPem, tls.certPem, 'own');
    assert.ok(ok, out);
  });

  test('a certificate the CA signs for another site or a public address fails openssl verify', async () => {
    const pair = splitPair(await readFile(tls.paths.ca, 'utf8'));
    assert.ok(pair);
    for (const [label, names] of [
      ['other site', { dns: ['bank.example.com'], ips: [] }],
      ['look-alike', { dns: ['ota.example.test.evil.example'], ips: [] }],
      ['public address', { dns: [], ips: ['8.8.8.8'] }],
    ] as const) {
      const leaf = await createLeaf({ ca: pair, names: { dns: [...names.dns], ips: [...names.ips] }, organization: 'attacker', now: NOW });
      const [ok, out] = await opensslVerify(tls.caCertPem, leaf.certPem, label.replace(/ /g, '-'));
      assert.equal(ok, false, `${label} must not verify: ${out}`);
      assert.match(out, /permitted subtree violation|name constraints/i, label);
    }
    // A name under ours is ours (and a LAN address): those verify.
    const sub = await createLeaf({ ca: pair, names: { dns: ['api.ota.example.test'], ips: ['10.1.2.3'] }, organization: 'x', now: NOW });
    const [ok, out] = await opensslVerify(tls.caCertPem, sub.certPem, 'sub');
    assert.ok(ok, out);
  });

  test('a public URL outside the CA’s names stops the start with what to do', async () => {
    await assert.rejects(
      ensureSelfSignedTls({ dataDir: join(tls.paths.dir, '..'), names: ['https://other.example.org'], now: NOW, hostname: 'buildbox', interfaces: LAN }),
      (err: unknown) => err instanceof OtashipError && err.code === 'CONFIG' && /other\.example\.org.*remove .*ca\.pem/.test(err.message),
    );
  });

  test('a host name gained since the CA was made is left out of the leaf, with a warning', async () => {
    const renamed = await ensureSelfSignedTls({ dataDir: join(tls.paths.dir, '..'), names: ['https://ota.example.test:8443'], now: NOW, hostname: 'newname', interfaces: LAN });
    assert.equal(renamed.caFingerprintSha256, tls.caFingerprintSha256, 'same CA');
    assert.ok(!renamed.names.dns.includes('newname'));
    assert.ok(renamed.warnings.some((w) => w.includes('newname')), renamed.warnings.join('\n'));
    const [ok, out] = await opensslVerify(renamed.caCertPem, renamed.certPem, 'renamed');
    assert.ok(ok, out);
  });
});

describe('a CA made before name constraints existed', () => {
  test('is kept (devices trust it) but every start warns how to replace it', async () => {
    const dataDir = await mkdtemp(join(dir, 'legacy-'));
    const alg = { name: 'ECDSA', namedCurve: 'P-256' } as const;
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=otaship local CA (old)',
      notBefore: new Date(NOW.getTime() - 3600_000),
      notAfter: new Date(NOW.getTime() + 3650 * 86400_000),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    });
    const keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
    await mkdir(join(dataDir, 'tls'), { mode: 0o700 });
    await writeFile(join(dataDir, 'tls', 'ca.pem'), joinPair({ keyPem, certPem: cert.toString('pem') }), { mode: 0o600 });

    const result = await ensureSelfSignedTls({ dataDir, now: NOW, hostname: 'buildbox', interfaces: LAN });
    assert.equal(result.action.ca, 'reused');
    assert.equal(result.caCertPem.trim(), cert.toString('pem').trim(), 'the trusted CA is not replaced behind the operator’s back');
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /no name constraints.*ANY website.*remove .*ca\.pem.*install the new CA profile/);
  });
});
