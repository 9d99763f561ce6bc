// Certificates for the doctor's gallery of broken deployments: a CA, an intermediate and server
// certificates that are right or wrong in exactly one way each (expired, no SAN, self-signed, SHA-1,
// from an unknown CA, missing their intermediate). Made with @peculiar/x509 on ECDSA P-256 keys.
import { webcrypto } from 'node:crypto';
import { x509 } from '../../src/tls/x509.js';

const DAY = 86_400_000;
const KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
/** RSA, for cipher suites with RSA key exchange (no forward secrecy), which an EC key cannot serve. */
const RSA_KEY = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;

export interface Issued {
  certPem: string;
  keys: CryptoKeyPair;
  name: string;
}

let serial = 1;

async function keys(rsa = false): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(rsa ? RSA_KEY : KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function makeCa(name: string, options: { issuer?: Issued; aia?: string } = {}): Promise<Issued> {
  const k = await keys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(4, '0'),
    subject: `CN=${name}`,
    issuer: options.issuer?.name ?? `CN=${name}`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3000 * DAY),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    publicKey: k.publicKey,
    signingKey: (options.issuer?.keys ?? k).privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ...(options.aia ? [new x509.AuthorityInfoAccessExtension({ caIssuers: new x509.GeneralName('url', options.aia) })] : []),
    ],
  });
  return { certPem: cert.toString('pem'), keys: k, name: `CN=${name}` };
}

export interface LeafOptions {
  /** Signed by this CA; absent: self-signed. */
  issuer?: Issued;
  host?: string;
  san?: boolean; // default true
  hash?: 'SHA-256' | 'SHA-1';
  notBefore?: Date;
  notAfter?: Date;
  /** Authority Information Access caIssuers URL (where the issuer's certificate is published). */
  aia?: string;
  /** An RSA key instead of EC P-256. */
  rsa?: boolean;
}

export async function makeLeaf(o: LeafOptions = {}): Promise<Issued & { keyPem: string }> {
  const k = await keys(o.rsa);
  const host = o.host ?? '127.0.0.1';
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(4, '0'),
    subject: `CN=${host}`,
    issuer: o.issuer?.name ?? `CN=${host}`,
    notBefore: o.notBefore ?? new Date(now - DAY),
    notAfter: o.notAfter ?? new Date(now + 90 * DAY),
    signingAlgorithm: { name: 'ECDSA', hash: o.hash ?? 'SHA-256' },
    publicKey: k.publicKey,
    signingKey: (o.issuer?.keys ?? k).privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      ...(o.san === false ? [] : [new x509.SubjectAlternativeNameExtension([/^[\d.]+$/.test(host) ? { type: 'ip', value: host } : { type: 'dns', value: host }])]),
      ...(o.aia ? [new x509.AuthorityInfoAccessExtension({ caIssuers: new x509.GeneralName('url', o.aia) })] : []),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', k.privateKey);
  const keyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
  return { certPem: cert.toString('pem'), keys: k, name: `CN=${host}`, keyPem };
}

export const daysFromNow = (n: number): Date => new Date(Date.now() + n * DAY);
