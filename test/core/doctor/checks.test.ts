// The doctor's pure checks, from literal facts: input classification, presigned expiry, icons,
// redirects and the TLS lifetime rules that the gallery's servers cannot easily show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkIcon,
  checkLink,
  checkRedirects,
  checkTls,
  classifyInput,
  DOCTOR_FINDINGS,
  presignedExpiry,
  type CertFacts,
  type HttpAnswer,
  type HttpTrace,
  type TlsFacts,
} from '../../../src/core/doctor/index.js';
import { OtashipError } from '../../../src/core/errors.js';
import { cgbiPng, standardPng } from '../../helpers/synthetic-png.js';

const trace = (urls: string[], status = 200, body: Buffer = Buffer.alloc(0)): HttpTrace => {
  const hops = urls.map((url) => ({ url, status: 302, headers: {} }));
  const final = { url: urls[urls.length - 1] as string, status, headers: {} };
  hops[hops.length - 1] = final;
  return { hops, final, body, truncated: false };
};

test('input: links and http(s) URLs are checked; anything else is BAD_LINK (exit 2)', () => {
  assert.deepEqual(classifyInput(' itms-services://?action=download-manifest&url=https%3A%2F%2Fa.example%2Fm.plist '), {
    kind: 'link',
    link: 'itms-services://?action=download-manifest&url=https%3A%2F%2Fa.example%2Fm.plist',
  });
  assert.equal(classifyInput('https://a.example/i/x').kind, 'url');
  for (const bad of ['not a url', 'ftp://a.example/m.plist', 'file:///etc/passwd', '']) {
    assert.throws(() => classifyInput(bad), (e: unknown) => e instanceof OtashipError && e.code === 'BAD_LINK' && e.exitCode === 2, bad);
  }
});

test('link: the manifest URL is decoded once; a link without one is a finding, not a crash', () => {
  const ok = checkLink('itms-services://?action=download-manifest&url=https%3A%2F%2Fa.example%2Fm.plist%3Ft%3D1%26u%3D2', null);
  assert.equal(ok.manifestUrl, 'https://a.example/m.plist?t=1&u=2');
  const broken = checkLink('itms-services://?action=download-manifest&amp;url=https%3A%2F%2Fa.example%2Fm.plist', null);
  assert.ok(broken.findings.some((f) => f.code === 'LINK_PROBLEM'));
});

test('presigned expiry: SigV4 (X-Amz-Date + X-Amz-Expires) and Expires; other URLs are not presigned', () => {
  assert.equal(presignedExpiry('https://b.s3.amazonaws.com/k?X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-Signature=x'), Date.UTC(2026, 0, 1) / 1000 + 3600);
  assert.equal(presignedExpiry('https://d.cloudfront.net/k?Expires=1767225600&Signature=x'), 1767225600);
  assert.equal(presignedExpiry('https://a.example/app.ipa?t=abc'), null);
});

test('icons: standard PNG of the declared size passes; CgBI, wrong size and not-PNG are named', () => {
  assert.deepEqual(checkIcon('display-image', trace(['https://a/i.png'], 200, standardPng(57, 57))), []);
  assert.deepEqual(checkIcon('display-image', trace(['https://a/i.png'], 200, cgbiPng(57, 57))).map((f) => f.code), ['ICON_CGBI']);
  assert.deepEqual(checkIcon('full-size-image', trace(['https://a/i.png'], 200, standardPng(57, 57))).map((f) => f.code), ['ICON_WRONG_SIZE']);
  assert.deepEqual(checkIcon('display-image', trace(['https://a/i.png'], 200, Buffer.from('<html>'))).map((f) => f.code), ['ICON_NOT_PNG']);
  assert.deepEqual(checkIcon('display-image', trace(['https://a/i.png'], 404)).map((f) => f.code), ['ICON_STATUS']);
});

test('redirects: https→http is an error, another host a note', () => {
  assert.deepEqual(checkRedirects(trace(['https://a.example/x', 'http://a.example/x']), 'package').map((f) => f.code), ['REDIRECT_TO_HTTP']);
  assert.deepEqual(checkRedirects(trace(['https://a.example/x', 'https://cdn.example/x']), 'package').map((f) => [f.code, f.severity]), [['REDIRECT_OTHER_HOST', 'info']]);
});

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
function leaf(over: Partial<CertFacts> = {}): CertFacts {
  return {
    subject: 'CN=a.example',
    issuer: 'CN=Public CA',
    selfSigned: false,
    isCa: false,
    dnsNames: ['a.example'],
    ipAddresses: [],
    notBefore: new Date(NOW - 10 * DAY).toISOString(),
    notAfter: new Date(NOW + 80 * DAY).toISOString(),
    keyType: 'EC',
    keyBits: 256,
    signatureHash: 'SHA-256',
    serverAuth: true,
    caIssuers: [],
    ...over,
  };
}
function tls(over: Partial<TlsFacts> = {}, cert: Partial<CertFacts> = {}): TlsFacts {
  return { host: 'a.example', port: 443, reachable: true, ats: { ok: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' }, fallback: null, chain: [leaf(cert)], trustError: null, nameMatches: true, ca: null, caIssuedChain: false, ...over };
}
const codes = (t: TlsFacts) => checkTls(t, 'manifest', 'https://a.example/m.plist', NOW).map((f) => f.code);

test('TLS: a good public certificate passes; key size, serverAuth and Apple\'s lifetime caps are enforced', () => {
  assert.deepEqual(codes(tls()), []);
  assert.deepEqual(codes(tls({}, { keyType: 'RSA', keyBits: 1024 })), ['TLS_WEAK_KEY']);
  assert.deepEqual(codes(tls({}, { serverAuth: false })), ['TLS_NO_SERVER_AUTH']);
  // 400 days from a public CA (issued after 1 Sep 2020): over 398.
  assert.deepEqual(codes(tls({}, { notBefore: new Date(NOW - 100 * DAY).toISOString(), notAfter: new Date(NOW + 300 * DAY).toISOString() })), ['TLS_VALIDITY_TOO_LONG']);
  // The same from a private CA given with --ca: under 825, allowed.
  const ca = leaf({ isCa: true, subject: 'CN=Private', selfSigned: true });
  assert.deepEqual(codes(tls({ ca, caIssuedChain: true }, { notBefore: new Date(NOW - 100 * DAY).toISOString(), notAfter: new Date(NOW + 300 * DAY).toISOString() })), []);
  // Nothing listening: not a TLS finding (the request reports UNREACHABLE).
  assert.deepEqual(codes(tls({ reachable: false, ats: { ok: false, error: 'ECONNREFUSED' }, chain: [] })), []);
});

test('every catalogue entry says what the phone shows and how to fix it', () => {
  for (const [code, spec] of Object.entries(DOCTOR_FINDINGS)) {
    assert.match(code, /^[A-Z][A-Z0-9_]+$/);
    assert.ok(spec.phone.length > 10 && spec.fix.length > 10, code);
  }
});

test('docs/doctor.md lists every code of the catalogue, with its severity', async () => {
  const { readFileSync } = await import('node:fs');
  const page = readFileSync('docs/doctor.md', 'utf8');
  for (const [code, spec] of Object.entries(DOCTOR_FINDINGS)) {
    assert.ok(page.includes(`| \`${code}\` | ${spec.severity} |`), `docs/doctor.md has no row for ${code}`);
  }
});

test('package HTTP: length, encoding, type, validators and presigned expiry are judged from the answers', async () => {
  const { checkPackageHttp } = await import('../../../src/core/doctor/index.js');
  const url = 'https://a.example/app.ipa';
  const ranged: HttpAnswer = { url, status: 206, headers: { 'content-range': 'bytes 0-1023/5000000' } };
  const plain = (headers: Record<string, string>) => ({ url, status: 200, headers });
  const good = { 'content-length': '5000000', 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', etag: '"x"' };
  const run = (headers: Record<string, string>, hops = [ranged]) =>
    checkPackageHttp({ range: { hops, final: hops[hops.length - 1]!, body: Buffer.alloc(0), truncated: false }, plain: plain(headers), staleIfRange: null }, NOW).map((f) => f.code);
  assert.deepEqual(run(good), []);
  assert.deepEqual(run({ ...good, 'content-length': '4999999' }), ['PACKAGE_LENGTH_MISMATCH']);
  assert.deepEqual(run({ ...good, 'content-length': '' }), ['PACKAGE_NO_LENGTH']);
  assert.deepEqual(run({ ...good, 'content-encoding': 'gzip' }), ['PACKAGE_COMPRESSED']);
  assert.deepEqual(run({ ...good, 'content-type': 'text/html' }), ['PACKAGE_CONTENT_TYPE']);
  assert.deepEqual(run({ ...good, etag: '' }), ['PACKAGE_NO_ETAG']);
  const signed = (date: string, expires: number): HttpAnswer => ({ ...ranged, url: `https://b.s3.example/app.ipa?X-Amz-Date=${date}&X-Amz-Expires=${expires}` });
  // NOW is 2026-06-01T00:00:00Z; 5 MB take 5 s at the slow phone rate.
  assert.deepEqual(run(good, [{ url, status: 302, headers: {} }, signed('20260531T235000Z', 60)]), ['PRESIGNED_EXPIRED']);
  assert.deepEqual(run(good, [{ url, status: 302, headers: {} }, signed('20260531T235959Z', 4)]), ['PRESIGNED_TOO_SHORT']);
  assert.deepEqual(run(good, [{ url, status: 302, headers: {} }, signed('20260531T235959Z', 3600)]), []);
});

test('manifest: served over http is MANIFEST_NOT_HTTPS; a 200 over https with text/xml is judged by the validator only', async () => {
  const { checkManifest } = await import('../../../src/core/doctor/index.js');
  const { buildManifest } = await import('../../../src/core/manifest/index.js');
  const xml = Buffer.from(buildManifest({ package: { bundleId: 'com.example.a', version: '1.0', build: '1', name: 'A' }, urls: { softwarePackage: 'https://a.example/app.ipa' } }));
  const answer = (url: string) => ({ hops: [{ url, status: 200, headers: { 'content-type': 'text/xml' } }], final: { url, status: 200, headers: { 'content-type': 'text/xml' } }, body: xml, truncated: false });
  assert.deepEqual(checkManifest(answer('https://a.example/m.plist')).findings.map((f) => f.code), []);
  assert.deepEqual(checkManifest(answer('http://a.example/m.plist')).findings.map((f) => f.code), ['MANIFEST_NOT_HTTPS']);
});

test('manifest: a refusal names the reason the server gives in a JSON error body; any other body adds nothing', async () => {
  const { checkManifest } = await import('../../../src/core/doctor/index.js');
  const url = 'https://a.example/i/x/manifest.plist';
  const status = (body: string) => checkManifest(trace([url], 400, Buffer.from(body))).findings.find((f) => f.code === 'MANIFEST_STATUS')?.message;
  const reason = "this server's public URL http://localhost:8080 is http, and iOS installs only from https manifests";
  assert.equal(status(JSON.stringify({ error: { code: 'BAD_URL', message: reason } })), `The manifest URL answers 400 to a request without cookies; the server says: ${reason}`);
  assert.equal(status(JSON.stringify({ error: 'Forbidden\n  here' })), 'The manifest URL answers 400 to a request without cookies; the server says: Forbidden here');
  for (const body of ['<html>Bad request</html>', '', '{"error":{"message":42}}', 'null']) {
    assert.equal(status(body), 'The manifest URL answers 400 to a request without cookies', body);
  }
  assert.ok(status(JSON.stringify({ error: { message: 'x'.repeat(1000) } }))!.length < 400, 'a long reason is cut');
});
