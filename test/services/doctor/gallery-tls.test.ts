// The doctor against local TLS servers that are wrong in one way each, as App Transport Security
// judges them. Every server serves an otherwise correct deployment, so each case must be found with
// its own code and nothing else may be reported as an error or warning; the control case (a correct
// chain from a CA given with --ca) yields no error or warning at all.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDoctor } from '../../../src/services/doctor/index.js';
import type { DoctorReport } from '../../../src/core/doctor/index.js';
import { daysFromNow, makeCa, makeLeaf, type Issued, type LeafOptions } from '../../helpers/doctor-pki.js';
import { startTlsSite, writeSite, type RunningSite, type TlsSiteOptions } from '../../helpers/doctor-site.js';

/** Codes of the errors and warnings, each once, sorted. */
export function problemCodes(r: DoctorReport): string[] {
  return [...new Set(r.findings.filter((f) => f.severity !== 'info').map((f) => f.code))].sort();
}

describe('doctor: TLS as App Transport Security requires', () => {
  let root: string;
  let ca: Issued;
  let intermediate: Issued;
  const sites: RunningSite[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'otaship-doctor-tls-'));
    ca = await makeCa('Gallery Root CA');
    intermediate = await makeCa('Gallery Intermediate CA', { issuer: ca, aia: 'http://127.0.0.1:9/root.cer' });
  });
  after(async () => {
    await Promise.all(sites.map((s) => s.stop()));
    await rm(root, { recursive: true, force: true });
  });

  /** Serves a correct deployment behind the given certificate (and chain) and runs the doctor on its page. */
  async function check(name: string, leaf: LeafOptions, o: { chain?: string[]; caPem?: string | null; tls?: Partial<TlsSiteOptions> } = {}): Promise<DoctorReport> {
    const cert = await makeLeaf(leaf);
    const site = await startTlsSite(root, { certPem: [cert.certPem, ...(o.chain ?? [])].join('\n'), keyPem: cert.keyPem, ...o.tls });
    sites.push(site);
    await writeSite(root, name, site.origin);
    return runDoctor(`${site.origin}/${name}/`, { caPem: o.caPem === undefined ? ca.certPem : o.caPem });
  }

  test('control: a correct chain from the --ca CA has no error or warning', async () => {
    const r = await check('control', { issuer: ca });
    assert.deepEqual(problemCodes(r), []);
    assert.equal(r.installable, true);
  });

  test('an expired certificate: TLS_EXPIRED', async () => {
    const r = await check('expired', { issuer: ca, notBefore: daysFromNow(-100), notAfter: daysFromNow(-1) });
    assert.deepEqual(problemCodes(r), ['TLS_EXPIRED']);
  });

  test('a certificate about to expire: TLS_EXPIRES_SOON (a warning, still installable)', async () => {
    const r = await check('expiring', { issuer: ca, notAfter: daysFromNow(5) });
    assert.deepEqual(problemCodes(r), ['TLS_EXPIRES_SOON']);
    assert.equal(r.installable, true);
  });

  test('a certificate without SANs: TLS_NO_SAN', async () => {
    const r = await check('no-san', { issuer: ca, san: false });
    assert.ok(problemCodes(r).includes('TLS_NO_SAN'), problemCodes(r).join());
    assert.deepEqual(problemCodes(r).filter((c) => c !== 'TLS_NO_SAN' && c !== 'TLS_NAME_MISMATCH'), []);
  });

  test('a self-signed server certificate: TLS_SELF_SIGNED_LEAF', async () => {
    const r = await check('self-signed', {}, { caPem: null });
    assert.deepEqual(problemCodes(r), ['TLS_SELF_SIGNED_LEAF']);
  });

  test('a CA the phone does not know: TLS_UNKNOWN_CA', async () => {
    const stranger = await makeCa('Stranger CA');
    const r = await check('unknown-ca', { issuer: stranger }, { chain: [stranger.certPem], caPem: null });
    assert.deepEqual(problemCodes(r), ['TLS_UNKNOWN_CA']);
  });

  test('an intermediate the server does not send: TLS_INCOMPLETE_CHAIN', async () => {
    const r = await check('incomplete', { issuer: intermediate, aia: 'http://127.0.0.1:9/intermediate.cer' });
    assert.deepEqual(problemCodes(r), ['TLS_INCOMPLETE_CHAIN']);
  });

  test('the same chain sent whole: no error', async () => {
    const r = await check('complete', { issuer: intermediate, aia: 'http://127.0.0.1:9/intermediate.cer' }, { chain: [intermediate.certPem] });
    assert.deepEqual(problemCodes(r), []);
  });

  test('a SHA-1 signature: TLS_WEAK_SIGNATURE', async () => {
    const r = await check('sha1', { issuer: ca, hash: 'SHA-1' });
    assert.ok(problemCodes(r).includes('TLS_WEAK_SIGNATURE'), problemCodes(r).join());
    assert.deepEqual(problemCodes(r).filter((c) => c !== 'TLS_WEAK_SIGNATURE' && c !== 'TLS_UNTRUSTED'), []);
  });

  test('TLS 1.0 and 1.1 only: TLS_OLD_PROTOCOL', async () => {
    const r = await check('tls10', { issuer: ca }, { tls: { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' } });
    assert.deepEqual(problemCodes(r), ['TLS_OLD_PROTOCOL']);
    assert.match(r.tls[0]?.protocol ?? '', /^TLSv1(\.1)?$/);
  });

  test('TLS 1.2 without forward secrecy: TLS_NO_FORWARD_SECRECY', async () => {
    const r = await check('no-fs', { issuer: ca, rsa: true }, { tls: { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256:@SECLEVEL=0' } });
    assert.deepEqual(problemCodes(r), ['TLS_NO_FORWARD_SECRECY']);
  });

  test('--ca names a certificate that is not a CA: CA_NOT_A_CA', async () => {
    const notCa = await makeLeaf({ host: 'not-a-ca.example' });
    const r = await check('not-a-ca', { issuer: ca }, { caPem: notCa.certPem });
    assert.ok(problemCodes(r).includes('CA_NOT_A_CA'), problemCodes(r).join());
  });
});
