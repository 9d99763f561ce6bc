// A certificate reduced to the facts App Transport Security judges (core/doctor/tls.ts), read with
// @peculiar/x509 (signature algorithm, extensions) and node:crypto (key size, self-signature).
import { X509Certificate as NodeX509 } from 'node:crypto';
import type { CertFacts } from '../../core/doctor/index.js';
import { x509 } from '../../tls/x509.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

export function certFacts(der: Buffer): CertFacts {
  const cert = new x509.X509Certificate(new Uint8Array(der));
  const node = new NodeX509(der);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const aia = cert.getExtension(x509.AuthorityInfoAccessExtension);
  const names = san?.names.items ?? [];
  const key = node.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const keyType = key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss' ? 'RSA' : key.asymmetricKeyType === 'ec' ? 'EC' : 'other';
  const keyBits = keyType === 'RSA' ? (details.modulusLength ?? 0) : keyType === 'EC' ? curveBits(details.namedCurve) : 0;
  const algorithm = cert.signatureAlgorithm as Algorithm & { hash?: Algorithm };
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    selfSigned: cert.subject === cert.issuer && node.checkIssued(node) && safeVerify(node),
    isCa: basic?.ca ?? false,
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    keyType,
    keyBits,
    signatureHash: algorithm.hash?.name ?? (/sha-?1\b/i.test(algorithm.name) ? 'SHA-1' : algorithm.name),
    serverAuth: eku ? eku.usages.map(String).includes(SERVER_AUTH) : null,
    caIssuers: (aia?.caIssuers ?? []).filter((n) => n.type === 'url').map((n) => n.value),
  };
}

function safeVerify(cert: NodeX509): boolean {
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

function curveBits(curve: string | undefined): number {
  const m = /(\d{3})/.exec(curve ?? '');
  return m ? Number(m[1]) : 0;
}
