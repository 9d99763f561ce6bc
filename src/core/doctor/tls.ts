// App Transport Security, which the install daemon applies to the manifest, the package and the
// icons: TLS 1.2 or later with a forward-secret (ECDHE) suite, a trusted chain, the name in the SAN,
// serverAuth, RSA ≥ 2048 / EC ≥ 256, SHA-256 or better signatures, and Apple's lifetime caps
// (825 days; 398 for public CAs, issued after 1 Sep 2020). Pure: judges TlsFacts.
import type { CertFacts, TlsFacts } from './facts.js';
import { finding, type DoctorStep, type Finding } from './findings.js';

const DAY_MS = 86_400_000;
/** Renewal is overdue below this: ACME clients renew at 30 days left. */
export const CERT_WARN_DAYS = 21;
const MAX_VALIDITY_DAYS = 825;
const MAX_PUBLIC_VALIDITY_DAYS = 398;
const PUBLIC_CAP_FROM = Date.UTC(2020, 8, 1);
const WEAK_HASHES = new Set(['SHA-1', 'MD5', 'MD2', 'MD4']);

export function checkTls(t: TlsFacts, step: DoctorStep, url: string, now: number): Finding[] {
  const out: Finding[] = [];
  const where = `${t.host}:${t.port}`;
  if (!t.reachable) return out;
  if (!t.ats.ok) {
    if (t.fallback && /^TLSv1(\.1)?$|^SSLv3$/.test(t.fallback.protocol)) {
      out.push(finding('TLS_OLD_PROTOCOL', step, url, `${where} speaks only ${t.fallback.protocol} (${t.fallback.cipher}); iOS requires TLS 1.2 or later`));
    } else if (t.fallback) {
      out.push(finding('TLS_NO_FORWARD_SECRECY', step, url, `${where} refuses every ECDHE cipher suite and chose ${t.fallback.cipher} (${t.fallback.protocol}) when offered others`));
    } else if (t.chain.length === 0) {
      out.push(finding('TLS_HANDSHAKE_FAILED', step, url, `No TLS connection to ${where}: ${t.ats.error}`));
    } else {
      out.push(finding('TLS_HANDSHAKE_FAILED', step, url, `The TLS handshake with ${where} failed as iOS makes it: ${t.ats.error}`));
    }
  }
  const leaf = t.chain[0];
  if (!leaf) return out;
  out.push(...trust(t, leaf, step, url));
  if (!t.nameMatches) {
    const names = [...leaf.dnsNames, ...leaf.ipAddresses];
    out.push(finding('TLS_NAME_MISMATCH', step, url, `The certificate of ${where} is for ${names.join(', ') || leaf.subject}, not ${t.host}`));
  }
  if (leaf.dnsNames.length === 0 && leaf.ipAddresses.length === 0) {
    out.push(finding('TLS_NO_SAN', step, url, `The certificate of ${where} (${leaf.subject}) has no subjectAltName`));
  }
  out.push(...validity(leaf, where, step, url, now, t.trustError === null && t.ca === null));
  if (leaf.serverAuth === false) out.push(finding('TLS_NO_SERVER_AUTH', step, url, `The certificate of ${where} is not for server authentication (extended key usage)`));
  if ((leaf.keyType === 'RSA' && leaf.keyBits < 2048) || (leaf.keyType === 'EC' && leaf.keyBits < 256)) {
    out.push(finding('TLS_WEAK_KEY', step, url, `The certificate of ${where} has a ${leaf.keyBits}-bit ${leaf.keyType} key`));
  }
  // Every certificate the server sends is checked except a self-signed root, whose signature no one verifies.
  for (const c of t.chain) {
    if (c.selfSigned && c !== leaf) continue;
    if (WEAK_HASHES.has(c.signatureHash.toUpperCase())) {
      out.push(finding('TLS_WEAK_SIGNATURE', step, url, `${c === leaf ? 'The certificate' : `The intermediate ${c.subject}`} of ${where} is signed with ${c.signatureHash}`));
    }
  }
  if (t.ca && !t.ca.isCa) out.push(finding('CA_NOT_A_CA', step, url, `The certificate given with --ca (${t.ca.subject}) is not a CA (no basicConstraints CA:TRUE)`));
  return out;
}

/** Why the chain is not trusted, named as precisely as the sent chain allows. */
function trust(t: TlsFacts, leaf: CertFacts, step: DoctorStep, url: string): Finding[] {
  const err = t.trustError;
  if (err === null) return [];
  const where = `${t.host}:${t.port}`;
  // Judged with the dates by validity(), and with the names by checkTls(): Node reports a name
  // mismatch here only when the chain itself verified.
  if (/EXPIRED|NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID/.test(err)) return [];
  if (err === 'DEPTH_ZERO_SELF_SIGNED_CERT' || (t.chain.length === 1 && leaf.selfSigned)) {
    return [finding('TLS_SELF_SIGNED_LEAF', step, url, `${where} sends a self-signed certificate (${leaf.subject})`)];
  }
  const last = t.chain[t.chain.length - 1] as CertFacts;
  if (err === 'SELF_SIGNED_CERT_IN_CHAIN' || last.selfSigned) {
    return [finding('TLS_UNKNOWN_CA', step, url, `${where} chains to ${last.subject}, which is not a trusted root${t.ca ? ' (nor the --ca certificate)' : ''}`)];
  }
  if (/UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE/.test(err)) {
    // The server stops at a certificate whose issuer it does not send. If that certificate says
    // where its issuer is published (AIA), the issuer is a real CA the server left out: an
    // incomplete chain. Without AIA the issuer is most likely a private CA the phone does not know.
    if (last.caIssuers.length > 0) {
      return [finding('TLS_INCOMPLETE_CHAIN', step, url, `${where} does not send the certificate of ${last.issuer}, which issued ${last.subject} (published at ${last.caIssuers.join(', ')})`)];
    }
    if (t.ca && !t.caIssuedChain) return [finding('CA_NOT_ISSUER', step, url, `${where} is issued by ${last.issuer}, not by the --ca certificate ${t.ca.subject}`)];
    return [finding('TLS_UNKNOWN_CA', step, url, `${where} is issued by ${last.issuer}, which is not a trusted CA${t.ca ? ' (nor the --ca certificate)' : ''}`)];
  }
  return [finding('TLS_UNTRUSTED', step, url, `The certificate chain of ${where} is not trusted (${err})`)];
}

function validity(leaf: CertFacts, where: string, step: DoctorStep, url: string, now: number, publicCa: boolean): Finding[] {
  const out: Finding[] = [];
  const from = Date.parse(leaf.notBefore);
  const to = Date.parse(leaf.notAfter);
  const left = Math.floor((to - now) / DAY_MS);
  if (to <= now) out.push(finding('TLS_EXPIRED', step, url, `The certificate of ${where} expired on ${leaf.notAfter}`));
  else if (from > now) out.push(finding('TLS_NOT_YET_VALID', step, url, `The certificate of ${where} is valid only from ${leaf.notBefore}`));
  else if (left < CERT_WARN_DAYS) out.push(finding('TLS_EXPIRES_SOON', step, url, `The certificate of ${where} expires in ${left} days (${leaf.notAfter})`));
  const days = (to - from) / DAY_MS;
  const cap = publicCa && from >= PUBLIC_CAP_FROM ? MAX_PUBLIC_VALIDITY_DAYS : MAX_VALIDITY_DAYS;
  if (days > cap) out.push(finding('TLS_VALIDITY_TOO_LONG', step, url, `The certificate of ${where} is valid for ${Math.round(days)} days, over iOS's ${cap}-day limit`));
  return out;
}

/** Days the leaf has left (for the report's summary); null without a certificate. */
export function daysLeft(t: TlsFacts, now: number): number | null {
  const leaf = t.chain[0];
  return leaf ? Math.floor((Date.parse(leaf.notAfter) - now) / DAY_MS) : null;
}
